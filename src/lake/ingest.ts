/**
 * Ingestion: log files → `cloudtrail_logs`, exactly once and crash-safe.
 *
 * Why it is shaped like this (measurements in ../shared/notes/lake-measurements.md and bench/lake.ts):
 * - DuckDB reads the gzip files itself (`read_json` with explicit column types); no per-row work in JS. Delivery
 *   files are one line of JSON and are read as newline-delimited JSON, which skips the document scan.
 * - Files are taken in large batches (config lake.batchBytes): per-statement costs dominate small batches.
 * - Each batch is one transaction holding its rows AND its manifest rows, so a run killed at any moment leaves
 *   either both or neither; the next run redoes only what is missing.
 * - Rows go straight into the table, as fast as CREATE TABLE AS; duplicates (two trails, re-delivery,
 *   overlapping sources; key eventID + recipientAccountId) are then found from the key columns alone and deleted
 *   in the same transaction. A window over the wide rows, as before, ran 3x slower.
 * - A batch DuckDB rejects (corrupt gzip, truncated JSON, oversized object) is split in halves until the bad
 *   files are isolated; they are recorded with a one-line reason, the good ones are ingested.
 */
import { mkdirSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import { sqlString } from '../store/store.js';
import type { Config } from '../config/schema.js';
import { oneLine } from '../util/errors.js';
import { isoSeconds } from '../util/time.js';
import { recordReadType, recordProjection, partitionProjection, TABLE } from './schema.js';
import { BadLogFile, parseLogFile, sniffFile, type Compression, type LogFormat } from './formats.js';
import type { LogFile } from './sources.js';
import { parseLogPath, type LogFilter } from './layout.js';

export interface IngestOptions {
  filter?: LogFilter;
  /** Re-read files that failed before even if unchanged. */
  retryErrors?: boolean;
  lake: Config['lake'];
  /** Called after every batch (and while a batch runs) with running totals. */
  onProgress?: (p: IngestProgress) => void;
  /** Where to stage rewritten and downloaded files; default: beside the store. */
  tmpDir?: string;
}

export interface IngestProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  inserted: number;
  errors: number;
}

export interface FileError {
  key: string;
  error: string;
}

export interface IngestResult {
  runId: string;
  filesSeen: number;
  filesSkipped: number;
  filesIngested: number;
  filesFailed: number;
  /** Events stored (new; duplicates of stored events are dropped). */
  inserted: number;
  bytes: number;
  errors: FileError[];
  seconds: number;
}

/** A file ready for DuckDB: the path it reads and how. */
/** A batch ready to load, and the files that could not be prepared (with why). */
export interface PreparedBatch {
  ready: Prepared[];
  failures: [LogFile, unknown][];
}

export interface Prepared {
  file: LogFile;
  readPath: string;
  compression: Compression;
  format: LogFormat;
  /** The file is one line of JSON: DuckDB reads it as newline-delimited (faster); otherwise as one document. */
  oneLine: boolean;
}

// DuckDB reserves about twice this per thread; delivery files are far smaller, and a larger one is retried alone.
const BASE_OBJECT_BYTES = 16 * 1024 * 1024;

/** Which of these files still need reading (not in the manifest with the same size and version). */
export async function pendingFiles(store: Store, files: LogFile[], retryErrors = false): Promise<LogFile[]> {
  if (files.length === 0) return [];
  const known = new Map<string, { size: number; version: string; status: string }>();
  // One query for the whole listing; the manifest is small next to the events.
  const rows = await store.all<{ key: string; size: number; version: string; status: string }>(
    `SELECT key, size, version, status FROM lake_files`,
  );
  for (const r of rows) known.set(r.key, r);
  return files.filter((f) => {
    const k = known.get(f.key);
    if (!k || k.size !== f.size || k.version !== f.version) return true;
    return retryErrors && k.status === 'error';
  });
}

/** Splits files into batches of about `batchBytes` compressed bytes. */
export function batchesOf(files: LogFile[], batchBytes: number): LogFile[][] {
  const out: LogFile[][] = [];
  let cur: LogFile[] = [];
  let bytes = 0;
  for (const f of files) {
    if (cur.length > 0 && bytes + f.size > batchBytes) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(f);
    bytes += f.size;
  }
  if (cur.length) out.push(cur);
  return out;
}

