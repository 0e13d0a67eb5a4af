import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { VigilError, ExitCode } from '../util/errors.js';

/** A plain JSON-friendly row: BIGINTs become numbers (or strings past 2^53), times become ISO strings. */
export type Row = Record<string, unknown>;

export interface StoreOptions {
  path: string;
  readOnly?: boolean;
  threads?: number;
  memoryLimit?: string;
}

/** Each capability registers how to create and upgrade its own tables. */
export type SchemaSetup = (store: Store) => Promise<void>;
const schemaSetups: SchemaSetup[] = [];
export function registerSchema(setup: SchemaSetup): void {
  schemaSetups.push(setup);
}

/** One DuckDB file holding snapshots, findings, the lake and alerts. One writer process at a time. */
export class Store {
  private constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  static async open(opts: StoreOptions): Promise<Store> {
    const path = opts.path === ':memory:' ? ':memory:' : resolve(opts.path);
    if (path !== ':memory:' && !opts.readOnly) mkdirSync(dirname(path), { recursive: true });
    const config: Record<string, string> = {};
    if (opts.readOnly) config.access_mode = 'READ_ONLY';
    if (opts.threads) config.threads = String(opts.threads);
    if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (err) {
      throw explainOpenError(path, err);
    }
    const conn = await instance.connect();
    const store = new Store(path, !!opts.readOnly, instance, conn);
    if (!opts.readOnly) for (const setup of schemaSetups) await setup(store);
    return store;
  }

  async run(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<number> {
    const r = await this.conn.run(sql, params);
    return Number(r.rowsChanged);
  }

  async all<T extends Row = Row>(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<T[]> {
    const reader = await this.conn.runAndReadAll(sql, params);
    return reader.getRowObjectsJS().map((r) => toPlain(r) as T);
  }

  /** Column names and rows, in column order (for tables and CSV). */
  async table(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<{ columns: string[]; rows: Row[] }> {
    const reader = await this.conn.runAndReadAll(sql, params);
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJS().map((r) => toPlain(r) as Row) };
  }

  async one<T extends Row = Row>(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /** Runs fn in a transaction: all of it lands, or none (also when the process dies midway). */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.conn.run('BEGIN TRANSACTION');
    try {
      const out = await fn();
      await this.conn.run('COMMIT');
      return out;
    } catch (err) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /**
   * Another connection to the same database (its own transactions), for work that runs beside a transaction on
   * this one, e.g. a delivery loop next to the ingest pipeline. Closing it leaves the database open.
   */
  async connection(): Promise<Store> {
    const conn = await this.instance.connect();
    const other = new Store(this.path, this.readOnly, this.instance, conn);
    other.shared = true;
    return other;
  }

  private shared = false;

  close(): void {
    this.conn.closeSync();
    if (!this.shared) this.instance.closeSync();
  }
}

function explainOpenError(path: string, err: unknown): VigilError {
  const msg = err instanceof Error ? err.message : String(err);
  if (/lock/i.test(msg)) {
    const pid = /PID (\d+)/.exec(msg)?.[1];
    return new VigilError(
      `${path}: the store is in use by another vigil process${pid ? ` (PID ${pid})` : ''}; one writer at a time`,
      ExitCode.runtime,
    );
  }
  if (/No such file|does not exist|Cannot open/i.test(msg)) {
    return new VigilError(`${path}: no store here yet (run \`vigil lake ingest\` or \`vigil demo\` first)`, ExitCode.usage);
  }
  return new VigilError(`${path}: cannot open the store: ${msg.split('\n')[0]}`, ExitCode.runtime);
}

/** DuckDB's JS values to plain JSON-friendly ones. */
export function toPlain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (Array.isArray(v)) return v.map(toPlain);
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = toPlain(x);
    return out;
  }
  return v;
}

/** Quote a string as a SQL literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
