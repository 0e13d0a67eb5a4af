import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openCloudMapperDir } from './cloudmapper-dir.js';
import { ERRORS_FILE, quotePlus, unquotePlus } from './layout.js';

/** The recorded CloudMapper collection (BSD-3-Clause, duo-labs/cloudmapper; see ../shared/data/README.md). */
const DEMO = resolve(process.env.VIGIL_CLOUDMAPPER_DEMO ?? 'test/fixtures/cloudmapper-demo');

describe('openCloudMapperDir on the CloudMapper demo (one account folder)', () => {
  const snap = openCloudMapperDir(DEMO);

  it('finds the account from config.json.demo and its region', () => {
    expect(snap.accounts()).toEqual([{ id: '123456789012', name: 'demo', partition: 'aws' }]);
    expect(snap.regions('123456789012')).toEqual(['us-east-1']);
    expect(snap.id).toBe('cloudmapper:cloudmapper-demo');
    expect(Number.isNaN(Date.parse(snap.time))).toBe(false);
  });

  it('reads plain calls as ok with the parsed response', () => {
    const r = snap.call('123456789012', 'us-east-1', 'sts-get-caller-identity');
    expect(r).toEqual({ status: 'ok', data: { Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/cloudmapper', UserId: 'AIDAZQNB3KHGNNOGLALKU' } });
    const auth = snap.call('123456789012', 'us-east-1', 'iam-get-account-authorization-details');
    expect(auth?.status).toBe('ok');
    expect(Array.isArray((auth as { data: { UserDetailList: unknown[] } }).data.UserDetailList)).toBe(true);
  });

  it('lists and reads parameterised calls by decoded parameter, nested ones joined by /', () => {
    expect(snap.params('123456789012', 'us-east-1', 's3-get-bucket-policy')).toEqual(['cloudmapper_demo']);
    const pol = snap.call('123456789012', 'us-east-1', 's3-get-bucket-policy', 'cloudmapper_demo');
    expect(pol?.status).toBe('ok');
    expect(String((pol as { data: { Policy: string } }).data.Policy)).toContain('PublicReadGetObject');
    expect(snap.params('123456789012', 'us-east-1', 'sns-get-topic-attributes')).toEqual([
      'arn:aws:sns:us-east-1:123456789012:demo_private',
      'arn:aws:sns:us-east-1:123456789012:demo_public',
    ]);
    const [task] = snap.params('123456789012', 'us-east-1', 'ecs-describe-tasks');
    expect(task).toBe(
      'arn:aws:ecs:us-east-1:123456789012:cluster/myecs/arn:aws:ecs:us-east-1:123456789012:task/d190d14a-2404-45d6-9113-4eda22d7f2c7',
    );
    expect(snap.call('123456789012', 'us-east-1', 'ecs-describe-tasks', task)?.status).toBe('ok');
  });

  it('says undefined (never collected) for missing calls, regions, accounts and parameters', () => {
    expect(snap.call('123456789012', 'us-east-1', 'kms-list-keys')).toBeUndefined();
    expect(snap.call('123456789012', 'eu-west-1', 'ec2-describe-instances')).toBeUndefined();
    expect(snap.call('999999999999', 'us-east-1', 'ec2-describe-instances')).toBeUndefined();
    expect(snap.call('123456789012', 'us-east-1', 's3-get-bucket-policy', 'other-bucket')).toBeUndefined();
    expect(snap.params('123456789012', 'us-east-1', 'kms-get-key-policy')).toEqual([]);
  });

  it("answers the canonical Access Analyzer name from CloudMapper's misspelt file", () => {
    expect(snap.call('123456789012', 'us-east-1', 'accessanalyzer-list-analyzers')?.status).toBe('ok');
  });
});

describe('openCloudMapperDir on a collection with account-data/ and vigil error records', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-cmdir-'));
    const acct = join(dir, 'account-data', 'prod');
    cpSync(join(DEMO, 'us-east-1'), join(acct, 'us-east-1'), { recursive: true });
    mkdirSync(join(acct, 'us-gov-west-1'), { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ accounts: [{ id: '111122223333', name: 'prod' }] }));
    writeFileSync(
      join(acct, 'us-east-1', ERRORS_FILE),
      JSON.stringify({
        'kms-list-keys': { status: 'denied', error: 'AccessDeniedException: explicit deny in a service control policy' },
        [`s3-get-bucket-policy/${quotePlus('secret bucket/x')}`]: { status: 'error', error: 'NoSuchBucketPolicy' },
      }),
    );
    writeFileSync(join(acct, 'us-east-1', 'broken.json'), '{not json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names accounts from config.json and keeps the error status of failed calls', () => {
    const snap = openCloudMapperDir(dir);
    expect(snap.accounts()).toEqual([{ id: '111122223333', name: 'prod', partition: 'aws' }]);
    expect(snap.regions('111122223333')).toEqual(['us-east-1', 'us-gov-west-1']);
    expect(snap.call('111122223333', 'us-east-1', 'kms-list-keys')).toEqual({
      status: 'denied',
      error: 'AccessDeniedException: explicit deny in a service control policy',
    });
    expect(snap.params('111122223333', 'us-east-1', 's3-get-bucket-policy')).toEqual(['cloudmapper_demo', 'secret bucket/x']);
    expect(snap.call('111122223333', 'us-east-1', 's3-get-bucket-policy', 'secret bucket/x')).toEqual({ status: 'error', error: 'NoSuchBucketPolicy' });
    expect(snap.call('111122223333', 'us-east-1', 'broken')?.status).toBe('error');
  });

  it('falls back to STS for the account id and rejects a folder that is no collection', () => {
    rmSync(join(dir, 'config.json'));
    expect(openCloudMapperDir(dir).accounts()[0]).toMatchObject({ id: '123456789012', name: 'prod' });
    const empty = mkdtempSync(join(tmpdir(), 'vigil-cmdir-empty-'));
    expect(() => openCloudMapperDir(empty)).toThrow(/not a CloudMapper collection/);
    rmSync(empty, { recursive: true });
  });
});

describe('quotePlus', () => {
  it("encodes like Python's quote_plus and round-trips", () => {
    expect(quotePlus('arn:aws:sns:us-east-1:1:t/x y')).toBe('arn%3Aaws%3Asns%3Aus-east-1%3A1%3At%2Fx+y');
    expect(quotePlus("a!b'c(d)*é~")).toBe('a%21b%27c%28d%29%2A%C3%A9~');
    for (const s of ['https://queue.amazonaws.com/1/demo', 'a+b c', 'é']) expect(unquotePlus(quotePlus(s))).toBe(s);
  });
});