export class Ingestor {
  private readonly runId = randomUUID();
  private readonly stageDir: string;
  private readonly result: IngestResult;
  private readonly started = Date.now();
  private progress: IngestProgress = { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, inserted: 0, errors: 0 };

  constructor(
    private readonly store: Store,
    private readonly opts: IngestOptions,
  ) {
    const base = opts.tmpDir ?? join(store.path === ':memory:' ? process.cwd() : dirname(store.path), 'tmp');
    cleanStaleStages(base);
    this.stageDir = join(base, `ingest-${process.pid}-${this.runId.slice(0, 8)}`);
    mkdirSync(this.stageDir, { recursive: true });
    this.result = {
      runId: this.runId,
      filesSeen: 0,
      filesSkipped: 0,
      filesIngested: 0,
      filesFailed: 0,
      inserted: 0,
      bytes: 0,
      errors: [],
      seconds: 0,
    };
  }

  get id(): string {
    return this.runId;
  }

  /** A directory for files fetched from elsewhere (S3, stdin) during this run. */
  get downloadDir(): string {
    const d = join(this.stageDir, 'download');
    mkdirSync(d, { recursive: true });
    return d;
  }

  async start(sources: string[], seen: number, skipped: number): Promise<void> {
    this.result.filesSeen += seen;
    this.result.filesSkipped += skipped;
    // The lake has no row order to keep; letting DuckDB write in any order is markedly faster (lake-measurements.md).
    await this.store.run('SET preserve_insertion_order = false');
    await this.store.run(
      `INSERT INTO lake_runs (run_id, started_at, sources, status) VALUES (?, now()::TIMESTAMP, ?, 'running')`,
      [this.runId, sources.join(' ')],
    );
  }

  /** Announces how much work is coming (for progress and ETA). */
  plan(files: number, bytes: number): void {
    this.progress.filesTotal += files;
    this.progress.bytesTotal += bytes;
    this.opts.onProgress?.({ ...this.progress });
  }

  /** Ingests one batch of local files (each with `path` set). */
  async ingestBatch(files: LogFile[]): Promise<void> {
    await this.loadPrepared(await this.prepareBatch(files));
  }

  /**
   * Sniffs (and, for other formats, rewrites) a batch's files. Separate from loading so the next batch can be
   * prepared in JS while DuckDB loads this one; it touches no store (failures are recorded when the batch loads).
   */
  async prepareBatch(files: LogFile[]): Promise<PreparedBatch> {
    const failures: [LogFile, unknown][] = [];
    const prepared = await Promise.all(
      files.map(async (file) => {
        try {
          return await this.prepare(file);
        } catch (e) {
          failures.push([file, e]);
          return undefined;
        }
      }),
    );
    return { ready: prepared.filter((p): p is Prepared => p !== undefined), failures };
  }

  async loadPrepared(batch: PreparedBatch): Promise<void> {
    for (const [file, e] of batch.failures) await this.fail(file, e);
    await this.load(batch.ready, BASE_OBJECT_BYTES);
    for (const p of batch.ready) if (p.readPath !== p.file.path) rmSync(p.readPath, { force: true });
  }

  /** Ingests batches, preparing batch n+1 while batch n loads. */
  async ingestAll(batches: LogFile[][]): Promise<void> {
    let next = batches.length ? this.prepareBatch(batches[0]!) : undefined;
    for (let i = 0; i < batches.length; i++) {
      const current = await next!;
      next = i + 1 < batches.length ? this.prepareBatch(batches[i + 1]!) : undefined;
      await this.loadPrepared(current);
    }
  }

  async finish(sources: string[], digestsSkipped = 0): Promise<IngestResult> {
    this.result.seconds = (Date.now() - this.started) / 1000;
    const r = this.result;
    const status = r.filesFailed > 0 ? 'partial' : 'ok';
    await this.store.run(
      `UPDATE lake_runs SET finished_at = now()::TIMESTAMP, sources = ?, files_seen = ?, files_skipped = ?, files_ingested = ?,
         files_failed = ?, digests_skipped = ?, inserted = ?, bytes = ?, status = ? WHERE run_id = ?`,
      [sources.join(' '), r.filesSeen, r.filesSkipped, r.filesIngested, r.filesFailed, digestsSkipped, r.inserted, r.bytes, status, this.runId],
    );
    await this.store.run('RESET preserve_insertion_order');
    rmSync(this.stageDir, { recursive: true, force: true });
    return r;
  }

