/**
 * What the lake says a principal did: one GROUP BY over cloudtrail_logs per question, so the work stays in DuckDB
 * (the table can hold hundreds of millions of events); only (eventSource, eventName) aggregates reach JS.
 */
import { isoSeconds } from '../util/time.js';
import { sqlString, type Store } from '../store/store.js';

export interface Window {
  since?: Date;
  until?: Date;
}

/** Whose calls: an IAM user's, any session of a role, or the sessions with given access keys. */
export type Actor =
  | { kind: 'user'; name: string; account?: string }
  | { kind: 'role'; name: string; account?: string }
  | { kind: 'sessions'; keys: string[]; roleNames: string[]; sourceIdentities: string[]; account?: string }
  | { kind: 'users'; names: string[]; account?: string };

export interface EventUsage {
  eventsource: string;
  eventname: string;
  failed: boolean;
  errorcode: string | null;
  n: number;
  last: string;
}

const list = (xs: string[]) => (xs.length ? xs.map(sqlString).join(', ') : 'NULL');

export function actorWhere(a: Actor): string {
  const acct = (col: string) => (a.account ? ` AND ${col} = ${sqlString(a.account)}` : '');
  switch (a.kind) {
    case 'user':
      return `useridentity.type = 'IAMUser' AND useridentity.username = ${sqlString(a.name)}${acct('useridentity.accountid')}`;
    case 'users':
      return `useridentity.type = 'IAMUser' AND useridentity.username IN (${list(a.names)})${acct('useridentity.accountid')}`;
    case 'role':
      return `useridentity.type = 'AssumedRole' AND useridentity.sessioncontext.sessionissuer.username = ${sqlString(a.name)}${acct('useridentity.sessioncontext.sessionissuer.accountid')}`;
    case 'sessions': {
      const byKey = `useridentity.accesskeyid IN (${list(a.keys)})`;
      // sourceIdentity survives where the AssumeRole itself is not in the lake (e.g. an account not loaded).
      const bySource = a.sourceIdentities.length
        ? ` OR (useridentity.type = 'AssumedRole' AND useridentity.sessioncontext.sessionissuer.username IN (${list(a.roleNames)})${acct('useridentity.sessioncontext.sessionissuer.accountid')} AND useridentity.sessioncontext.sourceidentity IN (${list(a.sourceIdentities)}))`
        : '';
      return `(${byKey}${bySource})`;
    }
  }
}

export function windowWhere(w: Window): string {
  const parts: string[] = [];
  if (w.since) parts.push(`eventtime >= ${sqlString(isoSeconds(w.since))}`);
  if (w.until) parts.push(`eventtime < ${sqlString(isoSeconds(w.until))}`);
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

const FAILED = `(errorcode IS NOT NULL AND errorcode <> '')`;

export async function eventUsage(store: Store, actor: Actor, w: Window): Promise<EventUsage[]> {
  return store.all<EventUsage & Record<string, unknown>>(`
    SELECT eventsource, eventname, ${FAILED} AS failed, any_value(errorcode) AS errorcode,
      count(*)::BIGINT AS n, max(eventtime) AS last
    FROM cloudtrail_logs
    WHERE ${actorWhere(actor)} AND ${windowWhere(w)} AND eventsource IS NOT NULL
    GROUP BY ALL`);
}

export interface EventResources {
  eventsource: string;
  eventname: string;
  arns: string[];
  /** Distinct ARNs seen (arns is cut at the limit). */
  distinct: number;
  /** Successful events of this kind with no ARN in `resources`. */
  without: number;
}

/** Resource ARNs the actor's successful events carried, per event kind (at most `limit` each). */
export async function eventResources(store: Store, actor: Actor, w: Window, limit = 50): Promise<EventResources[]> {
  return store.all<EventResources & Record<string, unknown>>(`
    WITH ev AS (
      SELECT eventsource, eventname, resources FROM cloudtrail_logs
      WHERE ${actorWhere(actor)} AND ${windowWhere(w)} AND NOT ${FAILED} AND eventsource IS NOT NULL
    ), arns AS (
      SELECT eventsource, eventname, unnest(resources).arn AS arn FROM ev
    ), per AS (
      SELECT eventsource, eventname, list(DISTINCT arn ORDER BY arn)[1:${limit}] AS arns, count(DISTINCT arn)::BIGINT AS distinct
      FROM arns WHERE arn IS NOT NULL GROUP BY ALL
    ), bare AS (
      SELECT eventsource, eventname, count(*) FILTER (WHERE resources IS NULL OR len(resources) = 0)::BIGINT AS without
      FROM ev GROUP BY ALL
    )
    SELECT bare.eventsource, bare.eventname, coalesce(per.arns, []) AS arns, coalesce(per.distinct, 0) AS distinct, bare.without
    FROM bare LEFT JOIN per USING (eventsource, eventname)`);
}

/**
 * Per account (all, or the one given): does the lake hold any event in the window, and which event sources
 * logged data events?
 */
export async function lakeCoverage(store: Store, w: Window, account?: string): Promise<Map<string, Set<string>>> {
  const only = account ? ` AND account = ${sqlString(account)}` : '';
  // Two narrow queries rather than one aggregate: presence stops at the first row, data events are few.
  const present = await store.all<{ account: string }>(
    account
      ? `SELECT account FROM cloudtrail_logs WHERE ${windowWhere(w)}${only} LIMIT 1`
      : `SELECT DISTINCT account FROM cloudtrail_logs WHERE ${windowWhere(w)} AND account IS NOT NULL`,
  );
  const data = await store.all<{ account: string; sources: string[] }>(`
    SELECT account, list(DISTINCT eventsource) AS sources FROM cloudtrail_logs
    WHERE eventcategory = 'Data' AND ${windowWhere(w)}${only} AND account IS NOT NULL GROUP BY account`);
  const out = new Map(present.map((r) => [r.account, new Set<string>()]));
  for (const r of data) out.set(r.account, new Set(r.sources));
  return out;
}
