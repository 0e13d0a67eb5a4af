/**
 * The durable outbox: one row per (sink, notice id) in the store, delivered at least once. Enqueueing is
 * idempotent (the same notice id is never queued twice for a sink), so callers may replay. Delivery runs on its
 * own connection, with exponential backoff and jitter per row, a rate limit per sink, and a dead letter
 * (status `failed`) after the sink's `retry.maxAttempts`. Rows left pending by a stopped or crashed process are
 * delivered by the next Outbox opened on the same store.
 */
import Bottleneck from 'bottleneck';
import type { DuckDBValue } from '@duckdb/node-api';
import type { Config } from '../config/schema.js';
import { registerSchema, type Row, type Store } from '../store/store.js';
import { oneLine } from '../util/errors.js';
import type { Notice } from './notice.js';
import { createSinks, DeliveryError, redactUrls, type Sink, type SinkDeps } from './sinks/index.js';
import { RetrySchema, type RetryPolicy } from './sinks/config.js';

export type OutboxStatus = 'pending' | 'delivered' | 'failed';

export interface OutboxStats {
  pending: number;
  delivered: number;
  failed: number;
  /** Attempts that failed (each was retried or dead-lettered). */
  retries: number;
  bySink: Record<string, { pending: number; delivered: number; failed: number }>;
}

export interface OutboxOptions {
  log?: (line: string) => void;
  now?: () => number;
  /** Sinks to use instead of those made from `config.sinks` (tests, `vigil outbox test`). */
  sinks?: Sink[];
  sinkDeps?: SinkDeps;
  /** 0..1 for backoff jitter (tests pin it). */
  random?: () => number;
}

export async function ensureOutboxSchema(store: Store): Promise<void> {
  await store.run(`CREATE TABLE IF NOT EXISTS outbox (
    sink VARCHAR NOT NULL,
    notice_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    title VARCHAR,
    payload JSON NOT NULL,
    status VARCHAR NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error VARCHAR,
    ref VARCHAR,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    PRIMARY KEY (sink, notice_id)
  )`);
}
registerSchema(ensureOutboxSchema);

/** Seconds of deliveries at its rate a sink gets per pass; the rest waits for the next pass (keeps stop() prompt). */
const PASS_SECONDS = 2;
const PASS_ROWS = 1000;
const DEFAULT_RETRY: RetryPolicy = RetrySchema.parse({});

