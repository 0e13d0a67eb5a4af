import { describe, expect, it } from 'vitest';
import { cidrOverlaps, cidrSize, isInternal, isUnblockable, parseCidr } from './cidr.js';
import { credentialReport, parseCredentialReport } from './credreport.js';
import { credReport, credRow } from './fixtures.js';
import { fail, memorySnapshot } from './memory.js';
import { get, getGlobal, globalRegions } from './snapshot.js';
import { CHECKS } from '../checks/index.js';

describe('cidr helpers', () => {
  it('sizes, overlaps and classifies ranges', () => {
    expect(cidrSize(parseCidr('2.2.2.0/21')!)).toBe(2048);
    expect(cidrOverlaps(parseCidr('10.0.0.0/8')!, parseCidr('10.1.2.3/32')!)).toBe(true);
    expect(cidrOverlaps(parseCidr('10.0.0.0/8')!, parseCidr('::/0')!)).toBe(false);
    expect(isInternal(parseCidr('100.64.1.0/24')!)).toBe(true);
    expect(isUnblockable(parseCidr('203.0.113.7/32')!)).toBe(true);
    expect(isUnblockable(parseCidr('8.8.8.8/32')!)).toBe(false);
    expect(parseCidr('nonsense')).toBeUndefined();
  });
});

describe('credential report', () => {
  it('parses quoted CSV and base64 content as the SDK returns it', () => {
    const text = (credReport([credRow('a,b')]) as { Content: string }).Content.replace('a,b', '"a,b"');
    expect(parseCredentialReport(text)[0]!.user).toBe('a,b');
    const snap = memorySnapshot({ calls: { 'us-east-1/iam-get-credential-report': { Content: Buffer.from(text).toString('base64'), GeneratedTime: '2026-01-01T00:00:00Z' } } });
    const rep = credentialReport(snap, '111122223333');
    expect(rep.ok && rep.data.rows[0]!.user).toBe('a,b');
  });
  it('reports unreadable content as a reason, not a crash', () => {
    const snap = memorySnapshot({ calls: { 'us-east-1/iam-get-credential-report': { Content: 'garbage' } } });
    expect(credentialReport(snap, '111122223333').ok).toBe(false);
  });
});

describe('snapshot access', () => {
  it('tells not-found errors from denials', () => {
    const snap = memorySnapshot({ calls: { 'us-east-1/a': fail('error', 'NoSuchBucketPolicy'), 'us-east-1/b': fail() } });
    expect(get(snap, '111122223333', 'us-east-1', 'a')).toMatchObject({ ok: false, notFound: true });
    expect(get(snap, '111122223333', 'us-east-1', 'b')).toMatchObject({ ok: false, notFound: false });
  });
  it('finds global services in the partition home region (GovCloud, China)', () => {
    const gov = memorySnapshot({
      accounts: [{ id: '111122223333', partition: 'aws-us-gov' }],
      calls: { 'us-gov-east-1/x': {}, 'us-gov-west-1/iam-get-account-summary': { SummaryMap: { AccountMFAEnabled: 0 } } },
    });
    expect(globalRegions(gov, '111122223333')[0]).toBe('us-gov-west-1');
    expect(getGlobal(gov, '111122223333', 'iam-get-account-summary').region).toBe('us-gov-west-1');
    const rootMfa = CHECKS.find((c) => c.id === 'iam_root_mfa_enabled')!.run(gov);
    expect(rootMfa).toMatchObject([{ status: 'fail', resource: 'arn:aws-us-gov:iam::111122223333:root', region: 'us-gov-west-1' }]);
  });
  it('audits every account of a multi-account snapshot', () => {
    const snap = memorySnapshot({
      accounts: [{ id: '111111111111' }, { id: '222222222222' }],
      calls: {
        '111111111111:us-east-1/guardduty-list-detectors': { DetectorIds: [] },
        '222222222222:eu-west-1/guardduty-list-detectors': fail(),
      },
    });
    const r = CHECKS.find((c) => c.id === 'guardduty_enabled')!.run(snap);
    expect(r.map((x) => `${x.account}:${x.region}:${x.status}`).sort()).toEqual(['111111111111:us-east-1:fail', '222222222222:eu-west-1:unknown']);
  });
});