  /** Sniffs a file; anything but a Records file is parsed in JS and rewritten as one. */
  private async prepare(file: LogFile): Promise<Prepared> {
    const path = file.path!;
    const sniffed = await sniffFile(path, file.size);
    if (sniffed.fastPath) return { file, readPath: path, compression: sniffed.compression, format: 'records', oneLine: sniffed.oneLine };
    if (file.size > this.opts.lake.maxObjectBytes) throw new BadLogFile(`oversized file (${file.size} bytes > lake.maxObjectBytes)`);
    const parsed = await parseLogFile(path, sniffed.compression, this.opts.lake.maxObjectBytes);
    const staged = join(this.stageDir, `${randomUUID()}.json`);
    writeFileSync(staged, JSON.stringify({ Records: parsed.records }));
    return { file, readPath: staged, compression: 'none', format: parsed.format, oneLine: true };
  }

  /** Records a file that could not be read (or fetched), with a one-line reason. */
  async fail(file: LogFile, e: unknown): Promise<void> {
    const reason = e instanceof BadLogFile ? e.message : oneLine(e);
    await this.store.run(
      `INSERT OR REPLACE INTO lake_files (key, size, version, records, status, error, format, run_id, ingested_at)
       VALUES (?, ?, ?, 0, 'error', ?, NULL, ?, now()::TIMESTAMP)`,
      [file.key, file.size, file.version, reason, this.runId],
    );
    this.result.filesFailed++;
    this.result.errors.push({ key: file.key, error: reason });
    this.advance([file], 0, 1);
  }

  private advance(files: LogFile[], inserted: number, errors: number): void {
    this.progress.filesDone += files.length;
    this.progress.bytesDone += files.reduce((s, f) => s + f.size, 0);
    this.progress.inserted += inserted;
    this.progress.errors += errors;
    this.opts.onProgress?.({ ...this.progress });
  }

  /** Loads prepared files in one transaction; on a DuckDB read error, halves the batch to isolate the culprit. */
  private async load(batch: Prepared[], maxObjectBytes: number): Promise<void> {
    if (batch.length === 0) return;
    let outcome: { inserted: number } | InvalidFiles;
    try {
      outcome = await this.store.transaction(() => loadBatch(this.store, batch, maxObjectBytes, this.opts.filter, this.runId));
    } catch (e) {
      if (e instanceof InvalidFiles) {
        outcome = e;
      } else {
        await this.split(batch, maxObjectBytes, oneLine(e));
        return;
      }
    }
    if (outcome instanceof InvalidFiles) {
      // Rare: files whose records are not CloudTrail. The transaction was rolled back; load the rest again.
      for (const p of batch.filter((x) => outcome.reasons.has(x.file.key))) await this.fail(p.file, new BadLogFile(outcome.reasons.get(p.file.key)!));
      await this.load(batch.filter((x) => !outcome.reasons.has(x.file.key)), maxObjectBytes);
      return;
    }
    this.result.filesIngested += batch.length;
    this.result.bytes += batch.reduce((n, p) => n + p.file.size, 0);
    this.result.inserted += outcome.inserted;
    this.advance(
      batch.map((p) => p.file),
      outcome.inserted,
      0,
    );
  }