/** Exponential backoff with "equal jitter": half fixed, half random, so a burst of failures spreads out. */
export function backoffMs(attempt: number, retry: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(retry.maxMs, retry.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}

/** Shapes of the JSON parameters (DuckDB's from_json). */
const NEW_ROWS = JSON.stringify([{ sink: 'VARCHAR', notice_id: 'VARCHAR', kind: 'VARCHAR', severity: 'VARCHAR', source: 'VARCHAR', title: 'VARCHAR', payload: 'VARCHAR' }]);
const OUTCOMES = JSON.stringify([{ sink: 'VARCHAR', notice_id: 'VARCHAR', status: 'VARCHAR', attempts: 'INTEGER', ref: 'VARCHAR', error: 'VARCHAR', next_ms: 'BIGINT', now: 'BIGINT' }]);
const FLUSH_EVERY = 50;

interface Outcome {
  sink: string;
  notice_id: string;
  status: OutboxStatus;
  attempts: number;
  ref?: string;
  error?: string;
  next_ms?: number;
  now?: number;
}

interface DueRow extends Row {
  sink: string;
  notice_id: string;
  payload: string;
  attempts: number;
}

export class Outbox {
  private readonly limiters = new Map<string, Bottleneck>();
  private readonly bySink: Map<string, Sink>;
  private readonly outcomes: Outcome[] = [];
  private pass?: Promise<{ delivered: number; failed: number; deferred: number }>;
  private loop?: Promise<void>;
  private stopping = false;
  private wake?: () => void;
  private again = false;
  /** Fresh rows being sent or sent with their outcome not yet written: no pass may pick them up meanwhile. */
  private readonly busy = new Set<string>();
  private readonly fresh = new Set<Promise<unknown>>();
  /** Busy rows whose outcome is written: released when a pass starts after that write. */
  private readonly settled = new Set<string>();

  private constructor(
    /** The delivery connection (never the caller's). */
    private readonly db: Store,
    readonly sinks: Sink[],
    private readonly log: (line: string) => void,
    private readonly now: () => number,
    private readonly random: () => number,
  ) {
    this.bySink = new Map(sinks.map((s) => [s.name, s]));
  }

  static async open(store: Store, config: Config, opts: OutboxOptions = {}): Promise<Outbox> {
    await ensureOutboxSchema(store);
    const sinks = opts.sinks ?? (await createSinks(config, opts.sinkDeps));
    if (!sinks.length) opts.log?.('outbox: no sinks configured (`sinks:` in vigil.yaml): notices are not delivered anywhere');
    const db = await store.connection();
    const orphans = await db.all<{ sink: string; n: number }>(
      `SELECT sink, count(*)::INTEGER AS n FROM outbox WHERE status = 'pending' AND NOT list_contains(?::VARCHAR[], sink) GROUP BY sink ORDER BY sink`,
      [JSON.stringify(sinks.map((s) => s.name))],
    );
    // Kept pending: putting the sink back in the config delivers them.
    for (const o of orphans) opts.log?.(`outbox: ${o.n} notices wait for sink ${o.sink}, which is not configured`);
    return new Outbox(db, sinks, opts.log ?? (() => undefined), opts.now ?? Date.now, opts.random ?? Math.random);
  }

  /**
   * Routes each notice to the sinks whose route accepts it and stores one pending delivery per (sink, notice id).
   * Idempotent: a notice id already queued for a sink is ignored. Runs on `conn` when given (the caller's store,
   * possibly inside its transaction), else on the outbox's own connection. Returns deliveries added.
   */
  async enqueue(notices: Notice[], conn?: Store): Promise<number> {
    const rows: Record<string, string>[] = [];
    const seen = new Set<string>();
    for (const n of notices) {
      for (const s of this.sinks) {
        const key = `${s.name}\n${n.id}`;
        if (seen.has(key) || !s.accepts(n)) continue;
        seen.add(key);
        rows.push({ sink: s.name, notice_id: n.id, kind: n.kind, severity: n.severity, source: n.source, title: n.title, payload: JSON.stringify(n) });
      }
    }
    if (!rows.length) return 0;
    const now = this.now();
    // All rows as one JSON parameter: a wide VALUES list costs DuckDB ~20x more to plan than this costs to run.
    // Fresh rows are marked busy before they exist, so no pass that reads them meanwhile can send them too.
    const fast = !conn && !!this.loop && !this.stopping;
    // (Keys busy already — a fresh send of the same notice in flight — are left as they are.)
    const keys = fast ? rows.map((r) => `${r.sink}\n${r.notice_id}`).filter((k) => !this.busy.has(k)) : [];
    for (const k of keys) this.busy.add(k);
    const inserted = await (conn ?? this.db).all<{ sink: string; notice_id: string }>(
      `INSERT INTO outbox (sink, notice_id, kind, severity, source, title, payload, status, attempts, next_attempt_at, created_at, updated_at)
       SELECT sink, notice_id, kind, severity, source, title, payload, 'pending', 0, epoch_ms($now::BIGINT), epoch_ms($now::BIGINT), epoch_ms($now::BIGINT)
       FROM (SELECT unnest(from_json($rows::VARCHAR, '${NEW_ROWS}'), recursive := true))
       ON CONFLICT DO NOTHING
       RETURNING sink, notice_id`,
      { now: BigInt(now), rows: JSON.stringify(rows) },
    );
    // Rows committed on our own connection go out at once, from memory: a pass's SELECT can wait a second or more
    // behind a lake commit for DuckDB's threads. (Rows in a caller's transaction wait for the loop: it may roll back.)
    if (fast) {
      const payloads = new Map(rows.map((r) => [`${r.sink}\n${r.notice_id}`, r.payload!]));
      const fresh = new Set(inserted.map((r) => `${r.sink}\n${r.notice_id}`));
      // Rows that were there already (an alert seen again after a restart) belong to the passes.
      for (const k of keys) if (!fresh.has(k)) this.busy.delete(k);
      for (const r of inserted) this.sendNow(this.bySink.get(r.sink)!, { sink: r.sink, notice_id: r.notice_id, payload: payloads.get(`${r.sink}\n${r.notice_id}`)!, attempts: 0 });
    }
    // A pass in progress has already read its rows: make the loop run another at once rather than sleep.
    this.again = true;
    this.wake?.();
    return inserted.length;
  }

  /** First attempt of a fresh row, outside any pass; passes skip it until its outcome is written. */
  private sendNow(sink: Sink, row: DueRow): void {
    const job = this.limiter(sink)
      .schedule(() => this.attempt(sink, row))
      .catch((e: unknown) => this.log(`outbox: ${row.notice_id} → ${sink.name}: ${redactUrls(oneLine(e))}`))
      .finally(() => this.fresh.delete(job));
    this.fresh.add(job);
  }

  /** One delivery pass over due rows (respecting backoff and each sink's rate limit). Passes never overlap. */
  async deliverDue(): Promise<{ delivered: number; failed: number; deferred: number }> {
    while (this.pass) await this.pass.catch(() => undefined);
    this.pass = this.runPass().finally(() => (this.pass = undefined));
    return this.pass;
  }

  private async runPass(): Promise<{ delivered: number; failed: number; deferred: number }> {
    const out = { delivered: 0, failed: 0, deferred: 0 };
    if (!this.sinks.length) return out;
    for (const k of this.settled) this.busy.delete(k);
    this.settled.clear();
    const budgetOf = (s: Sink) => Math.min(PASS_ROWS, Math.max(1, Math.floor((s.rateLimit ?? 5) * PASS_SECONDS)));
    // Per sink, the oldest due rows up to its budget (+1, to tell whether more wait): one busy sink cannot starve another.
    const due = await this.db.all<DueRow>(
      `SELECT sink, notice_id, payload::VARCHAR AS payload, attempts FROM outbox
       WHERE status = 'pending' AND next_attempt_at <= epoch_ms($now::BIGINT) AND list_contains($sinks::VARCHAR[], sink)
       QUALIFY row_number() OVER (PARTITION BY sink ORDER BY next_attempt_at, created_at, notice_id) <= $rows
       ORDER BY next_attempt_at, created_at, notice_id`,
      { now: BigInt(this.now()), sinks: JSON.stringify(this.sinks.map((s) => s.name)), rows: Math.max(...this.sinks.map(budgetOf)) + 1 },
    );
    const groups = new Map<string, DueRow[]>();
    for (const r of due) if (!this.busy.has(`${r.sink}\n${r.notice_id}`)) groups.set(r.sink, [...(groups.get(r.sink) ?? []), r]);
    const jobs: Promise<void>[] = [];
    for (const [name, rows] of groups) {
      const sink = this.bySink.get(name)!;
      const budget = budgetOf(sink);
      out.deferred += Math.max(0, rows.length - budget);
      const limiter = this.limiter(sink);
      for (const row of rows.slice(0, budget)) {
        jobs.push(
          limiter.schedule(async () => {
            if (this.stopping) {
              out.deferred++;
              return;
            }
            if (await this.attempt(sink, row)) out.delivered++;
            else out.failed++;
          }),
        );
      }
    }
    try {
      await Promise.all(jobs);
    } finally {
      await this.flush();
    }
    return out;
  }

  /** Delivers one row; its outcome is recorded with the pass's next flush. True when delivered. */
  private async attempt(sink: Sink, row: DueRow): Promise<boolean> {
    const attempts = row.attempts + 1;
    let notice: Notice;
    try {
      notice = JSON.parse(row.payload) as Notice;
    } catch {
      await this.record({ sink: row.sink, notice_id: row.notice_id, status: 'failed', attempts, error: 'stored payload is not JSON' });
      return false;
    }
    try {
      const { ref } = await sink.deliver(notice);
      await this.record({ sink: row.sink, notice_id: row.notice_id, status: 'delivered', attempts, ref });
      return true;
    } catch (e) {
      const retry = sink.retry ?? DEFAULT_RETRY;
      const de = e instanceof DeliveryError ? e : undefined;
      // Sinks redact their own secrets; URLs are blanked again here in case a foreign sink did not.
      const error = redactUrls(sink.redact ? sink.redact(oneLine(e)) : oneLine(e));
      const dead = !!de?.permanent || attempts >= retry.maxAttempts;
      const wait = Math.max(backoffMs(attempts, retry, this.random), de?.retryAfterMs ?? 0);
      await this.record({ sink: row.sink, notice_id: row.notice_id, status: dead ? 'failed' : 'pending', attempts, error, next_ms: this.now() + wait });
      this.log(dead ? `outbox: ${row.notice_id} → ${sink.name} failed for good after ${attempts} attempt(s): ${error}` : `outbox: ${row.notice_id} → ${sink.name} attempt ${attempts} failed, retry in ${Math.round(wait / 1000)}s: ${error}`);
      return false;
    }
  }

  /**
   * Outcomes are written in batches (one UPDATE costs about as much as fifty): at most FLUSH_EVERY outcomes, or
   * one pass, are held. A crash before the flush delivers those rows again (at least once; the delivery id and
   * Jira's label make that harmless).
   */
  private async record(o: Outcome): Promise<void> {
    this.outcomes.push({ ...o, now: this.now() });
    if (this.outcomes.length >= FLUSH_EVERY) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.outcomes.length) return;
    const batch = this.outcomes.splice(0);
    const sql = `UPDATE outbox SET status = u.status, attempts = u.attempts, updated_at = epoch_ms(u.now),
        next_attempt_at = epoch_ms(coalesce(u.next_ms, u.now)), last_error = u.error, ref = coalesce(u.ref, outbox.ref),
        delivered_at = CASE WHEN u.status = 'delivered' THEN epoch_ms(u.now) ELSE outbox.delivered_at END
      FROM (SELECT unnest(from_json($rows::VARCHAR, '${OUTCOMES}'), recursive := true)) u
      WHERE outbox.sink = u.sink AND outbox.notice_id = u.notice_id`;
    // Enqueues on the caller's connection can conflict with this update for a moment: try again.
    for (let i = 0; ; i++) {
      try {
        await this.db.run(sql, { rows: JSON.stringify(batch) });
        // Released at the next pass's start: a pass reading right now may still see these rows as pending.
        for (const o of batch) if (this.busy.has(`${o.sink}\n${o.notice_id}`)) this.settled.add(`${o.sink}\n${o.notice_id}`);
        return;
      } catch (e) {
        if (i >= 4 || !/conflict/i.test(String((e as Error).message))) {
          this.outcomes.unshift(...batch);
          throw e;
        }
        await sleep(20 * (i + 1));
      }
    }
  }

  private limiter(sink: Sink): Bottleneck {
    let l = this.limiters.get(sink.name);
    if (!l) {
      const rate = sink.rateLimit ?? 5;
      // Jira searches before it creates: one at a time, so two changes of one finding cannot open two issues.
      const concurrent = sink.type === 'jira' ? 1 : Math.max(1, Math.min(4, Math.ceil(rate)));
      // Spaced 5% wider than 1000/rate, so network jitter cannot put rate+1 requests into one second.
      l = new Bottleneck({ minTime: Math.ceil(1050 / rate), maxConcurrent: concurrent });
      this.limiters.set(sink.name, l);
    }
    return l;
  }

  /** Background delivery loop on the outbox's own connection; enqueue() wakes it early. */
  start(pollMs = 1000): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = (async () => {
      while (!this.stopping) {
        this.again = false;
        try {
          const r = await this.deliverDue();
          if (r.deferred > 0 && r.delivered + r.failed > 0) continue;
        } catch (e) {
          this.log(`outbox: delivery pass failed: ${redactUrls(oneLine(e))}`);
        }
        if (this.stopping) break;
        if (this.again) continue;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, pollMs);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = undefined;
      }
    })();
  }

  /** Stops the loop after in-flight deliveries finish (queued ones stay pending for the next start). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    while (this.pass) await this.pass.catch(() => undefined);
    while (this.fresh.size) await Promise.all([...this.fresh]);
    await this.flush();
    this.loop = undefined;
    this.stopping = false;
  }

  /** Stops and closes the delivery connection (the store stays open). */
  async close(): Promise<void> {
    await this.stop();
    for (const l of this.limiters.values()) await l.stop({ dropWaitingJobs: false }).catch(() => undefined);
    this.db.close();
  }

  async stats(): Promise<OutboxStats> {
    return outboxStats(this.db);
  }
}

