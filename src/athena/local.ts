/**
 * Runs Athena-bound SQL on the local lake and answers in Athena's result shapes (text values, Athena type
 * names). The simulated Athena endpoint uses it, which is how tests prove that the text vigil sends to Athena
 * runs on the local engine with the same answer.
 */
import type { Store } from '../store/store.js';
import { SCOPE_MARK } from './scope.js';
import type { SimResult } from './sim.js';

const ATHENA_TYPES: [RegExp, string][] = [
  [/^BIGINT|^HUGEINT|^UBIGINT/, 'bigint'],
  [/^INTEGER|^UINTEGER/, 'integer'],
  [/^SMALLINT|^USMALLINT/, 'smallint'],
  [/^TINYINT|^UTINYINT/, 'tinyint'],
  [/^DOUBLE|^FLOAT/, 'double'],
  [/^DECIMAL/, 'decimal'],
  [/^BOOLEAN/, 'boolean'],
  [/^TIMESTAMP/, 'timestamp'],
  [/^DATE/, 'date'],
  [/\[\]$/, 'array'],
  [/^STRUCT/, 'row'],
  [/^MAP/, 'map'],
];

function athenaType(duck: string): string {
  return ATHENA_TYPES.find(([re]) => re.test(duck))?.[1] ?? 'varchar';
}

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** An `execute` for startAthenaSim: `"<database>"."<table>"` resolves to the local lake through a schema view. */
export function localExecutor(store: Store, table = 'cloudtrail_logs') {
  return async (sql: string, database: string): Promise<SimResult> => {
    await store.run(`CREATE SCHEMA IF NOT EXISTS "${database}"`);
    await store.run(`CREATE OR REPLACE VIEW "${database}"."${table}" AS SELECT * FROM main.cloudtrail_logs`);
    const reader = await store.conn.runAndReadAll(sql);
    const types = reader.columnTypes().map((t) => athenaType(t.toString()));
    const columns = reader.columnNames().map((name, i) => ({ name, type: types[i]! }));
    const rows = reader.getRowsJson().map((r) => r.map(text));
    return { columns, rows, scannedBytes: await scannedBytes(store, sql, database, table) };
  };
}

/**
 * What Athena would scan: the log files of the partitions the query's scope selects (all of them without a
 * scope), measured from the lake's manifest.
 */
async function scannedBytes(store: Store, sql: string, database: string, table: string): Promise<number> {
  // The scope CTE scopeQuery writes: `WITH cloudtrail_logs AS (SELECT * FROM <table> WHERE <predicates>)` then `,` or a newline.
  const scope = sql.startsWith(SCOPE_MARK) ? /^\S+ \S+ \*\/ WITH cloudtrail_logs AS \(SELECT \* FROM \S+ WHERE (.*?)\),?\n/.exec(sql)?.[1] : undefined;
  const rows = await store.all<{ b: number }>(
    `SELECT coalesce(sum(size), 0) AS b FROM lake_files WHERE key IN (
       SELECT DISTINCT sourcefile FROM "${database}"."${table}" ${scope ? `WHERE ${scope}` : ''})`,
  );
  return rows[0]!.b;
}
