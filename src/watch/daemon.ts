/**
 * `vigil watch`: sources → pipeline → lake + outbox, with health/metrics, schedules and a clean drain.
 *
 * Shutdown (SIGTERM/SIGINT): stop receiving, finish the items in hand, commit them and ack, let the scheduled
 * job in progress end, stop the outbox after its in-flight deliveries, close the store, exit 0. A second signal
 * exits at once (what is not committed comes back on the next start; nothing is lost).
 *
 * Test-only fault injection: VIGIL_FAULT=kill-after-commit:<n> makes the daemon SIGKILL itself right after its
 * n-th lake commit, before that batch is acked — the worst moment for exactly-once. It first lets the outbox
 * finish the deliveries in flight, so a test's receiver can count deliveries exactly (a kill in the middle of an
 * HTTP delivery is the outbox's own at-least-once case, tested there).
 */
import { dirname, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Store } from '../store/store.js';
import type { Config } from '../config/schema.js';
import type { Pack } from '../detect/pack.js';
import { oneLine, UsageError, VigilError } from '../util/errors.js';
import type { Source } from './source.js';
import type { OutboxPort, WatchDeps } from './deps.js';
import { checkpointsFor } from './checkpoint.js';
import { Pipeline, type PipelineOptions } from './pipeline.js';
import { startHealthServer, WatchMetrics, type HealthView } from './health.js';
import { Scheduler } from './schedule.js';
import { libraryJobs } from './jobs.js';

/** Outbox delivery poll (ms); part of the file-to-alert latency budget (p99 < 2 s). */
const OUTBOX_POLL_MS = 200;

export interface DaemonOptions {
  store: Store;
  config: Config;
  pack: Pack;
  deps: WatchDeps;
  /** Source arguments (CLI) or config entries; default: config.watch.sources. */
  sources?: (string | Record<string, unknown>)[];
  /** Stop once every source is drained (no items in a poll, or done), after the outbox is empty. */
  once?: boolean;
  /** Overrides watch.health.port; undefined and unset in config: no health server. */
  healthPort?: number;
  log: (msg: string) => void;
  /** VIGIL_FAULT value (tests). */
  fault?: string;
  /** Told which item's notices were queued (bench:watch measures file-to-delivery latency with it). */
  onQueued?: PipelineOptions['onQueued'];
}

export interface DaemonSummary {
  events: number;
  files: number;
  alerts: number;
  commits: number;
  acked: number;
  skipped: number;
  failures: Record<string, number>;
  /** Milliseconds per pipeline phase. */
  phaseMs: Record<string, number>;
  healthPort?: number;
  seconds: number;
}

function faultHook(fault: string | undefined, outbox: () => OutboxPort | undefined): ((n: number) => Promise<void>) | undefined {
  if (!fault) return undefined;
  const m = /^kill-after-commit:(\d+)$/.exec(fault);
  if (!m) throw new UsageError(`VIGIL_FAULT=${fault}: expected kill-after-commit:<n>`);
  const at = Number(m[1]);
  return async (n) => {
    if (n !== at) return;
    await outbox()?.stop();
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => undefined); // never resumes
  };
}

export class Daemon {
  readonly metrics = new WatchMetrics();
  private status: HealthView['status'] = 'starting';
  private readonly abort = new AbortController();
  private sources: Source[] = [];
  private pipeline?: Pipeline;
  private outbox?: OutboxPort;
  private scheduler?: Scheduler;
  private jobsStore?: Store;
  private lakeStore?: Store;
  private historyStore?: Store;
  private enforceStore?: Store;
  private health?: { port: number; close(): Promise<void> };
  private chain: Promise<unknown> = Promise.resolve();
  private fatal?: unknown;
  private readonly t0 = Date.now();
  private stopping?: Promise<DaemonSummary>;

  constructor(private readonly o: DaemonOptions) {}