  private async split(batch: Prepared[], maxObjectBytes: number, msg: string): Promise<void> {
    if (batch.length > 1) {
      const mid = Math.ceil(batch.length / 2);
      await this.load(batch.slice(0, mid), maxObjectBytes);
      await this.load(batch.slice(mid), maxObjectBytes);
      return;
    }
    const only = batch[0]!;
    if (only.oneLine && !/maximum_object_size/i.test(msg)) {
      // A line break after the sniffed head: read the file again as one JSON document before calling it bad.
      await this.load([{ ...only, oneLine: false }], maxObjectBytes);
      return;
    }
    if (/maximum_object_size/i.test(msg) && maxObjectBytes < this.opts.lake.maxObjectBytes) {
      // One large delivery file: retry it alone with room for it (one thread, as the reservation is per thread).
      await this.store.run('SET threads = 1');
      try {
        await this.load(batch, this.opts.lake.maxObjectBytes);
      } finally {
        await this.store.run(`SET threads = ${this.opts.lake.threads}`);
      }
      return;
    }
    await this.fail(only.file, new BadLogFile(explainReadError(msg, only)));
  }
}

/** Thrown inside a batch's transaction (so it rolls back) when some files hold records that are not CloudTrail. */
class InvalidFiles extends Error {
  constructor(readonly reasons: Map<string, string>) {
    super('invalid records');
  }
}

/**
 * One batch, inside a transaction: insert the new events, check every file's records were CloudTrail records,
 * and write the manifest rows.
 */
async function loadBatch(store: Store, batch: Prepared[], maxObjectBytes: number, filter: LogFilter | undefined, runId: string) {
  const lap = debugLaps();
  const src = await sourceOf(store, batch, maxObjectBytes);
  const added = await insertNew(store, src, filter, batchScope(batch.map((p) => p.file.key)));
  const invalid = new Map(
    [...added.perFile]
      .filter(([, c]) => c.bad > 0)
      .map(([key, c]) => [key, `${c.bad} records are not CloudTrail records (no eventName, eventSource, eventID or eventTime)`]),
  );
  if (invalid.size) throw new InvalidFiles(invalid);
  const rows = batch.map((p) => {
    const c = added.perFile.get(p.file.key) ?? { records: 0, inserted: 0 };
    return `(${sqlString(p.file.key)}, ${p.file.size}, ${sqlString(p.file.version)}, ${c.records}, ${c.inserted}, 'done',
      NULL, ${sqlString(p.format)}, ${sqlString(runId)}, now()::TIMESTAMP)`;
  });
  await store.run(
    `INSERT OR REPLACE INTO lake_files (key, size, version, records, inserted, status, error, format, run_id, ingested_at) VALUES ${rows.join(',')}`,
  );
  lap('manifest');
  return { inserted: added.inserted };
}

/** Where a batch's events can already be stored: their accounts, regions and days (as the table's columns). */
export interface BatchScope {
  accounts: string[];
  regions: string[];
  days: [string, string];
}

/**
 * The scope of a batch from the delivery layout of its paths. A delivered event sits in the folder of its own
 * account and region, and a file delivered on day D holds events of D and the end of D-1; so every stored copy
 * of one of its events is in this scope. undefined when a path is not in the layout (then all keys are compared).
 */
export function batchScope(keys: string[]): BatchScope | undefined {
  const accounts = new Set<string>();
  const regions = new Set<string>();
  let lo: string | undefined;
  let hi: string | undefined;
  for (const key of keys) {
    const parsed = parseLogPath(key);
    if (!parsed) return undefined;
    accounts.add(parsed.account);
    regions.add(parsed.region);
    if (!lo || parsed.date < lo) lo = parsed.date;
    if (!hi || parsed.date > hi) hi = parsed.date;
  }
  if (!lo || !hi) return undefined;
  const prev = new Date(Date.parse(`${lo}T00:00:00Z`) - 86400_000).toISOString().slice(0, 10);
  return { accounts: [...accounts], regions: [...regions], days: [prev.replaceAll('-', '/'), hi.replaceAll('-', '/')] };
}

/** DuckDB's message, without the staging path, in words a user can act on. */
function explainReadError(msg: string, p: Prepared): string {
  const clean = msg
    .replaceAll(` in file "${p.readPath}"`, '')
    .replaceAll(p.readPath, '<file>')
    .replace(/\s+LINE \d+:.*$/, '')
    .replace(/^[A-Za-z ]*Error: /, '');
  if (/maximum_object_size/i.test(clean)) return `oversized JSON object (> lake.maxObjectBytes): ${clean}`;
  if (/gzip|zlib|inflate|compress/i.test(clean)) return `corrupt gzip: ${clean}`;
  if (/Malformed JSON|unexpected end|EOF|truncat/i.test(clean)) return `truncated or invalid JSON: ${clean}`;
  return clean;
}

