/**
 * Results streamed to the findings one at a time (what the engine does with checks built on `Results`) must give
 * exactly what folding each check's whole list did: same findings, same lifecycle, same stored rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import type { Check, CheckMeta, CheckResult } from './check.js';
import { auditSnapshot, parseExceptions, type AuditReport } from './index.js';
import { itemCheck, verdict } from './lib/factories.js';
import { THINGS_CALL, thingsSnapshot, type Thing } from './testing.js';

const ACCT = '111111111111';
const OTHER = '222222222222';

const meta = (id: string): CheckMeta => ({
  id,
  title: `Things are good (${id})`,
  severity: 'high',
  service: 'thing',
  resourceType: 'Other',
  description: 'Every thing must be good.',
  risk: 'A bad thing is bad.',
  remediation: { console: 'Make the thing good.' },
  references: [],
  compliance: {},
});

/** A check on the shared factories, so its results go through `Results` (streamed when the engine asks). */
function streamingCheck(id: string): Check {
  return itemCheck(
    meta(id),
    { call: THINGS_CALL, items: (d) => d as Thing[], id: (t, w) => `arn:aws:test:${w.region}:${w.account}:thing/${t.id}`, name: (t) => t.name, tags: (t) => t.tags },
    (t) => verdict(!!t.bad, `thing ${t.id} is bad`, `thing ${t.id} is good`),
  );
}

/** The same check made to hand back its whole list (the engine then folds it in one go). */
const wholeList = (c: Check): Check => ({ ...c, run: (snap) => c.run(snap) });

