/**
 * npm run bench:watch [-- --events 1000000 --rate 0 --dir .bench/watch]
 * Generates an archive (the volume generator bench:lake uses, with the planted intrusion so real rules fire),
 * then measures in one run:
 *  (a) the lake's raw ingest rate of those files (the `vigil lake ingest` library path, fresh store);
 *  (b) the watch daemon fed the same files (full rule pack, a local HMAC-checked webhook receiver as the sink):
 *      events/s sustained, and p50/p99 latency from a file's arrival to its alert's delivery at the receiver.
 * --rate <events/s> paces the feed (files "arrive" on a clock; a daemon that falls behind shows it in latency);
 * 0 hands files out as fast as the daemon takes them (its throughput). Ends with ONE line of JSON.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeVolumeArchive } from '../src/synth/volume.js';
import { Store } from '../src/store/store.js';
import { ConfigSchema, type Config } from '../src/config/schema.js';
import { ingest } from '../src/lake/run.js';
import { buildPack, loadRules } from '../src/detect/index.js';
import { Daemon, loadWatchDeps, type Source, type SourceItem, type SourceStats, type WatchDeps } from '../src/watch/index.js';
import { startSignedReceiver } from '../src/watch/sinks/testing.js';
import { arg, finalLine, round, timed } from './lib.js';

const events = arg('events', 1_000_000);
const rate = arg('rate', 0);
const root = resolve(arg('dir', '.bench/watch'));
const archive = join(root, `archive-${events}`);
const SECRET = 'bench-hmac-key';
const log = (s: string) => process.stderr.write(s + '\n');

function listGz(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.json.gz') && !f.includes('Digest'))
    .map((f) => join(dir, f))
    .sort();
}

/** Files in delivery order, handed out as they "arrive": on a clock at --rate, or all at once. */
class Feed implements Source {
  readonly name = 'bench-feed';
  readonly stats: SourceStats = { received: 0, acked: 0, nacked: 0, errors: 0, lagSeconds: 0 };
  private i = 0;
  private t0 = 0;
  private eventsOut = 0;
  lastAck = 0;
  constructor(
    private readonly files: { path: string; size: number; records: number }[],
    private readonly perSecond: number,
  ) {}
  get done(): boolean {
    return this.i >= this.files.length;
  }
  async next(signal: AbortSignal): Promise<SourceItem[]> {
    if (!this.t0) this.t0 = Date.now();
    const out: SourceItem[] = [];
    while (out.length < 16 && this.i < this.files.length && !signal.aborted) {
      const f = this.files[this.i]!;
      // With a rate, a file arrives when the events before it have had their time.
      const due = this.perSecond > 0 ? this.t0 + (this.eventsOut / this.perSecond) * 1000 : Date.now();
      if (due > Date.now()) {
        if (out.length) break;
        await new Promise((r) => setTimeout(r, due - Date.now()));
      }
      this.i++;
      this.eventsOut += f.records;
      const item: SourceItem = {
        id: f.path,
        file: { key: f.path, path: f.path, size: f.size, version: String(Math.trunc(statSync(f.path).mtimeMs)) },
        arrivedAt: Math.max(due, this.perSecond > 0 ? due : Date.now()),
        ack: async () => {
          this.stats.acked++;
          this.lastAck = Date.now();
        },
        nack: async () => void this.stats.nacked++,
      };
      this.stats.received++;
      out.push(item);
    }
    return out;
  }
  async close() {}
}

/** The receiver: checks each delivery's HMAC and keeps when each notice id first arrived, counting repeats. */
async function startReceiver() {
  const firstAt = new Map<string, number>();
  let deliveries = 0;
  const server = await startSignedReceiver(SECRET, (n) => {
    deliveries++;
    if (!firstAt.has(n.id)) firstAt.set(n.id, Date.now());
  });
  return { url: server.url, firstAt, stats: () => ({ deliveries, badSignatures: server.badSignatures() }), close: server.close };
}

const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN);

