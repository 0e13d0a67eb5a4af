/** An audit report with attacker-controlled names and tags, for the renderers' tests (no store needed). */
import { runAudit } from '../audit/engine.js';
import { parseExceptions } from '../audit/exceptions.js';
import { buildFindings, countChanges, findingId, type PriorFinding } from '../audit/findings.js';
import { thingCheck, thingsSnapshot } from '../audit/testing.js';
import type { AuditReport } from '../audit/types.js';

export const HOSTILE = [
  `<script>window.__pwned=1;alert('xss')</script>`,
  `"><img src=x onerror="window.__pwned=1">`,
  `javascript:window.__pwned=1`,
  `'"\u2028</script><script>window.__pwned=1</script><!--`,
  `{{constructor.constructor('window.__pwned=1')()}} & =cmd|' /C calc'!A0`,
];
export const HOSTILE_TAGS = { '<b onmouseover=window.__pwned=1>k</b>': `"><svg onload=window.__pwned=1>`, url: 'javascript:alert(1)' };

export async function hostileReport(): Promise<AuditReport> {
  const accounts = ['111111111111', '222222222222'];
  const things = [
    ...HOSTILE.map((name, i) => ({ id: `h${i}`, name, bad: true, tags: HOSTILE_TAGS })),
    { id: 'muted', name: 'accepted-thing', bad: true },
    { id: 'good', name: 'good-thing' },
    { id: 'other', name: 'other-account-thing', bad: true, account: accounts[1] },
  ];
  const snap = thingsSnapshot(things, { accounts, id: 'snap-hostile', time: '2026-04-02T00:00:00.000Z' });
  const run = await runAudit(snap, { checks: [thingCheck('thing_good', 'critical'), thingCheck('gadget_fine', 'low')] });
  // One finding resolved since a previous audit, another carried as open.
  const resolvedArn = 'arn:aws:test:us-east-1:111111111111:thing/fixed';
  const prior = new Map<string, PriorFinding>();
  const addPrior = (check: string, resource: string, state: PriorFinding['state']) =>
    prior.set(findingId(check, resource), { id: findingId(check, resource), check, resource, account: accounts[0]!, region: 'us-east-1', state, everBad: true, firstSeen: '2026-04-01T00:00:00.000Z' });
  addPrior('thing_good', resolvedArn, 'open');
  addPrior('thing_good', 'arn:aws:test:us-east-1:111111111111:thing/h1', 'open');
  const exceptions = parseExceptions([
    { checks: 'thing_*', resource: 'thing/muted$', reason: 'accepted <b>risk</b>', owner: 'sec"team', expires: '2030-01-01' },
    { checks: 'gadget_*', resource: 'thing/muted$', reason: 'old', owner: 'ops', expires: '2020-01-01' },
  ]);
  const { findings, expired } = buildFindings(run, prior, { exceptions, now: new Date('2026-04-02T00:00:00.000Z') });
  return {
    audit: {
      id: 'audit-2',
      time: '2026-04-02T01:00:00.000Z',
      snapshotId: run.snapshotId,
      snapshotTime: run.snapshotTime,
      accounts,
      previous: { id: 'audit-1', time: '2026-04-01T01:00:00.000Z', snapshotId: 'snap-1' },
    },
    checks: run.checks,
    findings,
    changes: countChanges(findings),
    expiredExceptions: expired,
    errors: run.errors,
  };
}
