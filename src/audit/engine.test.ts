import { describe, expect, it } from 'vitest';
import { forEachCheck, runAudit, selectChecks } from './engine.js';
import { thingCheck, thingsSnapshot } from './testing.js';
import type { Check } from './check.js';
import { UsageError } from '../util/errors.js';

const snap = thingsSnapshot([{ id: 'a', bad: true }, { id: 'b' }], { accounts: ['111111111111', '222222222222'] });

describe('runAudit', () => {
  it('runs every check and tags results with the check id', async () => {
    const run = await runAudit(snap, { checks: [thingCheck('thing_good'), thingCheck('other_good')] });
    expect(run.checks.map((c) => c.id)).toEqual(['thing_good', 'other_good']);
    const mine = run.results.filter((r) => r.check === 'thing_good');
    expect(mine.map((r) => [r.account, r.status]).sort()).toEqual([
      ['111111111111', 'fail'],
      ['111111111111', 'pass'],
    ]);
    // Account 2 has no things: an empty listing, so no results at all (and no false pass).
    expect(mine.filter((r) => r.account === '222222222222')).toEqual([]);
    expect(run.errors).toEqual([]);
  });

  it('turns a check that throws into unknown results for every account, and keeps going', async () => {
    const boom: Check = { ...thingCheck('boom_check'), run: () => { throw new Error('kaboom\nstack'); } };
    const run = await runAudit(snap, { checks: [boom, thingCheck('thing_good')] });
    expect(run.errors).toEqual([{ check: 'boom_check', error: 'kaboom stack' }]);
    const unknown = run.results.filter((r) => r.check === 'boom_check');
    expect(unknown.map((r) => [r.account, r.status])).toEqual([
      ['111111111111', 'unknown'],
      ['222222222222', 'unknown'],
    ]);
    expect(unknown[0]!.reason).toContain('kaboom');
    expect(run.results.some((r) => r.check === 'thing_good' && r.status === 'fail')).toBe(true);
  });

  it('drops what a check emitted before it threw, and blames the sink, not the check, for the sink\'s errors', async () => {
    const result = { resource: 'arn:aws:test:us-east-1:111111111111:thing/z', account: '111111111111', region: 'us-east-1', status: 'pass' as const, reason: 'fine' };
    const half: Check = { ...thingCheck('half_check'), run: (_s, emit) => { emit?.({ ...result }); throw new Error('then broke'); } };
    const run = await runAudit(snap, { checks: [thingCheck('thing_good'), half] });
    expect(run.results.filter((r) => r.check === 'half_check').map((r) => r.status)).toEqual(['unknown', 'unknown']);
    expect(run.results.filter((r) => r.check === 'thing_good').length).toBe(2);

    const streaming: Check = { ...thingCheck('emit_check'), run: (_s, emit) => { emit?.({ ...result }); return []; } };
    const sink = { begin: () => {}, discard: () => {}, add: () => { throw new Error('sink broke'); } };
    expect(() => forEachCheck(snap, [streaming], sink)).toThrow('sink broke');
    const swallowing: Check = { ...thingCheck('quiet_check'), run: (_s, emit) => { try { emit?.({ ...result }); } catch { /* a check that hides errors */ } return []; } };
    expect(() => forEachCheck(snap, [swallowing], sink)).toThrow('sink broke');
  });

  it('never lets a malformed status pass', async () => {
    const odd: Check = { ...thingCheck('odd_check'), run: () => [{ resource: 'x', account: '1', region: 'r', status: 'ok' as never, reason: 'hm' }] };
    const run = await runAudit(snap, { checks: [odd] });
    expect(run.results[0]!.status).toBe('unknown');
    const notList: Check = { ...thingCheck('null_check'), run: () => null as never };
    expect((await runAudit(snap, { checks: [notList] })).errors[0]!.error).toContain('not a list');
  });

  it('selects checks by id or glob and rejects a selector that matches nothing', () => {
    const checks = [thingCheck('iam_a_b'), thingCheck('iam_c_d'), thingCheck('s3_x_y')];
    expect(selectChecks(checks, ['iam_*']).map((c) => c.id)).toEqual(['iam_a_b', 'iam_c_d']);
    expect(selectChecks(checks, ['s3_x_y', 'iam_c_d']).map((c) => c.id)).toEqual(['iam_c_d', 's3_x_y']);
    expect(selectChecks(checks, []).length).toBe(3);
    expect(() => selectChecks(checks, ['ec2_*'])).toThrow(UsageError);
  });

  it('refuses two checks with one id', async () => {
    await expect(runAudit(snap, { checks: [thingCheck('dup_id'), thingCheck('dup_id')] })).rejects.toThrow(/dup_id/);
  });
});