  /** Runs fn after the pipeline work queued before it (one item batch at a time). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const r = this.chain.then(fn);
    this.chain = r.catch(() => undefined);
    return r;
  }

  get healthPort(): number | undefined {
    return this.health?.port;
  }

  /** Opens everything, warms up, and starts receiving. Resolves when running; `done` resolves at the end. */
  async start(): Promise<void> {
    const { store, config, deps, log } = this.o;
    const port = this.o.healthPort ?? config.watch.health.port;
    if (port !== undefined) {
      this.health = await startHealthServer(port, () => this.view());
      log(`health: http://127.0.0.1:${this.health.port}/healthz and /metrics`);
    }
    this.outbox = await deps.openOutbox(store, config, this.o.log);
    // Enforcement runs on the pipeline's queue lane, beside the main connection: a connection of its own.
    this.enforceStore = deps.openEnforcer ? await store.connection() : undefined;
    const enforcer = deps.openEnforcer && this.enforceStore ? await deps.openEnforcer(this.enforceStore, config) : undefined;
    const specs = this.o.sources?.length ? this.o.sources : config.watch.sources;
    if (!specs.length) throw new UsageError('watch: no sources (give them as arguments or in vigil.yaml watch.sources)');
    const workDir = join(store.path === ':memory:' ? process.cwd() : dirname(store.path), 'watch');
    mkdirSync(workDir, { recursive: true });
    for (const spec of specs) {
      const scope = typeof spec === 'string' ? spec : String(spec.name ?? JSON.stringify(spec));
      const cfg = typeof spec === 'string' ? deps.sources.parseSourceArg(spec) : spec;
      this.sources.push(await deps.sources.createSource(cfg, { aws: config.aws, workDir, log, checkpoint: checkpointsFor(store, scope) }));
    }
    this.lakeStore = await store.connection();
    this.historyStore = deps.history ? await store.connection() : undefined;
    this.pipeline = new Pipeline({
      store,
      lake: this.lakeStore,
      historyStore: this.historyStore,
      config,
      pack: this.o.pack,
      outbox: this.outbox,
      history: deps.history,
      enforcer,
      metrics: this.metrics,
      log,
      afterCommit: faultHook(this.o.fault, () => this.outbox),
      sources: this.sources.map((s) => s.name),
      onQueued: this.o.onQueued,
    });
    await this.pipeline.start();
    const t = Date.now();
    const warmed = await this.pipeline.warmup(config.watch.warmupMinutes);
    if (warmed) log(`warm-up: ${warmed} events of the last ${config.watch.warmupMinutes} min replayed in ${Date.now() - t} ms (no alerts sent)`);
    // A short poll: an alert queued while a delivery pass runs is not left for a whole default second.
    await this.outbox.start(OUTBOX_POLL_MS);
    if (config.watch.schedules.length) {
      this.jobsStore = await store.connection();
      const jobsStore = this.jobsStore;
      const outbox = this.outbox;
      this.scheduler = new Scheduler({
        store: jobsStore,
        schedules: config.watch.schedules,
        jobs: libraryJobs({ store: jobsStore, config, pack: this.o.pack, enqueue: (n) => outbox.enqueue(n, jobsStore) }),
        log,
        onRun: (name, ok) => this.metrics.scheduleRun(name, ok),
      });
      if (!this.o.once) this.scheduler.start();
    }
    this.status = 'running';
    log(`watching ${this.sources.map((s) => s.name).join(', ')} with ${this.o.pack.rules.length} rules`);
  }

  /** Receives until stopped (or, with `once`, until every source is drained); then drains and closes. */
  async run(): Promise<DaemonSummary> {
    const loops = this.sources.map((s) => this.receive(s));
    const ticker = this.tickLoop();
    try {
      await Promise.all(loops);
    } finally {
      this.abort.abort();
      await ticker;
    }
    const summary = await this.stop();
    if (this.fatal) throw this.fatal;
    return summary;
  }

