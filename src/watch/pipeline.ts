/**
 * One item's way through the daemon: parse (JS) → live engine → alerts as they open → outbox; resource history;
 * enforcement; then its events into the lake in a batch with other items, and only then its ack.
 *
 * Order of truth, and why a crash anywhere loses nothing and re-alerts nothing:
 * - alerts are queued (outbox, durable, idempotent by notice id) BEFORE the item's events are committed to the
 *   lake, so anything in the lake has its alerts queued;
 * - an item is acked only after its lake commit; an item that comes back and is already in the manifest is
 *   acked without being run again (its alerts were queued before its commit);
 * - an item that comes back and is not in the lake is run again: on restart the engine was warmed with the
 *   lake's recent events, so it reaches the same alerts with the same ids, which the outbox drops.
 */
import { sqlString, type Store } from '../store/store.js';
import type { Config } from '../config/schema.js';
import type { Alert } from '../detect/alerts.js';
import { LiveEngine } from '../detect/live.js';
import type { Pack } from '../detect/pack.js';
import { Ingestor, insertRecords } from '../lake/ingest.js';
import { BadLogFile, parseLogFile } from '../lake/formats.js';
import type { LogFile } from '../lake/sources.js';
import { oneLine } from '../util/errors.js';
import { noticeFromAlert, type Notice } from './notice.js';
import type { SourceItem } from './source.js';
import type { EnforcerPort, HistoryPort, OutboxPort } from './deps.js';
import type { WatchMetrics } from './health.js';
import { replayRecent } from './warmup.js';

export interface PipelineOptions {
  /** Main connection: outbox, history. */
  store: Store;
  /** A second connection for lake commits, so they run beside outbox writes. */
  lake: Store;
  config: Config;
  pack: Pack;
  outbox: OutboxPort;
  history?: HistoryPort;
  enforcer?: EnforcerPort;
  metrics: WatchMetrics;
  log: (msg: string) => void;
  /** Called after each lake commit, before its items are acked (fault injection in tests). */
  afterCommit?: (commits: number) => Promise<void> | void;
  sources?: string[];
  /** A connection for resource history, which runs beside detection (default: store). */
  historyStore?: Store;
  /** Told which item's notices were queued (latency measurement in bench:watch). */
  onQueued?: (notices: Notice[], item: SourceItem) => void;
}

/** An item run through detection, waiting for its lake commit (with the same file delivered again, if so). */
interface Ran {
  items: SourceItem[];
  file?: LogFile;
  records: Record<string, unknown>[];
  alerts: Alert[];
  /** Why the file could not be read (recorded in the manifest at commit). */
  error?: unknown;
  /** Its alerts being queued (resource history's too), which its commit waits for. */
  queued?: Promise<void>;
}

/** Items run through detection before their alerts are queued in one write. */
const GROUP = 16;

type Settled<T> = { ok: T } | { error: unknown };
const settle = <T>(p: Promise<T>): Promise<Settled<T>> => p.then((ok) => ({ ok }), (error: unknown) => ({ error }));
const unwrap = <T>(s: Settled<T>): T => {
  if ('error' in s) throw s.error;
  return s.ok;
};

const byTime = (a: Record<string, unknown>, b: Record<string, unknown>) => {
  const x = String(a.eventTime ?? '');
  const y = String(b.eventTime ?? '');
  return x < y ? -1 : x > y ? 1 : 0;
};

