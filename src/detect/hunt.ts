/**
 * The hunt engine: the same pack as SQL over the lake. One scan of cloudtrail_logs — a single SELECT, in either
 * dialect (src/detect/dialect.ts) — tags each event with the members it matches (one row per event and member,
 * with the facts alerts need); windowed rules then run as SQL over those matches (window functions for counts,
 * self-joins for distinct values and temporal proximity); dedup and alert assembly are shared with the live
 * engine. Locally the scan fills a temp table; on Athena (src/athena/hunt.ts) the scan runs there, once, and its
 * matches are loaded into a local temp table, so the windowed part is the same code on both engines.
 */
import { randomUUID } from 'node:crypto';
import { sqlString, type Store } from '../store/store.js';
import { TABLE } from '../lake/schema.js';
import { scopePredicates } from '../athena/scope.js';
import { AlertAggregator, type Alert, type EventFacts } from './alerts.js';
import { duckdb, localRowsAsJson, type Dialect } from './dialect.js';
import { compileSql, sqlOf, type Columns } from './engine/sql.js';
import { field } from './fields.js';
import type { Member, Pack, WindowUnit } from './pack.js';
import { requiredEventNames, type Pred } from './ir.js';

export interface HuntOptions {
  since?: Date;
  until?: Date;
  /** Naive baseline: one scan per member instead of one for the pack (for the benchmark). */
  perRule?: boolean;
  /** Only events read from this source (tests run many small cases in one lake). */
  sourcefile?: string;
  /** Only these events (tests). */
  eventIds?: string[];
}

export interface HuntResult {
  alerts: Alert[];
  /** Member matches found by the scan. */
  matches: number;
}

/** The local scan's filter: the time scope (as on Athena) plus the test-only selections. */
function localFilter(o: HuntOptions): string {
  const w = [scopePredicates({ since: o.since, until: o.until })];
  if (o.sourcefile) w.push(`sourcefile = ${sqlString(o.sourcefile)}`);
  if (o.eventIds) w.push(o.eventIds.length ? `eventid IN (${o.eventIds.map(sqlString).join(', ')})` : 'FALSE');
  return w.join(' AND ');
}

/** SELECT list of the facts every alert needs, plus the pack's key fields as kf0..kfN. */
function factColumns(pack: Pack, d: Dialect): string {
  return [
    `COALESCE(eventid, '') AS eventid`,
    `eventtime`,
    `COALESCE(${d.epochSeconds('eventtime')}, 0) AS ts`,
    `useridentity.arn AS actor`,
    `COALESCE(recipientaccountid, useridentity.accountid) AS account`,
    `awsregion AS region`,
    `sourceipaddress AS sourceip`,
    `useragent`,
    `eventname`,
    `eventsource`,
    `${d.listJson('resources')} AS resources`,
    ...pack.keyFields.map((k, i) => `${sqlOf(field(k), d)} AS kf${i}`),
  ].join(',\n    ');
}

/** The non-JSON, non-list fields a predicate reads lowercased (cheap to compute once for every row). */
function loweredColumns(p: Pred, out: Set<string>): Set<string> {
  switch (p.k) {
    case 'and':
    case 'or':
      p.items.forEach((x) => loweredColumns(x, out));
      break;
    case 'not':
      loweredColumns(p.item, out);
      break;
    case 'glob':
    case 'fieldref':
      if (!p.cased)
        for (const f of p.k === 'glob' ? [p.field] : [p.field, p.other]) {
          const ref = field(f);
          if (!ref.list && !ref.json && !ref.unknown) out.add(ref.path);
        }
      break;
    default:
  }
  return out;
}

/**
 * The scan, one SELECT over `cloudtrail_logs`: one row per (event, matching member). Every row gets a cheap
 * pre-filter: its lowercase eventName among those the indexed members require, or one of the unindexed members'
 * predicates (their columns lowercased once per row). Candidates then evaluate, in a CASE on the eventName, only
 * the members that name can match — so a JSON column is parsed only for the rows and rules that read it — and
 * the list of matching members becomes rows through CROSS JOIN UNNEST (no temp table, no unnest in SELECT, so
 * Athena runs it as is). `where` filters the events read (the time scope, locally; Athena's scope is a CTE).
 */
