/**
 * `vigil hunt --engine athena`: the pack's scan (src/detect/hunt.ts, Athena dialect) runs on Athena once, scoped
 * to the partitions of the time window; its matches — one row per event and rule, far fewer than the events —
 * are loaded into an in-memory DuckDB table, where the windowed rules and alert assembly run exactly as for a
 * local hunt. One Athena query per hunt: Trino evaluates a CTE once per reference, so pushing each windowed rule
 * to Athena as well would read (and bill) the trail once per windowed rule.
 */
import { Store } from '../store/store.js';
import { athena } from '../detect/dialect.js';
import { alertsFromMatches, factNames, matchesTable, scanSql, type HuntResult } from '../detect/hunt.js';
import type { Pack } from '../detect/pack.js';
import type { AthenaEngine } from './client.js';
import { scopeQuery, type QueryScope } from './scope.js';

export interface AthenaHuntResult extends HuntResult {
  queryId: string;
  dataScannedBytes: number;
  costUSD: number;
}

/** The text sent to Athena for a hunt: the scan, scoped to the window's partitions, reading `table`. */
export function athenaHuntSql(pack: Pack, scope: QueryScope, table: string): string {
  return scopeQuery(scanSql(pack, athena), { since: scope.since, until: scope.until, accounts: scope.accounts, regions: scope.regions }, table);
}

/** Scan rows (from Athena, in the local engine's shapes) into a temp table of `store`. */
export async function loadMatches(store: Store, pack: Pack, table: string, rows: Record<string, unknown>[]): Promise<void> {
  const names = factNames(pack);
  const struct = `{${names.map((n) => `"${n}":"${n === 'ts' ? 'BIGINT' : 'VARCHAR'}"`).join(',')}}`;
  const json = JSON.stringify(rows.map((r) => Object.fromEntries(names.map((n) => [n, r[n] ?? null]))));
  await store.run(`CREATE TEMP TABLE ${table} AS SELECT unnest(m) FROM (SELECT unnest(from_json(CAST($1 AS JSON), '[${struct}]')) AS m)`, [json]);
}

export async function huntAthena(engine: AthenaEngine, pack: Pack, scope: QueryScope, signal?: AbortSignal): Promise<AthenaHuntResult> {
  const r = await engine.query(athenaHuntSql(pack, scope, engine.table), signal);
  const store = await Store.open({ path: ':memory:', threads: 1 });
  try {
    const table = matchesTable();
    await loadMatches(store, pack, table, r.rows);
    return { ...(await alertsFromMatches(store, pack, table)), queryId: r.queryId, dataScannedBytes: r.dataScannedBytes, costUSD: r.costUSD };
  } finally {
    store.close();
  }
}