async function main() {
  mkdirSync(root, { recursive: true });
  const meta = `${archive}.json`;
  if (!existsSync(meta)) {
    log(`generating ${events} events (with the planted intrusion) under ${archive} ...`);
    rmSync(archive, { recursive: true, force: true });
    const g = await timed(() => writeVolumeArchive(archive, { events, seed: 1, intrusion: true }));
    writeFileSync(meta, JSON.stringify(g.value));
    log(`generated in ${g.seconds.toFixed(1)} s`);
  }
  const info = JSON.parse(readFileSync(meta, 'utf8')) as { files: number; records: number; bytes: number };
  const paths = listGz(archive);
  log(`archive: ${info.records} records, ${paths.length} files`);

  // (a) Raw lake ingest, library path, fresh store.
  const rawDb = join(root, 'raw.duckdb');
  rmSync(rawDb, { force: true });
  rmSync(rawDb + '.wal', { force: true });
  const config: Config = ConfigSchema.parse({});
  const rawStore = await Store.open({ path: rawDb, threads: config.lake.threads, memoryLimit: config.lake.memoryLimit });
  log('(a) raw lake ingest ...');
  const raw = await timed(() => ingest(rawStore, { sources: [archive], config }));
  const perFile = new Map(
    (await rawStore.all<{ key: string; records: number }>('SELECT key, records FROM lake_files')).map((r) => [r.key, Number(r.records)]),
  );
  rawStore.close();
  const rawRate = raw.value.inserted / raw.seconds;
  log(`    ${raw.value.inserted} events in ${raw.seconds.toFixed(1)} s: ${Math.round(rawRate)} events/s`);

  // (b) The daemon.
  const receiver = await startReceiver();
  const db = join(root, 'watch.duckdb');
  rmSync(db, { force: true });
  rmSync(db + '.wal', { force: true });
  const wconfig: Config = ConfigSchema.parse({
    store: { path: db },
    watch: { warmupMinutes: 0, drainSeconds: 120, batch: { maxFiles: 256, maxWaitMs: 2000 } },
    sinks: [{ name: 'bench', type: 'webhook', url: receiver.url, secret: SECRET, rateLimit: 100_000 }],
  });
  const files = paths.map((p) => ({ path: p, size: statSync(p).size, records: perFile.get(p) ?? 200 }));
  const feed = new Feed(files, rate);
  const real = await loadWatchDeps();
  const deps: WatchDeps = { ...real, sources: { parseSourceArg: (a) => a, createSource: () => feed } };
  const pack = buildPack(loadRules().rules);
  const store = await Store.open({ path: db, threads: wconfig.lake.threads, memoryLimit: wconfig.lake.memoryLimit });
  const arrivedAt = new Map<string, number>();
  const toOutbox: number[] = [];
  const daemon = new Daemon({
    store,
    config: wconfig,
    pack,
    deps,
    sources: ['feed'],
    once: true,
    log: (m) => log(`    watch: ${m}`),
    onQueued: (notices, item) => {
      for (const n of notices) if (!arrivedAt.has(n.id)) arrivedAt.set(n.id, item.arrivedAt);
      for (let i = 0; i < notices.length; i++) toOutbox.push((Date.now() - item.arrivedAt) / 1000);
    },
  });
  log(`(b) daemon fed ${files.length} files${rate ? ` at ${rate} events/s` : ' as fast as it takes them'} (${pack.rules.length} rules) ...`);
  await daemon.start();
  const t0 = Date.now();
  const summary = await daemon.run();
  const busySeconds = (feed.lastAck - t0) / 1000;
  store.close();
  await receiver.close();

  const lat = [...arrivedAt].filter(([id]) => receiver.firstAt.has(id)).map(([id, t]) => (receiver.firstAt.get(id)! - t) / 1000).sort((a, b) => a - b);
  const { deliveries, badSignatures } = receiver.stats();
  const sustained = summary.events / busySeconds;
  const figures = {
    bench: 'watch',
    events: summary.events,
    files: summary.files,
    rules: pack.rules.length,
    feedRate: rate || 'max',
    rawIngestEventsPerSec: Math.round(rawRate),
    rawIngestSeconds: round(raw.seconds),
    daemonEventsPerSec: Math.round(sustained),
    daemonSeconds: round(busySeconds),
    daemonVsRawIngest: round(sustained / rawRate),
    alertsQueued: arrivedAt.size,
    alertsDelivered: receiver.firstAt.size,
    deliveries,
    duplicateDeliveries: deliveries - receiver.firstAt.size,
    badSignatures,
    latencyP50Seconds: round(pct(lat, 50), 3),
    latencyP99Seconds: round(pct(lat, 99), 3),
    latencyMaxSeconds: round(lat[lat.length - 1] ?? NaN, 3),
    // The part of it until the alert is in the outbox (the rest is the outbox's delivery).
    toOutboxP50Seconds: round(pct(toOutbox.sort((a, b) => a - b), 50), 3),
    toOutboxP99Seconds: round(pct(toOutbox, 99), 3),
    lakeCommits: summary.commits,
    phaseMs: summary.phaseMs,
    failures: summary.failures,
    targetEventsPerSec: 50_000,
    targetP99Seconds: 2,
    meetsTarget: sustained >= 50_000 && pct(lat, 99) < 2,
  };
  log('');
  log(`raw lake ingest     ${figures.rawIngestEventsPerSec} events/s`);
  log(`daemon sustained    ${figures.daemonEventsPerSec} events/s (${figures.daemonVsRawIngest}x raw ingest)`);
  log(`file → delivery     p50 ${figures.latencyP50Seconds} s, p99 ${figures.latencyP99Seconds} s (${lat.length} alerts)`);
  log(`file → outbox       p50 ${figures.toOutboxP50Seconds} s, p99 ${figures.toOutboxP99Seconds} s`);
  log(`deliveries          ${deliveries} for ${figures.alertsDelivered} alerts, ${badSignatures} bad signatures`);
  finalLine(figures);
}

main().catch((e) => {
  process.stderr.write(`bench:watch: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