/**
 * A SELECT producing the batch's records as table rows (Athena's columns), read by DuckDB from the files. The
 * read path is mapped to the file's key per file, before the records are unnested (not per row).
 */
async function sourceOf(store: Store, batch: Prepared[], maxObjectBytes: number): Promise<string> {
  await store.run(`CREATE OR REPLACE TEMP TABLE lake_batch_files (path VARCHAR, key VARCHAR)`);
  const values = batch.map((p) => `(${sqlString(p.readPath)}, ${sqlString(p.file.key)})`).join(',');
  await store.run(`INSERT INTO lake_batch_files VALUES ${values}`);
  const readType = recordReadType().replaceAll("'", "''");
  const reads: string[] = [];
  for (const compression of ['gzip', 'none'] as const) {
    for (const oneLine of [true, false]) {
      const paths = batch.filter((p) => p.compression === compression && p.oneLine === oneLine).map((p) => sqlString(p.readPath));
      if (paths.length === 0) continue;
      reads.push(`SELECT unnest(j.Records) AS r, f.key FROM read_json([${paths.join(',')}],
          columns = {Records: '${readType}[]'}, format = '${oneLine ? 'newline_delimited' : 'unstructured'}',
          compression = '${compression === 'gzip' ? 'gzip' : 'uncompressed'}', filename = true, maximum_object_size = ${maxObjectBytes})
        j JOIN lake_batch_files f ON f.path = j.filename`);
    }
  }
  return `SELECT ${recordProjection('x.r')},
      ${partitionProjection('x.r', 'x.key')}
    FROM (${reads.join(' UNION ALL ')}) x`;
}

/** Per file of a batch: records read (within the filter), of which stored (new), and of which not CloudTrail. */
interface FileCounts {
  records: number;
  inserted: number;
  bad: number;
}

/**
 * Inserts the rows of `src` that are not stored yet, filtered. The rows go straight into the table (the
 * CREATE-TABLE-AS speed: a window or anti-join over the wide rows was 3x slower), then the rare duplicates are
 * found from the key columns alone and deleted, all in the caller's transaction. A new row duplicates another
 * when a stored row, or an earlier new row, has its eventID and recipientAccountId. New rows are told apart by
 * their row ids: DuckDB numbers appended rows above every stored one. Only stored keys in the batch's scope
 * (accounts, regions, days) are compared, which zone maps keep cheap as the lake grows.
 */
async function insertNew(store: Store, src: string, filter: LogFilter | undefined, scope?: BatchScope) {
  const lap = debugLaps();
  const where: string[] = ['true'];
  if (filter?.since) where.push(`s.eventtime >= ${sqlString(isoSeconds(filter.since))}`);
  if (filter?.until) where.push(`s.eventtime <= ${sqlString(isoSeconds(filter.until))}`);
  if (filter?.accounts?.length) where.push(`s.account IN (${filter.accounts.map(sqlString).join(',')})`);
  if (filter?.regions?.length) where.push(`s.region IN (${filter.regions.map(sqlString).join(',')})`);
  const top = (await store.one<{ top: number }>(`SELECT coalesce(max(rowid), -1) AS top FROM ${TABLE}`))!.top;
  await store.run(`INSERT INTO ${TABLE} SELECT * FROM (${src}) s WHERE ${where.join(' AND ')}`);
  lap('insert');
  const dropped = await dropDuplicates(store, top, scope);
  lap(`duplicates ${dropped.size}`);
  const counts = await store.all<{ sourcefile: string; n: number; bad: number }>(
    `SELECT sourcefile, count(*) AS n,
            count(*) FILTER (WHERE eventname IS NULL OR eventsource IS NULL OR eventid IS NULL OR eventtime IS NULL) AS bad
     FROM ${TABLE} WHERE rowid > ${top} GROUP BY sourcefile`,
  );
  lap('count');
  const perFile = new Map<string, FileCounts>();
  for (const c of counts) perFile.set(c.sourcefile, { records: c.n, inserted: c.n, bad: c.bad });
  for (const [file, n] of dropped) {
    const c = perFile.get(file) ?? { records: 0, inserted: 0, bad: 0 };
    perFile.set(file, { ...c, records: c.records + n });
  }
  return { inserted: counts.reduce((n, c) => n + c.n, 0), perFile };
}

