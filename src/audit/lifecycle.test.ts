import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { auditSnapshot, findingId, gatingFindings, nextLifecycle, parseExceptions, type AuditReport, type Finding } from './index.js';
import { thingCheck, thingsSnapshot, type Thing } from './testing.js';

const ACCT = '111111111111';
const arn = (id: string) => `arn:aws:test:us-east-1:${ACCT}:thing/${id}`;
const checks = [thingCheck('thing_good', 'high')];

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-lifecycle-'));
  store = await Store.open({ path: join(dir, 'v.duckdb') });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

let day = 0;
async function audit(things: Thing[], opts: { denied?: string[]; exceptions?: string; now?: string } = {}): Promise<AuditReport> {
  day++;
  const time = `2026-03-0${day}T00:00:00.000Z`;
  return auditSnapshot(store, thingsSnapshot(things, { denied: opts.denied, id: `snap-${day}`, time }), {
    checks,
    exceptions: opts.exceptions ? parseExceptions(JSON.parse(opts.exceptions)) : [],
    now: new Date(opts.now ?? time),
  });
}
const find = (r: AuditReport, id: string): Finding => {
  const f = r.findings.find((x) => x.resource === arn(id));
  if (!f) throw new Error(`no finding for ${id}`);
  return f;
};
beforeEach(() => {
  day = 0;
});

