/**
 * Where lake SQL runs: the local DuckDB store or Athena. Capabilities that query the lake (access review) take a
 * `Lake` — or a `Store`, which is the local lake — write their SQL once in the lake's dialect and get rows back
 * in the same shapes from either engine.
 */
import { Store, type Row } from '../store/store.js';
import { athena, duckdb, type Dialect } from '../detect/dialect.js';
import type { AthenaEngine } from './client.js';
import { scopeQuery, type QueryScope } from './scope.js';

export interface LakeStats {
  queries: number;
  dataScannedBytes: number;
  costUSD: number;
}

export interface Lake {
  readonly engine: 'local' | 'athena';
  readonly dialect: Dialect;
  /**
   * Runs `sql`, which reads `cloudtrail_logs`, over the events of `scope` at most (the query may filter further):
   * on Athena the scope selects the partitions read; locally the query's own filters do the work.
   */
  all<T extends Row = Row>(sql: string, scope?: QueryScope): Promise<T[]>;
  /** What the queries so far cost (zero locally). */
  readonly stats: LakeStats;
}

export class LocalLake implements Lake {
  readonly engine = 'local';
  readonly dialect = duckdb;
  readonly stats: LakeStats = { queries: 0, dataScannedBytes: 0, costUSD: 0 };
  constructor(readonly store: Store) {}
  all<T extends Row = Row>(sql: string): Promise<T[]> {
    this.stats.queries++;
    return this.store.all<T>(sql);
  }
}

export class AthenaLake implements Lake {
  readonly engine = 'athena';
  readonly dialect = athena;
  readonly stats: LakeStats = { queries: 0, dataScannedBytes: 0, costUSD: 0 };
  /** Every query sent, as sent (for tests and `--json` meta). */
  readonly sent: { sql: string; queryId: string; dataScannedBytes: number }[] = [];
  constructor(
    private readonly athenaEngine: AthenaEngine,
    private readonly signal?: AbortSignal,
  ) {}
  async all<T extends Row = Row>(sql: string, scope: QueryScope = {}): Promise<T[]> {
    // Always through the scope CTE: it also points `cloudtrail_logs` at the configured database and table.
    const text = scopeQuery(sql, scope, this.athenaEngine.table);
    const r = await this.athenaEngine.query(text, this.signal);
    this.stats.queries++;
    this.stats.dataScannedBytes += r.dataScannedBytes;
    this.stats.costUSD += r.costUSD;
    this.sent.push({ sql: text, queryId: r.queryId, dataScannedBytes: r.dataScannedBytes });
    return r.rows as T[];
  }
}

/** A Store is the local lake. */
export type LakeSource = Store | Lake;

export function lakeOf(src: LakeSource): Lake {
  return src instanceof Store ? new LocalLake(src) : src;
}