/** Emits what a check would, then throws part way (after a fail, an unknown and passes). */
function throwingCheck(id: string): Check {
  const inner = streamingCheck(id);
  return {
    ...inner,
    run(snap, emit) {
      const results = inner.run(snap);
      for (const r of results.slice(0, 3)) emit?.(r);
      throw new Error('broke halfway');
    },
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-findings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const EXCEPTIONS = parseExceptions([
  { checks: 'thing_*', resource: 'thing/m$', reason: 'accepted', owner: 'sec', expires: '2026-03-02' },
  { checks: 'thing_*', tags: { team: 'red' }, reason: 'red team', owner: 'sec' },
]);

/** Four audits: new → open → resolved (and gone) → reopened, with a denied region, names, tags and exceptions. */
const DAYS: { things: Thing[]; denied?: string[] }[] = [
  { things: [{ id: 'x', bad: true, name: 'x-name' }, { id: 'ok' }, { id: 'm', bad: true }, { id: 'r', bad: true, tags: { team: 'red' } }, { id: 'y', bad: true, account: OTHER }, { id: 'gone', bad: true, account: OTHER }] },
  { things: [{ id: 'x', bad: true, name: 'x-name' }, { id: 'ok' }, { id: 'm', bad: true }, { id: 'r', bad: true, tags: { team: 'red' } }], denied: [`${OTHER}/us-east-1`] },
  { things: [{ id: 'x' }, { id: 'ok' }, { id: 'm', bad: true }, { id: 'r', tags: { team: 'red' } }, { id: 'y', bad: true, account: OTHER }] },
  { things: [{ id: 'x', bad: true }, { id: 'ok', bad: true }, { id: 'm', bad: true }, { id: 'r', bad: true, tags: { team: 'red' } }, { id: 'y', account: OTHER }] },
];

/** Runs the four audits into a fresh store; returns each report and the stored findings and changes at the end. */
async function audits(checks: Check[], keepPasses: boolean) {
  const store = await Store.open({ path: join(dir, `${Math.random().toString(36).slice(2)}.duckdb`) });
  try {
    const reports: AuditReport[] = [];
    for (const [i, day] of DAYS.entries()) {
      const time = `2026-03-0${i + 1}T12:00:00.000Z`;
      const snap = thingsSnapshot(day.things, { accounts: [ACCT, OTHER], denied: day.denied, id: `snap-${i}`, time });
      reports.push(await auditSnapshot(store, snap, { checks, exceptions: EXCEPTIONS, now: new Date(time), keepPasses }));
    }
    const findings = await store.all(
      `SELECT id, check_id, resource, account, region, resource_name, tags::VARCHAR AS tags, severity, result, state, muted::VARCHAR AS muted,
              reason, first_seen::VARCHAR AS first_seen, last_seen::VARCHAR AS last_seen, ever_bad FROM findings ORDER BY id`,
    );
    const changes = await store.all(
      `SELECT a.seq, c.finding_id, c.change, c.result, c.muted FROM audit_changes c JOIN audits a ON a.id = c.audit_id ORDER BY a.seq, c.finding_id, c.change`,
    );
    const counts = await store.all('SELECT seq, results, pass, fail, unknown, muted, new, reopened, resolved, errors::VARCHAR AS errors FROM audits ORDER BY seq');
    return { reports, findings, changes, counts };
  } finally {
    store.close();
  }
}

/** A report without what differs between any two runs (the audit's random id and the timings). */
function comparable(r: AuditReport) {
  const { audit, timings: _t, ...rest } = r;
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  return { ...rest, audit: { ...audit, id: undefined, previous: audit.previous ? { ...audit.previous, id: undefined } : undefined }, findings: [...r.findings].sort(byId) };
}

describe('streamed results', () => {
  it('a check on Results hands every result to emit and returns none', () => {
    const check = streamingCheck('thing_good');
    const snap = thingsSnapshot(DAYS[0]!.things, { accounts: [ACCT, OTHER] });
    const whole = check.run(snap);
    const emitted: CheckResult[] = [];
    expect(check.run(snap, (r) => emitted.push(r))).toEqual([]);
    expect(emitted).toEqual(whole);
    expect(whole.map((r) => r.status).sort()).toEqual(['fail', 'fail', 'fail', 'fail', 'fail', 'pass']);
  });

  for (const keepPasses of [true, false]) {
    it(`give the same findings, lifecycle and stored rows as whole lists (keepPasses: ${keepPasses})`, async () => {
      const checks = [streamingCheck('thing_good'), streamingCheck('thing_other')];
      const streamed = await audits(checks, keepPasses);
      const whole = await audits(checks.map(wholeList), keepPasses);
      expect(streamed.reports.map(comparable)).toEqual(whole.reports.map(comparable));
      expect(streamed.findings).toEqual(whole.findings);
      expect(streamed.changes).toEqual(whole.changes);
      expect(streamed.counts).toEqual(whole.counts);
      // The lifecycle really ran: new, then open, resolved (one gone), then reopened and muted until expiry.
      const x = (r: AuditReport) => r.findings.find((f) => f.check === 'thing_good' && f.resource.endsWith('/x'));
      expect(streamed.reports.map((r) => x(r)?.status)).toEqual(['new', 'open', 'resolved', 'reopened']);
      expect(streamed.reports[2]!.findings.find((f) => f.check === 'thing_good' && f.resource.endsWith('/gone'))).toMatchObject({ gone: true, change: 'resolved' });
      expect(streamed.reports[1]!.findings.find((f) => f.check === 'thing_good' && f.resource.endsWith('/y'))).toMatchObject({ result: 'unknown', status: 'open' });
      expect(streamed.reports.map((r) => r.findings.find((f) => f.check === 'thing_good' && f.resource.endsWith('/m'))?.status)).toEqual(['muted', 'muted', 'open', 'open']);
      expect(streamed.reports[0]!.changes).toEqual({ new: 6, reopened: 0, resolved: 0 });
      if (!keepPasses) expect(streamed.reports[0]!.unlisted).toEqual({ pass: 2, byAccount: { [ACCT]: 2 } });
    });
  }

  it('forget what a check yielded before it threw: unknown per account, earlier findings carried, passes not counted', async () => {
    const store = await Store.open({ path: join(dir, 'throw.duckdb') });
    try {
      const snap = (things: Thing[], i: number) => thingsSnapshot(things, { accounts: [ACCT, OTHER], id: `s${i}`, time: `2026-03-0${i}T00:00:00.000Z` });
      const things: Thing[] = [{ id: 'a', bad: true }, { id: 'b' }, { id: 'c' }, { id: 'd', bad: true }];
      await auditSnapshot(store, snap(things, 1), { checks: [streamingCheck('thing_good')], keepPasses: false });
      // Now the check yields a pass for `a` (which would resolve it), passes for b and c, then throws.
      const fixed: Thing[] = things.map((t) => ({ ...t, bad: false }));
      const r = await auditSnapshot(store, snap(fixed, 2), { checks: [throwingCheck('thing_good'), streamingCheck('thing_other')], keepPasses: false });
      expect(r.errors).toEqual([{ check: 'thing_good', error: 'broke halfway' }]);
      const mine = r.findings.filter((f) => f.check === 'thing_good');
      expect(mine.filter((f) => f.resource.startsWith('arn:aws:::')).map((f) => [f.account, f.result])).toEqual([
        [ACCT, 'unknown'],
        [OTHER, 'unknown'],
      ]);
      // a and d were failing: the check could not finish, so they are carried open, never resolved.
      expect(mine.filter((f) => f.resource.includes('thing/')).map((f) => [f.resource.split('/').pop(), f.result, f.status]).sort()).toEqual([
        ['a', 'unknown', 'open'],
        ['d', 'unknown', 'open'],
      ]);
      expect(r.changes.resolved).toBe(0);
      // Only the other check's four passes are counted, none of the broken check's.
      expect(r.unlisted).toEqual({ pass: 4, byAccount: { [ACCT]: 4 } });
      const stored = await store.all<{ state: string }>(`SELECT state FROM findings WHERE check_id = 'thing_good' AND resource LIKE '%thing/%' ORDER BY resource`);
      expect(stored.map((s) => s.state)).toEqual(['open', 'open']);
    } finally {
      store.close();
    }
  });
});