describe('findings lifecycle', () => {
  it('goes new → open → resolved → reopened over successive audits, keeping id and first seen', async () => {
    const a1 = await audit([{ id: 'x', bad: true }, { id: 'ok' }]);
    expect(find(a1, 'x')).toMatchObject({ result: 'fail', status: 'new', change: 'new', firstSeen: '2026-03-01T00:00:00.000Z' });
    expect(find(a1, 'ok')).toMatchObject({ result: 'pass', status: 'resolved' });
    expect(find(a1, 'ok').change).toBeUndefined();
    expect(a1.changes).toEqual({ new: 1, reopened: 0, resolved: 0 });
    expect(a1.audit.previous).toBeUndefined();

    const a2 = await audit([{ id: 'x', bad: true }, { id: 'ok' }]);
    expect(find(a2, 'x')).toMatchObject({ status: 'open', firstSeen: '2026-03-01T00:00:00.000Z', lastSeen: '2026-03-02T00:00:00.000Z' });
    expect(find(a2, 'x').change).toBeUndefined();
    expect(a2.changes).toEqual({ new: 0, reopened: 0, resolved: 0 });
    expect(a2.audit.previous?.id).toBe(a1.audit.id);

    const a3 = await audit([{ id: 'x' }, { id: 'ok' }]);
    expect(find(a3, 'x')).toMatchObject({ result: 'pass', status: 'resolved', change: 'resolved' });
    expect(a3.changes).toEqual({ new: 0, reopened: 0, resolved: 1 });

    const a4 = await audit([{ id: 'x', bad: true }, { id: 'ok', bad: true }]);
    expect(find(a4, 'x')).toMatchObject({ status: 'reopened', change: 'reopened', firstSeen: '2026-03-01T00:00:00.000Z' });
    // Passing until now, failing for the first time: new, not reopened.
    expect(find(a4, 'ok')).toMatchObject({ status: 'new', change: 'new' });
    expect(a4.changes).toEqual({ new: 1, reopened: 1, resolved: 0 });
    expect(find(a4, 'x').id).toBe(find(a1, 'x').id);
    expect(find(a1, 'x').id).toBe(findingId('thing_good', arn('x')));

    const rows = await store.all(`SELECT change, count(*)::INTEGER AS n FROM audit_changes GROUP BY change ORDER BY change`);
    expect(rows).toEqual([
      { change: 'new', n: 2 },
      { change: 'reopened', n: 1 },
      { change: 'resolved', n: 1 },
    ]);
    const audits = await store.all<{ seq: number }>('SELECT seq FROM audits ORDER BY seq');
    expect(audits.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it('resolves a finding whose resource is gone, but never on missing data', async () => {
    await audit([{ id: 'gone', bad: true, name: 'gone-name', tags: { team: 'red' } }, { id: 'stays', bad: true }]);
    // The listing is denied: the check reports unknown, and earlier findings are carried, not resolved.
    const blind = await audit([], { denied: [`${ACCT}/us-east-1`] });
    expect(find(blind, 'gone')).toMatchObject({ result: 'unknown', status: 'open' });
    expect(find(blind, 'gone').change).toBeUndefined();
    expect(blind.changes.resolved).toBe(0);
    const seen = await audit([{ id: 'stays', bad: true }]);
    expect(find(seen, 'gone')).toMatchObject({ result: 'pass', status: 'resolved', change: 'resolved', gone: true, resourceName: 'gone-name', tags: { team: 'red' } });
    expect(find(seen, 'stays')).toMatchObject({ status: 'open' });
    // Resolved and still gone: no longer reported.
    const later = await audit([{ id: 'stays', bad: true }]);
    expect(later.findings.some((f) => f.resource === arn('gone'))).toBe(false);
  });

  it('leaves findings of checks that did not run alone (--only)', async () => {
    const both = [thingCheck('thing_good'), thingCheck('thing_other')];
    await auditSnapshot(store, thingsSnapshot([{ id: 'x', bad: true }]), { checks: both });
    const r = await auditSnapshot(store, thingsSnapshot([]), { checks: both, only: ['thing_good'] });
    expect(r.findings.map((f) => [f.check, f.status])).toEqual([['thing_good', 'resolved']]);
    const row = await store.one<{ state: string }>(`SELECT state FROM findings WHERE check_id = 'thing_other'`);
    expect(row?.state).toBe('new');
  });

  it('mutes with an exception until it expires, then reports it as expired', async () => {
    const exceptions = JSON.stringify({
      exceptions: [{ checks: 'thing_*', resource: 'thing/x$', reason: 'accepted risk', owner: 'sec-team', expires: '2026-03-02' }],
    });
    const a1 = await audit([{ id: 'x', bad: true }, { id: 'y', bad: true }], { exceptions });
    expect(find(a1, 'x')).toMatchObject({ status: 'muted', lifecycle: 'new', muted: { owner: 'sec-team', reason: 'accepted risk', exception: 1 } });
    expect(find(a1, 'y').status).toBe('new');
    expect(a1.changes.new).toBe(1); // the muted one is not announced
    expect(gatingFindings(a1.findings, 'high').map((f) => f.resource)).toEqual([arn('y')]);
    expect(a1.expiredExceptions).toEqual([]);

    // Still live on its last day (a bare date lasts to the end of that day, UTC).
    const a2 = await audit([{ id: 'x', bad: true }, { id: 'y', bad: true }], { exceptions, now: '2026-03-02T23:00:00.000Z' });
    expect(find(a2, 'x').status).toBe('muted');

    const a3 = await audit([{ id: 'x', bad: true }, { id: 'y', bad: true }], { exceptions, now: '2026-03-03T00:00:01.000Z' });
    const x = find(a3, 'x');
    expect(x.status).toBe('open');
    expect(x.muted).toBeUndefined();
    expect(x.exceptionExpired).toMatchObject({ exception: 1, owner: 'sec-team' });
    expect(a3.expiredExceptions).toMatchObject([{ index: 1, owner: 'sec-team', matched: 1 }]);
    expect(gatingFindings(a3.findings, 'high').length).toBe(2);
    expect(gatingFindings(a3.findings, 'critical').length).toBe(0);
  });
});

describe('counting passes instead of listing them', () => {
  it('lists what matters (failing, and passing after a failure) and counts the rest', async () => {
    await auditSnapshot(store, thingsSnapshot([{ id: 'x', bad: true }, { id: 'ok' }]), { checks, keepPasses: false });
    const r = await auditSnapshot(store, thingsSnapshot([{ id: 'x' }, { id: 'ok' }, { id: 'ok2' }, { id: 'bad', bad: true }]), { checks, keepPasses: false });
    expect(r.findings.map((f) => [f.resource.split('/').pop(), f.status]).sort()).toEqual([
      ['bad', 'new'],
      ['x', 'resolved'],
    ]);
    expect(r.unlisted).toEqual({ pass: 2, byAccount: { [ACCT]: 2 } });
    expect(r.changes).toEqual({ new: 1, reopened: 0, resolved: 1 });
  });
});

describe('nextLifecycle', () => {
  it('treats unknown as not passing but never reopens on it without a past failure', () => {
    expect(nextLifecycle(undefined, 'unknown')).toEqual({ state: 'new', change: 'new' });
    expect(nextLifecycle({ state: 'open', everBad: true }, 'unknown')).toEqual({ state: 'open' });
    expect(nextLifecycle({ state: 'resolved', everBad: false }, 'pass')).toEqual({ state: 'resolved' });
    expect(nextLifecycle({ state: 'reopened', everBad: true }, 'pass')).toEqual({ state: 'resolved', change: 'resolved' });
  });
});