export function scanSql(pack: Pack, d: Dialect, where = 'TRUE', members = pack.members): string {
  const byName = new Map<string, Member[]>();
  const always: Member[] = [];
  for (const m of members) {
    const req = requiredEventNames(m.pred);
    if (!req) always.push(m);
    else for (const nm of new Set(req)) byName.set(nm, [...(byName.get(nm) ?? []), m]);
  }
  const lowered = new Set<string>(['eventName']);
  always.forEach((m) => loweredColumns(m.pred, lowered));
  const alias = new Map([...lowered].sort().map((path, i) => [path, `l${i}`]));
  const cols: Columns = { value: (ref) => sqlOf(ref, d), lower: (ref) => alias.get(ref.path) ?? `lower(${sqlOf(ref, d)})` };
  const nameCol = alias.get('eventName')!;
  const pred = (m: Member) => compileSql(m.pred, cols, d);
  const tag = (m: Member) => `CASE WHEN ${pred(m)} THEN ${sqlString(m.key)} END`;
  const prefilter = [
    ...(byName.size ? [`${nameCol} IN (${[...byName.keys()].sort().map(sqlString).join(', ')})`] : []),
    ...always.map(pred),
  ];
  const branches = [...byName.keys()].sort().map((nm) => `WHEN ${sqlString(nm)} THEN ${d.nonNullList(byName.get(nm)!.map(tag))}`);
  const named = branches.length ? `CASE ${nameCol} ${branches.join(' ')} ELSE ${d.emptyList} END` : d.emptyList;
  const tags = always.length ? d.concatLists(named, d.nonNullList(always.map(tag))) : named;
  const lowers = [...alias].map(([path, name]) => `lower(${sqlOf(field(path), d)}) AS ${name}`);
  return `SELECT u.member,
    ${factColumns(pack, d)}
  FROM (
    SELECT *, ${tags} AS vigil_members
    FROM (SELECT *, ${lowers.join(', ')} FROM cloudtrail_logs WHERE ${where}) t
    WHERE ${prefilter.length ? prefilter.join('\n      OR ') : 'FALSE'}
  ) s
  CROSS JOIN UNNEST(s.vigil_members) AS u(member)`;
}

/** The resources' ARNs from their JSON text: elements as objects, or arrays by field position (ARN first). */
export function listValues(json: string | null, key: string, position: number): string[] {
  if (!json) return [];
  const list = JSON.parse(json) as unknown[] | null;
  const out: string[] = [];
  for (const el of list ?? []) {
    const v = Array.isArray(el) ? el[position] : el && typeof el === 'object' ? (el as Record<string, unknown>)[key] : undefined;
    if (typeof v === 'string' && v) out.push(v);
  }
  return out;
}

function rowFacts(pack: Pack, r: Record<string, unknown>): EventFacts {
  const keys: Record<string, string | null> = {};
  pack.keyFields.forEach((k, i) => (keys[k] = (r[`kf${i}`] as string | null) ?? null));
  return {
    eventId: String(r.eventid ?? ''),
    time: String(r.eventtime ?? ''),
    epoch: Number(r.ts ?? 0),
    actor: (r.actor as string | null) ?? null,
    account: (r.account as string | null) ?? null,
    region: (r.region as string | null) ?? null,
    sourceIp: (r.sourceip as string | null) ?? null,
    userAgent: (r.useragent as string | null) ?? null,
    eventName: (r.eventname as string | null) ?? null,
    eventSource: (r.eventsource as string | null) ?? null,
    resources: listValues(r.resources as string | null, 'arn', 0),
    keys,
  };
}

/** The columns of a scan's rows, in order (ts is a BIGINT, the rest text). */
export const factNames = (pack: Pack): string[] => [
  'member', 'eventid', 'eventtime', 'ts', 'actor', 'account', 'region', 'sourceip', 'useragent', 'eventname', 'eventsource', 'resources',
  ...pack.keyFields.map((_, i) => `kf${i}`),
];

const FACT_COLS = (pack: Pack) => factNames(pack).join(', ');