export class Pipeline {
  private readonly engine: LiveEngine;
  private readonly ingestor: Ingestor;
  private opened: Alert[] = [];
  private suppress = false;
  private pending: Ran[] = [];
  private readonly pendingKeys = new Map<string, Ran>();
  private readonly inflightKeys = new Map<string, Ran>();
  private oldestPending = 0;
  private committing?: Promise<void>;
  private started = false;
  private lane: Promise<unknown> = Promise.resolve();
  private historyLane: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: PipelineOptions) {
    // Alerts leave when they open, not when their dedup period closes; closed alerts are not kept (bounded memory).
    this.engine = new LiveEngine(o.pack, undefined, { onOpen: (a) => this.suppress || this.opened.push(a), retain: false });
    this.ingestor = new Ingestor(o.lake, { lake: o.config.lake });
  }

  get stats() {
    return this.engine.stats;
  }

  async start(): Promise<void> {
    await this.ingestor.start(this.o.sources ?? ['watch'], 0, 0);
    this.started = true;
  }

  /** Replays the lake's last minutes into the engine with alerts suppressed (the outbox has them already). */
  async warmup(minutes: number): Promise<number> {
    this.suppress = true;
    try {
      return await replayRecent(this.o.lake, minutes, (r) => this.engine.push(r));
    } finally {
      this.suppress = false;
      this.opened = [];
    }
  }

  /**
   * Runs items (in order) through detection; queues each group's alerts in one write (history too) on a lane of
   * its own; adds the items to the pending batch; a full batch starts committing in the background (DuckDB works on
   * its own threads while the next items are parsed here).
   */
  async handle(items: SourceItem[]): Promise<void> {
    // Groups bound the files read ahead (memory) and how long a group's first alert waits for its last file.
    for (let i = 0; i < items.length; i += GROUP) await this.handleGroup(items.slice(i, i + GROUP));
  }

  private async handleGroup(items: SourceItem[]): Promise<void> {
    const done = await this.alreadyStored(items);
    // Files are read and unzipped on libuv's threads while the main thread parses and detects the ones before.
    const reads = new Map(items.filter((i) => i.file && !done.has(i)).map((i) => [i, settle(parseLogFile(i.file!.path!, 'detect', this.o.config.lake.maxObjectBytes).then((p) => p.records))]));
    const ran: Ran[] = [];
    const inGroup = new Map<string, Ran>();
    for (const item of items) {
      if (done.has(item)) {
        // Its events are in the lake, so its alerts were queued before: only the ack was lost.
        this.o.metrics.itemsSkipped++;
        await this.ack(item);
        continue;
      }
      const key = item.file?.key;
      const same = key !== undefined && (this.pendingKeys.get(key) ?? this.inflightKeys.get(key) ?? inGroup.get(key));
      if (same) {
        // The same file twice before its commit (duplicate notification): one run, both acked at its commit.
        same.items.push(item);
        continue;
      }
      const r = await this.detect(item, reads.get(item));
      if (r.error !== undefined && !(r.error instanceof BadLogFile)) {
        // Not the file's fault (I/O): give it back for a later retry.
        await item.nack(oneLine(r.error)).catch(() => undefined);
        continue;
      }
      ran.push(r);
      if (key !== undefined) inGroup.set(key, r);
    }
    if (!ran.length) return;
    // Queued on a lane of its own: the main thread goes on parsing and detecting the next items meanwhile. The
    // group's commit waits for it; if its alerts cannot be queued, the commit gives the group back instead.
    // Two lanes, so the live alerts never wait behind the slower resource-history work of earlier groups.
    const live = this.lane.then(() => this.queue(ran));
    this.lane = live.catch(() => undefined);
    const history = this.o.history && ran.some((r) => r.records.length) ? this.historyLane.then(() => this.history(ran)) : undefined;
    if (history) this.historyLane = history.catch(() => undefined);
    const both = Promise.all([live, history]).then(() => undefined);
    both.catch(() => undefined); // observed by the commit
    for (const r of ran) r.queued = both;
    if (!this.pending.length) this.oldestPending = Math.min(...ran.map((r) => r.items[0]!.arrivedAt));
    for (const r of ran) {
      this.pending.push(r);
      if (r.file) this.pendingKeys.set(r.file.key, r);
    }
    if (this.pending.length >= this.o.config.watch.batch.maxFiles) await this.startCommit();
  }

  /** Starts a commit when the oldest pending item has waited batch.maxWaitMs. */
  async tick(now = Date.now()): Promise<void> {
    if (this.pending.length && now - this.oldestPending >= this.o.config.watch.batch.maxWaitMs) await this.startCommit();
  }

  /** How long until the pending batch is due (for the daemon's poll). */
  msUntilDue(now = Date.now()): number {
    if (!this.pending.length) return Infinity;
    return Math.max(0, this.oldestPending + this.o.config.watch.batch.maxWaitMs - now);
  }

  get pendingItems(): number {
    return this.pending.reduce((n, p) => n + p.items.length, 0);
  }

  private async alreadyStored(items: SourceItem[]): Promise<Set<SourceItem>> {
    const files = items.filter((i) => i.file);
    if (!files.length) return new Set();
    const keys = files.map((i) => sqlString(i.file!.key)).join(', ');
    const rows = await this.o.store.all<{ key: string; size: number; version: string }>(
      `SELECT key, size, version FROM lake_files WHERE status = 'done' AND key IN (${keys})`,
    );
    const known = new Map(rows.map((r) => [r.key, r]));
    return new Set(
      files.filter((i) => {
        const k = known.get(i.file!.key);
        return k && k.size === i.file!.size && k.version === i.file!.version;
      }),
    );
  }

  /** Reads an item and runs its events through the engine; the alerts that opened are kept with it. */
  private async detect(item: SourceItem, read?: Promise<Settled<Record<string, unknown>[]>>): Promise<Ran> {
    const m = this.o.metrics;
    let t = performance.now();
    const r: Ran = { items: [item], file: item.file, records: [], alerts: [] };
    try {
      r.records = read ? unwrap(await read) : (item.events ?? []);
    } catch (e) {
      // A bad file never gets better: recorded in the manifest at commit (as `lake ingest` does) and acked.
      m.fail(e instanceof BadLogFile ? 'bad-file' : 'read');
      this.o.log(`${item.id}: ${e instanceof BadLogFile ? 'skipped' : 'given back'}: ${oneLine(e)}`);
      r.error = e;
      return r;
    }
    t = m.lap('read', t);
    r.records.sort(byTime);
    m.eventsIn += r.records.length;
    if (item.file) m.filesIn++;
    for (const rec of r.records) this.engine.push(rec);
    r.alerts = this.opened;
    this.opened = [];
    m.lap('detect', t);
    return r;
  }

  /**
   * The group's alerts into the outbox in one write (first: they are what is waited for), then resource history
   * and the alerts it finds, then enforcement. All of it before the group's lake commit.
   */
  /** The group's alerts into the outbox in one write, then their enforcement. */
  private async queue(ran: Ran[]): Promise<void> {
    const m = this.o.metrics;
    const t = performance.now();
    await this.enqueue(ran.filter((r) => r.alerts.length).map((r) => [r, r.alerts]));
    const e = m.lap('queue', t);
    for (const r of ran) if (r.alerts.length) await this.enforce(r.items[0]!, r.alerts, r.records);
    m.lap('enforce', e);
  }

  /** Resource history for a group, its alerts into the outbox, their enforcement. Rejects if they cannot be queued. */
  private async history(ran: Ran[]): Promise<void> {
    const m = this.o.metrics;
    const h = this.o.history!;
    const db = this.o.historyStore ?? this.o.store;
    let t = performance.now();
    const found: [Ran, Alert[]][] = [];
    try {
      await h.recordChanges(db, ran.flatMap((r) => r.records));
      // Asked item by item: alerts are deduplicated within one call, so a fixed unit (the file) keeps their ids the
      // same however a queue happens to group items (and after a restart).
      for (const r of ran) if (r.records.length) found.push([r, await h.detectWithHistory(db, r.records)]);
    } catch (e) {
      m.fail('history');
      this.o.log(`resource history: ${oneLine(e)}`);
    }
    t = m.lap('history', t);
    await this.enqueue(found);
    for (const [r, alerts] of found) if (alerts.length) await this.enforce(r.items[0]!, alerts, r.records);
    m.lap('history', t);
  }

  /** Alerts into the outbox, one write; not caught: alerts that cannot be queued mean no ack (handle() gives back). */
  private async enqueue(groups: [Ran, Alert[]][]): Promise<void> {
    const per = groups.map(([r, alerts]) => [r, alerts.map(noticeFromAlert)] as const);
    const notices = per.flatMap(([, ns]) => ns);
    if (!notices.length) return;
    await this.o.outbox.enqueue(notices);
    this.o.metrics.alertsOut += notices.length;
    const now = Date.now();
    for (const [r, ns] of per) {
      this.o.onQueued?.(ns, r.items[0]!);
      for (let i = 0; i < ns.length; i++) this.o.metrics.observeLatency((now - r.items[0]!.arrivedAt) / 1000);
    }
  }

  private async enforce(item: SourceItem, alerts: Alert[], records: Record<string, unknown>[]): Promise<void> {
    if (!this.o.enforcer) return;
    for (const a of alerts) {
      const ids = new Set(a.eventIds);
      try {
        const notices = await this.o.enforcer.handle(
          a,
          records.filter((r) => ids.has(String(r.eventID))),
        );
        // People hear about every action taken (or, in dry run, planned).
        if (notices.length) await this.o.outbox.enqueue(notices);
      } catch (e) {
        this.o.metrics.fail('enforcement');
        this.o.log(`${item.id}: enforcement for ${a.rule.id}: ${oneLine(e)}`);
      }
    }
  }

  /** Hands the pending batch to a background commit (after the one in flight, if any). */
  private async startCommit(): Promise<void> {
    while (this.committing) await this.committing;
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    for (const [k, r] of this.pendingKeys) this.inflightKeys.set(k, r);
    this.pendingKeys.clear();
    this.committing = this.commitBatch(batch)
      .catch((e) => this.o.log(`lake commit: ${oneLine(e)}`))
      .finally(() => {
        this.committing = undefined;
        this.inflightKeys.clear();
      });
  }

  /** Waits for the commit in flight (if any) and its acks. */
  async idle(): Promise<void> {
    while (this.committing) await this.committing;
  }

  /** Commits what is pending and waits until it is committed and acked. */
  async commit(): Promise<void> {
    await this.startCommit();
    while (this.committing) await this.committing;
  }

  private async commitBatch(batch: Ran[]): Promise<void> {
    // The order of truth: every alert of the batch (resource history's too) is queued before its events are stored.
    const lanes = await Promise.allSettled(batch.map((r) => r.queued));
    const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failed) {
      this.o.metrics.fail('outbox');
      this.o.log(`${batch.length} items given back: ${oneLine(failed.reason)}`);
      for (const r of batch) for (const i of r.items) await i.nack(oneLine(failed.reason)).catch(() => undefined);
      return;
    }
    const good = batch.filter((r) => r.error === undefined);
    const files = good.filter((r) => r.file).map((r) => r.file!);
    const events = good.filter((r) => !r.file).flatMap((r) => r.records);
    let t = performance.now();
    try {
      for (const r of batch) if (r.error !== undefined && r.file) await this.ingestor.fail(r.file, r.error);
      if (files.length) await this.ingestor.ingestBatch(files);
      if (events.length) await insertRecords(this.o.lake, events, 'watch:events');
    } catch (e) {
      // Nothing of the batch is acked: the items come back (visibility timeout, checkpoints) and are run again.
      this.o.metrics.fail('lake');
      this.o.log(`lake commit of ${batch.length} items failed: ${oneLine(e)}`);
      for (const r of batch) for (const i of r.items) await i.nack(`lake commit failed: ${oneLine(e)}`).catch(() => undefined);
      return;
    }
    t = this.o.metrics.lap('commit', t);
    this.o.metrics.commits++;
    this.o.metrics.lastCommitAt = Date.now();
    await this.o.afterCommit?.(this.o.metrics.commits);
    // for-of sees items appended meanwhile (a duplicate delivery of a file being committed).
    for (const r of batch) for (const i of r.items) await this.ack(i);
    this.o.metrics.lap('ack', t);
  }

  private async ack(item: SourceItem): Promise<void> {
    try {
      await item.ack();
      this.o.metrics.itemsAcked++;
    } catch (e) {
      // The item comes back later and is found in the lake: acked then, nothing run twice.
      this.o.metrics.fail('ack');
      this.o.log(`${item.id}: ack failed: ${oneLine(e)}`);
    }
  }

  /** Commits what is pending and closes the lake run. */
  async close(): Promise<void> {
    await this.commit();
    if (this.started) await this.ingestor.finish(this.o.sources ?? ['watch']);
    this.started = false;
  }
}
