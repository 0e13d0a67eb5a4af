/**
 * npm run bench:detect [-- --events 2000000 --naive-events 30000 --dir .bench/detect]   (default 100k events, < 2 min)
 * Measures in one run, on a generated organisation trail (src/synth, with a planted intrusion):
 * - live: the live engine with the full pack on one core (events/s, parsing excluded) vs a naive baseline that
 *   evaluates every rule one by one over each parsed event (no shared field reads, no eventName index);
 * - hunt: the full pack as SQL over N stored events (one scan) vs a naive hunt (one scan per rule).
 * Prints the ratios; the last line is JSON.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { writeVolumeArchive } from '../src/synth/volume.js';
import { Store } from '../src/store/store.js';
import { loadRules } from '../src/detect/load.js';
import { buildPack, type Pack } from '../src/detect/pack.js';
import { LiveEngine } from '../src/detect/live.js';
import { hunt } from '../src/detect/hunt.js';
import { compileJs, EventView, FieldSlots } from '../src/detect/engine/js.js';
import { arg, finalLine, round, runChild, timed } from './lib.js';

const events = arg('events', 100_000);
const naiveEvents = arg('naive-events', 30_000);
const root = resolve(arg('dir', '.bench/detect'));
const archive = join(root, `archive-${events}`);
const db = join(root, `lake-${events}.duckdb`);
const log = (s: string) => process.stderr.write(s + '\n');

function gzFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.json.gz') && !f.includes('Digest'))
    .sort()
    .map((f) => join(dir, f));
}

function* records(files: string[]): Generator<Record<string, unknown>[]> {
  for (const f of files) yield (JSON.parse(gunzipSync(readFileSync(f)).toString('utf8')) as { Records: Record<string, unknown>[] }).Records;
}

/** Live engine over every event: only engine time is counted (parsing is the same for any engine). */
function liveRun(pack: Pack, files: string[], limit = Infinity): { events: number; seconds: number; alerts: number } {
  const engine = new LiveEngine(pack);
  let n = 0;
  let ns = 0n;
  for (const batch of records(files)) {
    const t = process.hrtime.bigint();
    for (const r of batch) {
      engine.push(r);
      if (++n >= limit) break;
    }
    ns += process.hrtime.bigint() - t;
    if (n >= limit) break;
  }
  const t = process.hrtime.bigint();
  const alerts = engine.flush().length;
  ns += process.hrtime.bigint() - t;
  return { events: n, seconds: Number(ns) / 1e9, alerts };
}

/** The naive baseline: each rule compiled alone and evaluated one by one on every parsed event. */
function naiveRun(pack: Pack, files: string[], limit: number): { events: number; seconds: number; matches: number } {
  const rules = pack.members.map((m) => {
    const slots = new FieldSlots();
    return { slots, match: compileJs(m.pred, slots) };
  });
  let n = 0;
  let matches = 0;
  let ns = 0n;
  for (const batch of records(files)) {
    const t = process.hrtime.bigint();
    for (const r of batch) {
      for (const rule of rules) if (rule.match(new EventView(r, rule.slots))) matches++;
      if (++n >= limit) break;
    }
    ns += process.hrtime.bigint() - t;
    if (n >= limit) break;
  }
  return { events: n, seconds: Number(ns) / 1e9, matches };
}

async function main() {
  mkdirSync(root, { recursive: true });
  const meta = join(archive, 'archive.json');
  if (!existsSync(meta)) {
    log(`generating ${events} events (with a planted intrusion) under ${archive} ...`);
    rmSync(archive, { recursive: true, force: true });
    const g = await timed(() => writeVolumeArchive(archive, { events, seed: 7, intrusion: true }));
    writeFileSync(meta, JSON.stringify(g.value));
    log(`generated in ${g.seconds.toFixed(1)} s`);
  }
  if (!existsSync(db)) {
    log(`ingesting into ${db} ...`);
    const r = await runChild(process.execPath, ['bin/vigil.js', '--db', db, '--quiet', 'lake', 'ingest', archive]);
    if (r.code !== 0 && r.code !== 1) throw new Error(`lake ingest failed (${r.code}): ${r.stderr.slice(0, 500)}`);
    log(`ingested in ${r.seconds.toFixed(1)} s`);
  }
  const loaded = loadRules();
  const pack = buildPack(loaded.rules, undefined, loaded.failed);
  log(`pack: ${pack.rules.length} rules (${pack.members.length} matchers, ${pack.windowUnits.length} windowed), ${pack.failed.length} not loaded`);
  const files = gzFiles(archive);

  // Warm both engines up (JIT) on the first events, so neither figure measures compilation.
  liveRun(pack, files, 10_000);
  naiveRun(pack, files, 2_000);
  const live = liveRun(pack, files);
  const liveRate = live.events / live.seconds;
  log(`live:  ${live.events} events in ${live.seconds.toFixed(2)} s = ${Math.round(liveRate)} events/s, ${live.alerts} alerts`);
  const naive = naiveRun(pack, files, naiveEvents);
  const naiveRate = naive.events / naive.seconds;
  log(`naive: ${naive.events} events in ${naive.seconds.toFixed(2)} s = ${Math.round(naiveRate)} events/s (every rule one by one)`);

  const store = await Store.open({ path: db, readOnly: true, threads: 2 });
  try {
    const stored = Number((await store.one<{ n: number }>('SELECT count(*) AS n FROM cloudtrail_logs'))?.n ?? 0);
    // Warm the store's cache once so neither hunt pays for the first read of the columns.
    await hunt(store, pack);
    const h = await timed(() => hunt(store, pack));
    log(`hunt:  ${stored} stored events, full pack in ${h.seconds.toFixed(2)} s, ${h.value.alerts.length} alerts`);
    const hn = await timed(() => hunt(store, pack, { perRule: true }));
    log(`naive hunt: one scan per rule in ${hn.seconds.toFixed(2)} s, ${hn.value.alerts.length} alerts`);
    if (JSON.stringify(hn.value.alerts) !== JSON.stringify(h.value.alerts)) throw new Error('naive and packed hunts disagree');
    const figures = {
      bench: 'detect',
      rules: pack.rules.length,
      live_events: live.events,
      live_events_per_s: Math.round(liveRate),
      naive_live_events: naive.events,
      naive_live_events_per_s: Math.round(naiveRate),
      live_speedup: round(liveRate / naiveRate),
      live_alerts: live.alerts,
      hunt_events: stored,
      hunt_s: round(h.seconds),
      naive_hunt_s: round(hn.seconds),
      hunt_speedup: round(hn.seconds / h.seconds),
      hunt_alerts: h.value.alerts.length,
      hunt_matches: h.value.matches,
    };
    log(`live ${Math.round(liveRate)} ev/s vs naive ${Math.round(naiveRate)} ev/s: ×${figures.live_speedup}; hunt ${figures.hunt_s}s vs naive ${figures.naive_hunt_s}s: ×${figures.hunt_speedup}`);
    finalLine(figures);
  } finally {
    store.close();
  }
}

main().catch((e) => {
  process.stderr.write(`bench:detect: ${(e as Error).message}\n`);
  process.exitCode = 3;
});