export async function outboxStats(db: Store): Promise<OutboxStats> {
  const rows = await db.all<{ sink: string; status: OutboxStatus; n: number; failures: number }>(
    `SELECT sink, status, count(*)::INTEGER AS n,
            sum(attempts - CASE WHEN status = 'delivered' THEN 1 ELSE 0 END)::INTEGER AS failures
     FROM outbox GROUP BY ALL`,
  );
  const out: OutboxStats = { pending: 0, delivered: 0, failed: 0, retries: 0, bySink: {} };
  for (const r of rows) {
    const s = (out.bySink[r.sink] ??= { pending: 0, delivered: 0, failed: 0 });
    if (r.status in s) {
      s[r.status] += r.n;
      out[r.status] += r.n;
    }
    out.retries += r.failures;
  }
  return out;
}

/** Rows for `vigil outbox list` (no payload: what was sent is in the alert/finding it came from). */
export async function listOutbox(db: Store, opts: { status?: OutboxStatus; sink?: string; limit?: number } = {}): Promise<Row[]> {
  const where: string[] = [];
  const params: DuckDBValue[] = [];
  if (opts.status) {
    where.push('status = ?');
    params.push(opts.status);
  }
  if (opts.sink) {
    where.push('sink = ?');
    params.push(opts.sink);
  }
  return db.all(
    `SELECT sink, notice_id, kind, severity, source, title, status, attempts, next_attempt_at, updated_at, delivered_at, ref, last_error
     FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY updated_at DESC, sink, notice_id LIMIT ${Math.max(1, Math.floor(opts.limit ?? 100))}`,
    params,
  );
}

/** Dead letters back to pending, due now, with a fresh attempt budget. Returns how many. */
export async function retryFailed(db: Store, opts: { sink?: string; now?: number } = {}): Promise<number> {
  const now = opts.now ?? Date.now();
  return db.run(
    `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = epoch_ms(?::BIGINT), updated_at = epoch_ms(?::BIGINT)
     WHERE status = 'failed'${opts.sink ? ' AND sink = ?' : ''}`,
    opts.sink ? [now, now, opts.sink] : [now, now],
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