/** The SQL returning the events a windowed rule reports (see window.ts for the definition). */
export function windowSql(pack: Pack, u: WindowUnit, table: string): string {
  const s = u.spec;
  const W = s.seconds;
  const g = s.groupBy.map((k) => `kf${pack.keyFields.indexOf(k)}`);
  const v = s.field ? `kf${pack.keyFields.indexOf(s.field)}` : 'NULL';
  const keys = u.members.map((m) => sqlString(m.key));
  const same = (a: string, b: string) => (g.length ? g.map((c) => `${a}.${c} IS NOT DISTINCT FROM ${b}.${c}`).join(' AND ') : 'TRUE');
  const part = g.length ? `PARTITION BY ${g.join(', ')} ` : '';
  const m = `m AS (SELECT *, ${v} AS v FROM ${table} WHERE member IN (${keys.join(', ')}))`;
  let hits: string;
  if (s.type === 'count') {
    hits = `${m},
    w AS (SELECT *, count(*) OVER (${part}ORDER BY ts RANGE BETWEEN ${W - 1} PRECEDING AND CURRENT ROW) AS c FROM m),
    f AS (SELECT *, max(CASE WHEN c >= ${s.n} THEN 1 ELSE 0 END) OVER (${part}ORDER BY ts RANGE BETWEEN CURRENT ROW AND ${W - 1} FOLLOWING) AS hit FROM w),
    c AS (SELECT DISTINCT eventid FROM f WHERE hit = 1)`;
    // One member: each event appears once, so the firing rows are the answer (no join back).
    if (u.members.length === 1) return `WITH ${hits.replace(/,\s*c AS \(SELECT DISTINCT eventid FROM f WHERE hit = 1\)$/, '')}
  SELECT * FROM f WHERE hit = 1`;
  } else {
    let fire: string;
    if (s.type === 'temporal_ordered') {
      const joins = u.members.map((mm, i) => {
        const prev = i === 0 ? `a${i}.ts > x.ts - ${W}` : `a${i}.ts >= a${i - 1}.ts`;
        return `JOIN m a${i} ON a${i}.member = ${sqlString(mm.key)} AND ${same(`a${i}`, 'x')} AND ${prev} AND a${i}.ts <= x.ts`;
      });
      fire = `SELECT DISTINCT x.ts AS fts${g.map((c) => `, x.${c}`).join('')} FROM m x ${joins.join(' ')}`;
    } else {
      const having = s.type === 'value_count' ? `count(DISTINCT b.v) >= ${s.n}` : `count(DISTINCT b.member) >= ${u.members.length}`;
      fire = `SELECT a.ts AS fts${g.map((c) => `, a.${c}`).join('')} FROM m a JOIN m b ON ${same('a', 'b')} AND b.ts > a.ts - ${W} AND b.ts <= a.ts
        GROUP BY a.ts${g.map((c) => `, a.${c}`).join('')} HAVING ${having}`;
    }
    hits = `${m},
    fire AS (${fire}),
    c AS (SELECT DISTINCT e.eventid FROM m e JOIN fire f ON ${same('e', 'f')} AND f.fts >= e.ts AND f.fts < e.ts + ${W})`;
  }
  return `WITH ${hits}
  SELECT * FROM (
    SELECT m.*, row_number() OVER (PARTITION BY m.eventid ORDER BY m.member) AS rn FROM m JOIN c ON m.eventid = c.eventid
  ) t WHERE rn = 1 ORDER BY ts, eventid`;
}

/** Reads fact rows ordered by time, shipped as one JSON text. */
async function readRows(store: Store, pack: Pack, sql: string): Promise<Record<string, unknown>[]> {
  const names = factNames(pack);
  const r = await store.one<{ j: string | null }>(localRowsAsJson(names, 'ts, eventid', sql));
  const arrays = r?.j ? (JSON.parse(r.j) as unknown[][]) : [];
  return arrays.map((a) => Object.fromEntries(names.map((n, i) => [n, a[i] ?? null])));
}

/** A fresh temp table name for one hunt's matches. */
export const matchesTable = () => `vigil_matches_${randomUUID().replaceAll('-', '')}`;

/** Alerts from a table of scan rows (local temp table, whichever engine scanned). */
export async function alertsFromMatches(store: Store, pack: Pack, table: string): Promise<HuntResult> {
  const agg = new AlertAggregator();
  const matches = Number((await store.one<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n ?? 0);
  if (pack.eventUnits.length) {
    const rules = new Map(pack.eventUnits.map((u) => [u.member.key, u.rule]));
    const keys = [...rules.keys()].map(sqlString).join(', ');
    const rows = await readRows(store, pack, `SELECT ${FACT_COLS(pack)} FROM ${table} WHERE member IN (${keys})`);
    for (const r of rows) agg.add(rules.get(r.member as string)!, rowFacts(pack, r));
  }
  for (const u of pack.windowUnits) {
    const rows = await readRows(store, pack, windowSql(pack, u, table));
    for (const r of rows) agg.add(u.rule, rowFacts(pack, r));
  }
  return { alerts: agg.flush(), matches };
}

/** Runs the pack over the local lake. */
export async function hunt(store: Store, pack: Pack, o: HuntOptions = {}): Promise<HuntResult> {
  const table = matchesTable();
  try {
    if (o.perRule) {
      // Naive baseline: each rule on its own, as one would write it by hand: a full scan with its predicate.
      await store.run(`CREATE TEMP TABLE ${table} AS SELECT '' AS member, ${factColumns(pack, duckdb)} FROM ${TABLE} WHERE FALSE`);
      for (const mem of pack.members)
        await store.run(`INSERT INTO ${table} SELECT ${sqlString(mem.key)} AS member, ${factColumns(pack, duckdb)} FROM ${TABLE} WHERE ${localFilter(o)} AND ${compileSql(mem.pred)}`);
    } else await store.run(`CREATE TEMP TABLE ${table} AS ${scanSql(pack, duckdb, localFilter(o))}`);
    return await alertsFromMatches(store, pack, table);
  } finally {
    await store.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  }
}
