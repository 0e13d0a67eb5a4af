/**
 * Inline rule tests (`vigil rules test`) and the differential check: every test event goes through the live
 * (JS) engine and through the SQL engine over a real lake table, and both must agree with each other and with
 * the test's expected verdict.
 */
import { sqlString, Store } from '../store/store.js';
import { insertRecords } from '../lake/ingest.js';
import { TABLE } from '../lake/schema.js';
import type { Alert } from './alerts.js';
import { compileJs, EventView, FieldSlots } from './engine/js.js';
import { compileSql } from './engine/sql.js';
import { hunt } from './hunt.js';
import { detectRecords } from './live.js';
import { buildPack } from './pack.js';
import type { Rule } from './rule.js';
import type { RuleTest } from './schema.js';

export interface TestOutcome {
  rule: string;
  file: string;
  test: string;
  expected: string;
  live: string;
  sql?: string;
  ok: boolean;
}

const BASE_TIME = Date.parse('2024-01-01T00:00:00Z');

/** Test events get unique ids (tests often reuse one recorded event) and a time when they have none. */
function prepare(events: Record<string, unknown>[], tag: string): Record<string, unknown>[] {
  return events.map((e, i) => ({
    ...e,
    eventID: `${tag}-${i}${typeof e.eventID === 'string' ? '-' + e.eventID : ''}`,
    eventTime: typeof e.eventTime === 'string' ? e.eventTime : new Date(BASE_TIME + i * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  }));
}

const byTime = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a.eventTime).localeCompare(String(b.eventTime));

/** The rule plus the rules a correlation refers to. */
function withMembers(rule: Rule, all: Rule[]): Rule[] {
  if (!rule.refs) return [rule];
  const members = all.filter((r) => rule.refs!.includes(r.id) || (r.name !== undefined && rule.refs!.includes(r.name)));
  return [rule, ...members.map((m) => ({ ...m }))];
}

const alertView = (as: Alert[]) => JSON.stringify(as);

/**
 * Runs every inline test of `rules`. With `sql` (default), each test also runs through the SQL engine in a
 * temporary in-memory lake and must give the same result as the live engine.
 */
export async function runRuleTests(rules: Rule[], opts: { sql?: boolean; all?: Rule[] } = {}): Promise<TestOutcome[]> {
  const all = opts.all ?? rules;
  // Prepare every case first so the SQL side loads all test events into the lake in one batch.
  interface Case {
    rule: Rule;
    test: RuleTest;
    events: Record<string, unknown>[];
  }
  const cases: Case[] = [];
  let n = 0;
  for (const rule of rules)
    for (const test of rule.tests) {
      const tag = `t${n++}`;
      cases.push({ rule, test, events: 'event' in test ? prepare([test.event], tag) : prepare(test.events, tag).sort(byTime) });
    }
  const store = opts.sql === false ? undefined : await Store.open({ path: ':memory:', threads: 1 });
  const out: TestOutcome[] = [];
  try {
    if (store) await insertRecords(store, cases.flatMap((c) => c.events), 'rule-tests');
    const matchers = new Map<Rule, { slots: FieldSlots; match: (e: EventView) => boolean }>();
    for (const { rule, test: t, events } of cases) {
      const base = { rule: rule.id, file: rule.file, test: t.name };
      const ids = events.map((e) => String(e.eventID));
      if ('event' in t) {
        if (!rule.pred) {
          out.push({ ...base, expected: String(t.match), live: 'n/a (correlation rule: use events/alerts)', ok: false });
          continue;
        }
        let m = matchers.get(rule);
        if (!m) {
          const slots = new FieldSlots();
          m = { slots, match: compileJs(rule.pred, slots) };
          matchers.set(rule, m);
        }
        const live = m.match(new EventView(events[0]!, m.slots));
        let sql: boolean | undefined;
        if (store) {
          const rows = await store.all(`SELECT eventid FROM ${TABLE} WHERE eventid = ${sqlString(ids[0]!)} AND ${compileSql(rule.pred)}`);
          sql = rows.length > 0;
        }
        out.push({ ...base, expected: String(t.match), live: String(live), sql: sql === undefined ? undefined : String(sql), ok: live === t.match && (sql === undefined || sql === live) });
      } else {
        const pack = buildPack(withMembers(rule, all).map((r) => ({ ...r })));
        if (pack.failed.length) {
          out.push({ ...base, expected: `${t.alerts} alerts`, live: pack.failed[0]!.error, ok: false });
          continue;
        }
        const own = (as: Alert[]) => as.filter((a) => a.rule.id === rule.id);
        const liveAlerts = own(detectRecords(pack, events));
        const sqlAlerts = store ? own((await hunt(store, pack, { eventIds: ids })).alerts) : undefined;
        const same = sqlAlerts === undefined || alertView(sqlAlerts) === alertView(liveAlerts);
        out.push({
          ...base,
          expected: `${t.alerts} alerts`,
          live: `${liveAlerts.length} alerts`,
          sql: sqlAlerts === undefined ? undefined : same ? `${sqlAlerts.length} alerts` : `${sqlAlerts.length} alerts (differ: ${alertView(sqlAlerts).slice(0, 300)} vs ${alertView(liveAlerts).slice(0, 300)})`,
          ok: liveAlerts.length === t.alerts && same,
        });
      }
    }
  } finally {
    store?.close();
  }
  return out;
}
