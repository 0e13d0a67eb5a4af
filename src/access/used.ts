/**
 * What the lake says a principal did: one GROUP BY over cloudtrail_logs per question, so the work stays in the
 * engine (the table can hold hundreds of millions of events); only (eventSource, eventName) aggregates reach JS.
 * Every query is written once, in the subset DuckDB and Athena (Trino) share — explicit GROUP BY, no `::` casts,
 * no DuckDB list functions — with the few spellings that differ taken from the lake's dialect, so it runs on the
 * local store or, through `--engine athena`, on Athena with the window as partition predicates.
 */
import { isoSeconds } from '../util/time.js';
import { sqlString } from '../store/store.js';
import { lakeOf, type LakeSource } from '../athena/lake.js';

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
/** Failed calls are counted per error code (a denial and a throttle of one action are two findings); others have none. */
const ERROR_CODE = `CASE WHEN ${FAILED} THEN errorcode END AS errorcode`;

export async function eventUsage(src: LakeSource, actor: Actor, w: Window): Promise<EventUsage[]> {
  return lakeOf(src).all<EventUsage & Record<string, unknown>>(
    `
    SELECT eventsource, eventname, failed, errorcode, count(*) AS n, max(eventtime) AS last
    FROM (
      SELECT eventsource, eventname, ${ERROR_CODE}, eventtime, ${FAILED} AS failed FROM cloudtrail_logs
      WHERE ${actorWhere(actor)} AND ${windowWhere(w)} AND eventsource IS NOT NULL
    ) e
    GROUP BY eventsource, eventname, failed, errorcode`,
    w,
  );
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
export async function eventResources(src: LakeSource, actor: Actor, w: Window, limit = 50): Promise<EventResources[]> {
  const lake = lakeOf(src);
  const d = lake.dialect;
  // The ARNs are walked by position (resources[i].arn): UNNEST of a list of structs gives one struct column in
  // DuckDB but one column per field in Trino. One row per (kind, ARN) comes back, at most `limit` per kind.
  const rows = await lake.all<{ eventsource: string; eventname: string; without: number; arn: string | null; ndistinct: number | null }>(
    `
    WITH ev AS (
      SELECT eventsource, eventname, resources FROM cloudtrail_logs
      WHERE ${actorWhere(actor)} AND ${windowWhere(w)} AND NOT ${FAILED} AND eventsource IS NOT NULL
    ), arns AS (
      SELECT DISTINCT ev.eventsource, ev.eventname, ev.resources[i.n].arn AS arn
      FROM ev CROSS JOIN UNNEST(${d.series('1', d.listLength('ev.resources'))}) AS i(n)
      WHERE ${d.listLength('ev.resources')} > 0
    ), ranked AS (
      SELECT eventsource, eventname, arn, row_number() OVER (PARTITION BY eventsource, eventname ORDER BY arn) AS rn,
        count(*) OVER (PARTITION BY eventsource, eventname) AS ndistinct
      FROM arns WHERE arn IS NOT NULL
    ), bare AS (
      SELECT eventsource, eventname, count(*) FILTER (WHERE resources IS NULL OR ${d.listLength('resources')} = 0) AS without
      FROM ev GROUP BY eventsource, eventname
    )
    SELECT bare.eventsource, bare.eventname, bare.without, ranked.arn, ranked.ndistinct
    FROM bare LEFT JOIN ranked ON ranked.eventsource = bare.eventsource AND ranked.eventname = bare.eventname AND ranked.rn <= ${limit}`,
    w,
  );
  const out = new Map<string, EventResources>();
  for (const r of rows) {
    const k = `${r.eventsource}\0${r.eventname}`;
    const e = out.get(k) ?? { eventsource: r.eventsource, eventname: r.eventname, arns: [], distinct: 0, without: Number(r.without) };
    if (r.arn !== null) {
      e.arns.push(r.arn);
      e.distinct = Number(r.ndistinct);
    }
    out.set(k, e);
  }
  for (const e of out.values()) e.arns.sort();
  return [...out.values()];
}

/**
 * Per account (all, or the one given): does the lake hold any event in the window, and which event sources
 * logged data events?
 */
export async function lakeCoverage(src: LakeSource, w: Window, account?: string): Promise<Map<string, Set<string>>> {
  const lake = lakeOf(src);
  const only = account ? ` AND account = ${sqlString(account)}` : '';
  const scope = { ...w, accounts: account ? [account] : undefined };
  // Two narrow queries rather than one aggregate: presence stops at the first row, data events are few.
  const present = await lake.all<{ account: string }>(
    account
      ? `SELECT account FROM cloudtrail_logs WHERE ${windowWhere(w)}${only} LIMIT 1`
      : `SELECT DISTINCT account FROM cloudtrail_logs WHERE ${windowWhere(w)} AND account IS NOT NULL`,
    scope,
  );
  const data = await lake.all<{ account: string; eventsource: string }>(
    `
    SELECT DISTINCT account, eventsource FROM cloudtrail_logs
    WHERE eventcategory = 'Data' AND ${windowWhere(w)}${only} AND account IS NOT NULL AND eventsource IS NOT NULL`,
    scope,
  );
  const out = new Map(present.map((r) => [r.account, new Set<string>()]));
  for (const r of data) out.set(r.account, (out.get(r.account) ?? new Set()).add(r.eventsource));
  return out;
}

/** Every IAM user's and role's calls in the window, aggregated by principal and event. */
export type PrincipalUsage = EventUsage & { kind: 'user' | 'role'; account: string; name: string };

export async function principalUsage(src: LakeSource, w: Window): Promise<PrincipalUsage[]> {
  const user = `useridentity.type = 'IAMUser'`;
  return lakeOf(src).all<PrincipalUsage & Record<string, unknown>>(
    `
    SELECT kind, account, name, eventsource, eventname, failed, errorcode, count(*) AS n, max(eventtime) AS last
    FROM (
      SELECT CASE WHEN ${user} THEN 'user' ELSE 'role' END AS kind,
        CASE WHEN ${user} THEN useridentity.accountid ELSE useridentity.sessioncontext.sessionissuer.accountid END AS account,
        CASE WHEN ${user} THEN useridentity.username ELSE useridentity.sessioncontext.sessionissuer.username END AS name,
        eventsource, eventname, ${ERROR_CODE}, eventtime, ${FAILED} AS failed
      FROM cloudtrail_logs
      WHERE useridentity.type IN ('IAMUser', 'AssumedRole') AND ${windowWhere(w)} AND eventsource IS NOT NULL
    ) e
    GROUP BY kind, account, name, eventsource, eventname, failed, errorcode`,
    w,
  );
}

/** IAM user access keys (AKIA...) last used before `since` (and not since), up to `until`. */
export async function keysIdleSince(src: LakeSource, since: Date, until?: Date): Promise<{ user: string; account: string; key: string; last: string }[]> {
  return lakeOf(src).all<{ user: string; account: string; key: string; last: string }>(
    `
    SELECT useridentity.username AS "user", useridentity.accountid AS account, useridentity.accesskeyid AS "key", max(eventtime) AS last
    FROM cloudtrail_logs
    WHERE useridentity.type = 'IAMUser' AND useridentity.accesskeyid LIKE 'AKIA%'${until ? ` AND ${windowWhere({ until })}` : ''}
    GROUP BY useridentity.username, useridentity.accountid, useridentity.accesskeyid
    HAVING max(eventtime) < ${sqlString(isoSeconds(since))}
    ORDER BY useridentity.accountid, useridentity.username, useridentity.accesskeyid`,
    { until },
  );
}
