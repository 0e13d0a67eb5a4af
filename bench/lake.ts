/**
 * npm run bench:lake [-- --events 1000000 --dir .bench/lake --only zcat,ingest --vigil path/to/bin/vigil.js]
 * Generates a realistic archive (AWSLogs layout, gzip, ~200 records a file, ~1.5 KB a record), then measures in
 * one run: the baselines (zcat; gunzip + JSON.parse in Node), the first ingest through the CLI (events/s, MB/s of
 * JSON, CPU seconds, peak RSS), a no-op re-ingest, the store's size and saved queries' times.
 * --only runs some of the parts (zcat, parse, ingest, noop, queries; noop and queries need ingest) — on a busy
 * machine, compare variants within one run. --vigil ingests with another checkout's CLI (e.g. the previous
 * commit's), for a before/after in the same run.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { writeVolumeArchive } from '../src/synth/volume.js';
import { Store } from '../src/store/store.js';
import { installCompat } from '../src/lake/compat.js';
import { renderSavedQuery } from '../src/lake/queries/index.js';
import { arg, finalLine, round, runChild, timed } from './lib.js';

const events = arg('events', 1_000_000);
const root = resolve(arg('dir', '.bench/lake'));
const archive = join(root, `archive-${events}`);
const log = (s: string) => process.stderr.write(s + '\n');
const PARTS = ['zcat', 'parse', 'ingest', 'noop', 'queries'] as const;
const only = arg('only', PARTS.join(','))
  .split(',')
  .map((p) => p.trim());
for (const p of only) if (!(PARTS as readonly string[]).includes(p)) throw new Error(`--only: unknown part "${p}" (parts: ${PARTS.join(', ')})`);
const runs = (part: (typeof PARTS)[number]) => only.includes(part) && (part === 'zcat' || part === 'parse' || only.includes('ingest'));
const vigilBin = resolve(arg('vigil', 'bin/vigil.js'));

function listGz(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.json.gz') && !f.includes('Digest'))
    .map((f) => join(dir, f));
}

async function main() {
  mkdirSync(root, { recursive: true });
  const meta = `${archive}.json`;
  if (!existsSync(meta)) {
    log(`generating ${events} events under ${archive} ...`);
    rmSync(archive, { recursive: true, force: true });
    const g = await timed(() => writeVolumeArchive(archive, { events, seed: 1 }));
    writeFileSync(meta, JSON.stringify(g.value));
    log(`generated in ${g.seconds.toFixed(1)} s`);
  }
  const info = JSON.parse(readFileSync(meta, 'utf8')) as { files: number; records: number; bytes: number };
  const files = listGz(archive);
  const gzBytes = files.reduce((s, f) => s + statSync(f).size, 0);
  log(`archive: ${info.records} records, ${files.length} files, ${(info.bytes / 1e9).toFixed(2)} GB JSON, ${(gzBytes / 1e6).toFixed(0)} MB gzip`);

  const eps = (s: number) => Math.round(info.records / s);
  let zcatSeconds: number | undefined;
  if (runs('zcat')) {
    log('baseline: zcat of every file to /dev/null ...');
    writeFileSync(join(root, 'files.txt'), files.join('\n'));
    const zcat = await runChild('sh', ['-c', `tr '\\n' '\\0' < ${join(root, 'files.txt')} | xargs -0 cat | zcat > /dev/null`]);
    if (zcat.code !== 0) throw new Error(`zcat failed: ${zcat.stderr}`);
    zcatSeconds = zcat.seconds;
    log(`zcat: ${eps(zcat.seconds)} events/s`);
  }

  let parseSeconds: number | undefined;
  if (runs('parse')) {
    log('baseline: gunzip + JSON.parse in Node (one thread) ...');
    const parse = await timed(() => {
      let n = 0;
      for (const f of files) n += (JSON.parse(gunzipSync(readFileSync(f)).toString('utf8')) as { Records: unknown[] }).Records.length;
      return n;
    });
    parseSeconds = parse.seconds;
    log(`Node parse: ${eps(parse.seconds)} events/s`);
  }

  const figures: Record<string, unknown> = {
    bench: 'lake',
    events: info.records,
    files: files.length,
    jsonMB: round(info.bytes / 1e6, 0),
    gzipMB: round(gzBytes / 1e6, 0),
    zcatEventsPerSec: zcatSeconds && eps(zcatSeconds),
    nodeParseEventsPerSec: parseSeconds && eps(parseSeconds),
  };

  if (runs('ingest')) {
    const db = join(root, 'bench.duckdb');
    rmSync(db, { force: true });
    rmSync(db + '.wal', { force: true });
    const vigil = [vigilBin, 'lake', 'ingest', archive, '--db', db, '--json', '--quiet'];
    log(`first ingest (${vigilBin} lake ingest, 2 threads) ...`);
    const first = await runChild(process.execPath, vigil);
    if (first.code !== 0) throw new Error(`ingest failed (${first.code}): ${first.stderr || first.stdout.slice(0, 2000)}`);
    const firstOut = JSON.parse(first.stdout) as { inserted: number };
    Object.assign(figures, {
      ingestSeconds: round(first.seconds),
      ingestEventsPerSec: eps(first.seconds),
      ingestJsonMBPerSec: round(info.bytes / 1e6 / first.seconds, 1),
      ingestCpuSeconds: round(first.cpuSeconds),
      ingestPeakRssMiB: first.peakRssMiB,
      ratioIngestVsZcat: zcatSeconds && round(zcatSeconds / first.seconds),
      ratioIngestVsNodeParse: parseSeconds && round(parseSeconds / first.seconds),
      eventsStored: firstOut.inserted,
    });
    log(
      `first ingest: ${figures.ingestSeconds} s, ${figures.ingestEventsPerSec} events/s (ratio to zcat ${figures.ratioIngestVsZcat ?? '-'}), ` +
        `${figures.ingestJsonMBPerSec} MB/s of JSON, ${figures.ingestCpuSeconds} s CPU, peak RSS ${figures.ingestPeakRssMiB} MiB`,
    );
    if (runs('noop')) {
      log('no-op re-ingest ...');
      const again = await runChild(process.execPath, vigil);
      const againOut = JSON.parse(again.stdout) as { filesIngested: number; filesSkipped: number };
      Object.assign(figures, {
        noopReingestSeconds: round(again.seconds),
        noopFilesRead: againOut.filesIngested,
        ratioNoopVsFirst: round(again.seconds / first.seconds, 3),
      });
      log(`no-op re-ingest: ${figures.noopReingestSeconds} s (${(again.seconds / first.seconds * 100).toFixed(1)}% of first), read ${againOut.filesIngested} files`);
    }
    figures.storeMB = round((statSync(db).size + (existsSync(db + '.wal') ? statSync(db + '.wal').size : 0)) / 1e6, 0);
    if (runs('queries')) {
      log('saved queries (best of 3) ...');
      const store = await Store.open({ path: db, readOnly: true, threads: 2 });
      await installCompat(store);
      const queries: Record<string, number> = {};
      for (const name of ['top-principals', 'console-logins-without-mfa', 'unauthorized-calls', 'logging-tampering']) {
        const sql = renderSavedQuery(name, { since: new Date('2000-01-01T00:00:00Z'), until: new Date('2100-01-01T00:00:00Z') });
        let best = Infinity;
        for (let i = 0; i < 3; i++) best = Math.min(best, (await timed(() => store.all(sql))).seconds);
        queries[name] = round(best, 3);
      }
      store.close();
      figures.savedQuerySeconds = queries;
      log(`store: ${figures.storeMB} MB; saved queries: ${JSON.stringify(queries)}`);
    }
  }
  finalLine(figures);
}

main().catch((e) => {
  process.stderr.write(`bench:lake failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(3);
});