/**
 * Deletes the new rows (row id above `top`) whose key is already held by a stored row or an earlier new row.
 * Returns how many were deleted per source file. The grouping reads only the key columns; when nothing is
 * duplicated (the common case) no row is touched.
 */
async function dropDuplicates(store: Store, top: number, scope?: BatchScope): Promise<Map<string, number>> {
  const inScope = scope
    ? `AND timestamp BETWEEN ${sqlString(scope.days[0])} AND ${sqlString(scope.days[1])}
         AND account IN (${scope.accounts.map(sqlString).join(', ')}) AND region IN (${scope.regions.map(sqlString).join(', ')})`
    : '';
  const keys = (where: string) => `SELECT eventid, coalesce(recipientaccountid, '') AS rid, rowid AS id FROM ${TABLE} WHERE ${where}`;
  await store.run(`CREATE OR REPLACE TEMP TABLE lake_duplicates AS
    SELECT eventid, rid, min(id) AS keep FROM (${keys(`rowid > ${top}`)} UNION ALL ${keys(`rowid <= ${top} ${inScope}`)})
    GROUP BY eventid, rid HAVING count(*) > 1`);
  const dropped = new Map<string, number>();
  if ((await store.one<{ n: number }>(`SELECT count(*) AS n FROM lake_duplicates`))!.n === 0) return dropped;
  const gone = await store.all<{ sourcefile: string }>(
    `DELETE FROM ${TABLE} t USING lake_duplicates d
     WHERE t.rowid > ${top} AND t.eventid = d.eventid AND coalesce(t.recipientaccountid, '') = d.rid AND t.rowid <> d.keep
     RETURNING t.sourcefile`,
  );
  for (const g of gone) dropped.set(g.sourcefile, (dropped.get(g.sourcefile) ?? 0) + 1);
  return dropped;
}

/**
 * With VIGIL_DEBUG_TIMING set, prints how long each step took since the previous one (to stderr): wall time, and
 * the process's CPU time (all threads), which says more than wall time on a busy machine.
 */
export function debugLaps(): (what: string) => void {
  let t = performance.now();
  let cpu = process.cpuUsage();
  return (what) => {
    if (!process.env.VIGIL_DEBUG_TIMING) return;
    const used = process.cpuUsage(cpu);
    process.stderr.write(`${what}: ${(performance.now() - t).toFixed(0)} ms (cpu ${((used.user + used.system) / 1000).toFixed(0)} ms)\n`);
    t = performance.now();
    cpu = process.cpuUsage();
  };
}

/** Staging folders left by runs that were killed are removed by the next run. */
function cleanStaleStages(base: string): void {
  try {
    for (const name of readdirSync(base)) {
      const pid = Number(/^ingest-(\d+)-/.exec(name)?.[1]);
      if (pid && !isAlive(pid)) rmSync(join(base, name), { recursive: true, force: true });
    }
  } catch {
    /* no tmp dir yet */
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads CloudTrail records (objects as in the logs) straight into the lake — for tests, the demo and live
 * pipelines. Same projection and de-duplication as file ingestion; no manifest. Returns rows inserted.
 */
export async function insertRecords(store: Store, records: object[], sourcefile = 'memory'): Promise<number> {
  if (records.length === 0) return 0;
  const dir = join(store.path === ':memory:' ? (await import('node:os')).tmpdir() : dirname(store.path), 'tmp');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `records-${randomUUID()}.json`);
  const text = JSON.stringify({ Records: records });
  writeFileSync(path, text);
  try {
    return await store.transaction(async () => {
      const src = await sourceOf(
        store,
        [{ file: { key: sourcefile, path, size: 0, version: '' }, readPath: path, compression: 'none', format: 'records', oneLine: true }],
        Math.max(BASE_OBJECT_BYTES, 2 * text.length),
      );
      return (await insertNew(store, src, undefined)).inserted;
    });
  } finally {
    rmSync(path, { force: true });
  }
}
