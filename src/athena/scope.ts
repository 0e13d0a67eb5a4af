/**
 * The dialect layer: the one place where a query's scope (time, accounts, regions) becomes SQL. The scope is a
 * CTE named `cloudtrail_logs` that shadows the table, so the query text itself never changes. On Athena its
 * predicates on `account`, `region` and `timestamp` are partition projection predicates (only those partitions are
 * read); locally they prune row groups. The same text runs on both engines.
 */
import { sqlString } from '../store/store.js';
import { isoSeconds as iso, lakeDay as day } from '../util/time.js';

export interface QueryScope {
  since?: Date;
  until?: Date;
  accounts?: string[];
  regions?: string[];
}


/** Partition (and event-time) predicates for a scope; `true` when the scope is empty. */
export function scopePredicates(scope: QueryScope): string {
  const p: string[] = [];
  // Events of day D can be delivered on D+1, but the partition is the event's day, so no slack is needed here.
  if (scope.since) p.push(`timestamp >= ${sqlString(day(scope.since))}`, `eventtime >= ${sqlString(iso(scope.since))}`);
  if (scope.until) p.push(`timestamp <= ${sqlString(day(scope.until))}`, `eventtime <= ${sqlString(iso(scope.until))}`);
  if (scope.accounts?.length) p.push(`account IN (${scope.accounts.map(sqlString).join(', ')})`);
  if (scope.regions?.length) p.push(`region IN (${scope.regions.map(sqlString).join(', ')})`);
  return p.length ? p.join(' AND ') : 'true';
}

export const SCOPE_MARK = '/* vigil:scope */';

/**
 * Wraps `sql` (which reads `cloudtrail_logs`) so it only sees the scope. `table` is the qualified table to read:
 * `main.cloudtrail_logs` locally, `"db"."cloudtrail_logs"` on Athena.
 */
export function scopeQuery(sql: string, scope: QueryScope, table: string): string {
  const cte = `cloudtrail_logs AS (SELECT * FROM ${table} WHERE ${scopePredicates(scope)})`;
  const body = sql.trim().replace(/;\s*$/, '');
  const withMatch = /^WITH\s+(?!RECURSIVE\b)/i.exec(body);
  if (withMatch) return `${SCOPE_MARK} WITH ${cte},\n${body.slice(withMatch[0].length)}`;
  return `${SCOPE_MARK} WITH ${cte}\n${body}`;
}