  private async receive(src: Source): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let items;
      try {
        items = await src.next(signal);
      } catch (e) {
        // The contract: a source throws only when it cannot work at all (bad queue URL, no such directory).
        this.metrics.fail('source');
        this.fatal ??= e instanceof VigilError ? e : new VigilError(`${src.name}: ${oneLine(e)}`);
        this.abort.abort();
        return;
      }
      // Items already received are run even when stopping: in-flight work finishes.
      if (items.length) {
        try {
          await this.serial(() => this.pipeline!.handle(items));
        } catch (e) {
          // Unexpected (e.g. the store failing): given back, they come again; the daemon goes on.
          this.metrics.fail('pipeline');
          this.o.log(`${src.name}: ${items.length} items given back: ${oneLine(e)}`);
          for (const i of items) await i.nack(oneLine(e)).catch(() => undefined);
        }
      }
      if (src.done || (this.o.once && items.length === 0)) return;
    }
  }

  private async tickLoop(): Promise<void> {
    const wait = Math.max(10, Math.min(100, this.o.config.watch.batch.maxWaitMs / 2));
    while (!this.abort.signal.aborted) {
      await new Promise((r) => setTimeout(r, wait));
      await this.serial(() => this.pipeline!.tick()).catch((e) => this.o.log(`commit: ${oneLine(e)}`));
    }
  }

  /** Asks the daemon to stop (first signal): receiving stops, in-flight work finishes, run() resolves. */
  requestStop(): void {
    if (this.status === 'running') this.o.log('stopping: finishing in-flight work (a second signal exits at once)');
    this.status = 'draining';
    this.abort.abort();
  }

  /** Drains and closes what was opened (also after a failed start). Idempotent. */
  async stop(): Promise<DaemonSummary> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<DaemonSummary> {
    const { log, config } = this.o;
    this.status = 'draining';
    await this.serial(async () => this.pipeline?.close());
    await this.scheduler?.stop();
    if (this.o.once && this.scheduler) log('--once: schedules not run');
    if (this.o.once && this.outbox) await this.drainOutbox(config.watch.drainSeconds);
    if (this.outbox?.close) await this.outbox.close();
    else await this.outbox?.stop();
    for (const s of this.sources) await s.close().catch((e) => log(`${s.name}: close: ${oneLine(e)}`));
    await this.health?.close();
    this.jobsStore?.close();
    this.lakeStore?.close();
    this.historyStore?.close();
    this.enforceStore?.close();
    const m = this.metrics;
    return {
      events: m.eventsIn,
      files: m.filesIn,
      alerts: m.alertsOut,
      commits: m.commits,
      acked: m.itemsAcked,
      skipped: m.itemsSkipped,
      failures: Object.fromEntries(m.failures),
      phaseMs: Object.fromEntries(Object.entries(m.phaseMs).map(([k, v]) => [k, Math.round(v)])),
      healthPort: this.health?.port,
      seconds: (Date.now() - this.t0) / 1000,
    };
  }

  /** --once: waits (up to drainSeconds) for the outbox to deliver what is queued. */
  private async drainOutbox(seconds: number): Promise<void> {
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      const s = await this.outbox!.stats();
      if (!s.pending) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    this.o.log(`outbox: notices still pending after ${seconds}s; they are delivered on the next start`);
  }

  private view(): HealthView {
    return {
      status: this.status,
      metrics: this.metrics,
      sources: this.sources.map((s) => ({ name: s.name, stats: s.stats })),
      outbox: async () => (this.outbox ? await this.outbox.stats() : {}),
    };
  }
}

/**
 * Runs the daemon until a signal (or, with `once`, until drained). First SIGTERM/SIGINT: drain and resolve;
 * a second: exit at once.
 */
export async function runDaemon(o: DaemonOptions): Promise<DaemonSummary> {
  const d = new Daemon(o);
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals > 1) {
      o.log(`${sig} again: exiting now`);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    }
    o.log(`${sig}: draining`);
    d.requestStop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    try {
      await d.start();
    } catch (e) {
      await d.stop().catch(() => undefined);
      throw e;
    }
    if (signals) d.requestStop();
    return await d.run();
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
