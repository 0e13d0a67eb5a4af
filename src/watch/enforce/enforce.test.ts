import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { ConfigSchema, type Config } from '../../config/schema.js';
import type { Alert } from '../../detect/alerts.js';
import { Store } from '../../store/store.js';
import { SimError } from '../../aws/sim/protocols.js';
import { fakeAwsEnv, startFakeAws, type AwsCall } from '../sinks/testing.js';
import { Enforcer, listEnforcement } from './index.js';

const ACCOUNT = '111111111111';
const MALLORY = `arn:aws:iam::${ACCOUNT}:user/mallory`;

interface Perm {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: { CidrIp: string }[];
  Ipv6Ranges?: { CidrIpv6: string }[];
}

/** The IpPermissions of an EC2 query form (`IpPermissions.1.IpRanges.1.CidrIp=...`). */
function formPermissions(body: string): Perm[] {
  const form = new URLSearchParams(body);
  const out: Perm[] = [];
  for (let i = 1; form.has(`IpPermissions.${i}.IpProtocol`); i++) {
    const p = `IpPermissions.${i}`;
    const perm: Perm = { IpProtocol: form.get(`${p}.IpProtocol`)! };
    if (form.has(`${p}.FromPort`)) perm.FromPort = Number(form.get(`${p}.FromPort`));
    if (form.has(`${p}.ToPort`)) perm.ToPort = Number(form.get(`${p}.ToPort`));
    for (let j = 1; form.has(`${p}.IpRanges.${j}.CidrIp`); j++) (perm.IpRanges ??= []).push({ CidrIp: form.get(`${p}.IpRanges.${j}.CidrIp`)! });
    for (let j = 1; form.has(`${p}.Ipv6Ranges.${j}.CidrIpv6`); j++) (perm.Ipv6Ranges ??= []).push({ CidrIpv6: form.get(`${p}.Ipv6Ranges.${j}.CidrIpv6`)! });
    out.push(perm);
  }
  return out;
}

/** AWS state the fake serves and the writes change. */
let groups: Map<string, Perm[]>;
let trails: Map<string, boolean>;
let keys: Map<string, string>;
let bucketPab: Map<string, Record<string, boolean>>;
let aws: Awaited<ReturnType<typeof startFakeAws>>;
let denyDescribe = false;

const WRITES = new Set(['ec2:RevokeSecurityGroupIngress', 'cloudtrail:StartLogging', 'iam:UpdateAccessKey', 's3:PutPublicAccessBlock', 's3control:PutPublicAccessBlock']);
const writes = (): AwsCall[] => aws.calls.filter((c) => WRITES.has(c.name));

beforeAll(async () => {
  fakeAwsEnv();
  aws = await startFakeAws({
    'ec2:DescribeSecurityGroups': (c) => {
      if (denyDescribe) throw new SimError('UnauthorizedOperation', 403, 'You are not authorized to perform this operation.');
      const id = new URLSearchParams(c.body).get('GroupId.1')!;
      return { SecurityGroups: [{ GroupId: id, IpPermissions: groups.get(id) ?? [] }] };
    },
    'ec2:RevokeSecurityGroupIngress': (c) => {
      const id = String(c.input.GroupId);
      const current = groups.get(id) ?? [];
      for (const r of formPermissions(c.body)) {
        const p = current.find((x) => x.IpProtocol === r.IpProtocol && x.FromPort === r.FromPort && x.ToPort === r.ToPort);
        if (!p) throw new SimError('InvalidPermission.NotFound', 400, 'The specified rule does not exist in this security group.');
        p.IpRanges = (p.IpRanges ?? []).filter((x) => !(r.IpRanges ?? []).some((y) => y.CidrIp === x.CidrIp));
        p.Ipv6Ranges = (p.Ipv6Ranges ?? []).filter((x) => !(r.Ipv6Ranges ?? []).some((y) => y.CidrIpv6 === x.CidrIpv6));
      }
      groups.set(id, current.filter((p) => (p.IpRanges?.length ?? 0) + (p.Ipv6Ranges?.length ?? 0) > 0));
      return { Return: true };
    },
    'cloudtrail:GetTrailStatus': (c) => ({ IsLogging: trails.get(String(c.input.Name)) ?? false }),
    'cloudtrail:StartLogging': (c) => (trails.set(String(c.input.Name), true), {}),
    'iam:ListAccessKeys': (c) => ({ AccessKeyMetadata: [...keys].map(([id, status]) => ({ AccessKeyId: id, Status: status, UserName: String(c.input.UserName) })) }),
    'iam:UpdateAccessKey': (c) => (keys.set(String(c.input.AccessKeyId), String(c.input.Status)), {}),
    's3:GetPublicAccessBlock': (c) => {
      const pab = bucketPab.get(String(c.input.Bucket));
      if (!pab) throw new SimError('NoSuchPublicAccessBlockConfiguration', 404, 'The public access block configuration was not found');
      return { PublicAccessBlockConfiguration: pab };
    },
    's3:PutPublicAccessBlock': (c) => {
      const flags = Object.fromEntries([...c.body.matchAll(/<(\w+)>(true|false)<\/\1>/g)].map((m) => [m[1]!, m[2] === 'true']));
      bucketPab.set(String(c.input.Bucket), flags);
      return {};
    },
  });
});
afterAll(() => aws.close());

let store: Store;
beforeEach(async () => {
  aws.calls.length = 0;
  denyDescribe = false;
  groups = new Map([
    [
      'sg-0abc',
      [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '10.0.0.0/8' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '192.168.0.0/16' }] },
      ],
    ],
  ]);
  trails = new Map([['main', false]]);
  keys = new Map([
    ['AKIAEXAMPLENEWKEY001', 'Active'],
    ['AKIAEXAMPLEOLDKEY002', 'Active'],
  ]);
  bucketPab = new Map();
  store?.close();
  store = await Store.open({ path: ':memory:' });
});

function config(enforce: unknown): Config {
  return ConfigSchema.parse({ aws: { endpoint: aws.endpoint, region: 'eu-west-1' }, enforce });
}

function alertFor(rule: string, eventIds: string[]): Alert {
  return {
    id: `alert-${rule}`,
    rule: { id: rule, title: `Rule ${rule}` },
    severity: 'high',
    count: eventIds.length,
    firstSeen: '2026-11-20T10:00:00Z',
    lastSeen: '2026-11-20T10:00:00Z',
    actor: MALLORY,
    account: ACCOUNT,
    region: 'eu-west-1',
    resources: [],
    sourceIps: [],
    eventNames: [],
    eventIds,
    tags: ['attack.persistence'],
    mitre: { tactics: [], techniques: [] },
    dedupKey: {},
  };
}

const base = (eventName: string, extra: Record<string, unknown>) => ({
  eventID: `ev-${eventName}`,
  eventTime: '2026-11-20T10:00:00Z',
  eventName,
  awsRegion: 'eu-west-1',
  recipientAccountId: ACCOUNT,
  userIdentity: { type: 'IAMUser', arn: MALLORY, accountId: ACCOUNT, userName: 'mallory', accessKeyId: 'ASIATEMPORARY' },
  ...extra,
});

const openSsh = base('AuthorizeSecurityGroupIngress', {
  eventSource: 'ec2.amazonaws.com',
  requestParameters: {
    groupId: 'sg-0abc',
    ipPermissions: {
      items: [
        { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }, { cidrIp: '10.0.0.0/8' }] }, ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] } },
        { ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: { items: [{ cidrIp: '192.168.0.0/16' }] } },
      ],
    },
  },
});

const ingressAllow = { actions: [{ rule: 'aws-ec2-sg-*', action: 'revoke-public-ingress' }] };

describe('enforcement', () => {
  it('does nothing at all unless enabled (the default), and only for allowlisted rules', async () => {
    const off = Enforcer.create(store, config(ingressAllow));
    expect(await off.handle(alertFor('aws-ec2-sg-open-to-world', ['x']), [openSsh])).toEqual([]);
    const other = Enforcer.create(store, config({ ...ingressAllow, enabled: true }));
    expect(await other.handle(alertFor('aws-iam-something', ['x']), [openSsh])).toEqual([]);
    expect(aws.calls).toHaveLength(0);
    expect(await listEnforcement(store)).toHaveLength(0);
  });

  it('dry run (enabled, dryRun default): records the before state, performs no write call', async () => {
    const e = Enforcer.create(store, config({ ...ingressAllow, enabled: true }));
    const notices = await e.handle(alertFor('aws-ec2-sg-open-to-world', ['ev']), [openSsh]);
    expect(aws.calls.map((c) => c.name)).toEqual(['ec2:DescribeSecurityGroups']);
    expect(writes()).toHaveLength(0);
    const [row] = await listEnforcement(store);
    expect(row).toMatchObject({ action: 'revoke-public-ingress', target: 'sg-0abc', dry_run: true, outcome: 'dry-run', actor: MALLORY, rule: 'aws-ec2-sg-open-to-world', alert_id: 'alert-aws-ec2-sg-open-to-world' });
    expect(JSON.parse(String(row!.before)).ipPermissions[0].IpRanges).toEqual([{ CidrIp: '0.0.0.0/0' }, { CidrIp: '10.0.0.0/8' }]);
    expect(JSON.parse(String(row!.after))).toBeNull();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: 'enforcement', source: 'revoke-public-ingress', severity: 'high', title: 'Revoke public ingress: sg-0abc' });
    expect(notices[0]!.summary).toContain('dry run, not done');
  });

  it('enabled and not a dry run: exactly the public permissions are revoked and the after state recorded; a replay does nothing', async () => {
    const e = Enforcer.create(store, config({ ...ingressAllow, enabled: true, dryRun: false }));
    const alert = alertFor('aws-ec2-sg-open-to-world', ['ev']);
    const notices = await e.handle(alert, [openSsh, openSsh]);
    expect(writes()).toHaveLength(1);
    expect(writes()[0]!.input.GroupId).toBe('sg-0abc');
    expect(formPermissions(writes()[0]!.body)).toEqual([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }]);
    expect(groups.get('sg-0abc')).toEqual([
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }], Ipv6Ranges: [] },
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '192.168.0.0/16' }] },
    ]);
    const [row] = await listEnforcement(store);
    expect(row).toMatchObject({ outcome: 'applied', dry_run: false, error: null });
    const after = JSON.parse(String(row!.after)) as { ipPermissions: Perm[] };
    expect(after.ipPermissions[0]!.IpRanges).toEqual([{ CidrIp: '10.0.0.0/8' }]);
    expect(notices[0]!.summary).toContain(': done');

    aws.calls.length = 0;
    expect(await e.handle(alert, [openSsh])).toEqual([]);
    expect(aws.calls).toHaveLength(0);
  });

  it('an ingress that is already closed is not revoked again; a read that fails is recorded as an error', async () => {
    groups.set('sg-0abc', [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '192.168.0.0/16' }] }]);
    const e = Enforcer.create(store, config({ ...ingressAllow, enabled: true, dryRun: false }));
    await e.handle(alertFor('aws-ec2-sg-a', ['ev']), [openSsh]);
    expect(writes()).toHaveLength(0);
    denyDescribe = true;
    const notices = await e.handle(alertFor('aws-ec2-sg-b', ['ev']), [openSsh]);
    const rows = Object.fromEntries((await listEnforcement(store)).map((r) => [r.rule, r]));
    expect(rows['aws-ec2-sg-a']).toMatchObject({ outcome: 'not-needed' });
    expect(rows['aws-ec2-sg-b']).toMatchObject({ outcome: 'error', error: expect.stringContaining('not authorized') });
    expect(notices[0]!.summary).toContain('FAILED');
  });

  it('start-logging, deactivate-access-key and put-public-access-block act on their trigger and record after state', async () => {
    const e = Enforcer.create(
      store,
      config({
        enabled: true,
        dryRun: false,
        actions: [
          { rule: 'ct-stop', action: 'start-logging' },
          { rule: 'iam-new-key', action: 'deactivate-access-key' },
          { rule: 's3-*', action: 'put-public-access-block' },
        ],
      }),
    );
    await e.handle(alertFor('ct-stop', ['ev']), [base('StopLogging', { requestParameters: { name: 'main' } })]);
    await e.handle(alertFor('iam-new-key', ['ev']), [
      base('CreateAccessKey', { requestParameters: { userName: 'backdoor' }, responseElements: { accessKey: { accessKeyId: 'AKIAEXAMPLENEWKEY001', userName: 'backdoor', status: 'Active' } } }),
    ]);
    await e.handle(alertFor('s3-bpa-removed', ['ev']), [base('DeleteBucketPublicAccessBlock', { requestParameters: { bucketName: 'logs', publicAccessBlock: '' } })]);
    // A call made with a user's long-term key (a leaked key in use): that key.
    await e.handle(alertFor('iam-new-key', ['ev2']), [base('ListBuckets', { userIdentity: { type: 'IAMUser', arn: MALLORY, userName: 'mallory', accessKeyId: 'AKIAEXAMPLEOLDKEY002' } })]);
    // An ACL granting everyone read.
    await e.handle(alertFor('s3-acl', ['ev']), [
      base('PutBucketAcl', { requestParameters: { bucketName: 'web', AccessControlPolicy: { AccessControlList: { Grant: [{ Grantee: { URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }] } } } }),
    ]);
    // A failed call triggers nothing.
    await e.handle(alertFor('s3-acl', ['ev']), [base('PutBucketAcl', { errorCode: 'AccessDenied', requestParameters: { bucketName: 'other', 'x-amz-acl': ['public-read'] } })]);

    expect(writes().map((c) => c.name)).toEqual(['cloudtrail:StartLogging', 'iam:UpdateAccessKey', 's3:PutPublicAccessBlock', 'iam:UpdateAccessKey', 's3:PutPublicAccessBlock']);
    expect(writes().map((c) => c.input.Bucket ?? c.input.AccessKeyId ?? c.input.Name)).toEqual(['main', 'AKIAEXAMPLENEWKEY001', 'logs', 'AKIAEXAMPLEOLDKEY002', 'web']);
    expect(trails.get('main')).toBe(true);
    expect(keys.get('AKIAEXAMPLENEWKEY001')).toBe('Inactive');
    expect(keys.get('AKIAEXAMPLEOLDKEY002')).toBe('Inactive');
    expect(bucketPab.get('logs')).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const rows = Object.fromEntries((await listEnforcement(store)).filter((r) => r.target !== 'bucket web' && !String(r.target).includes('OLDKEY')).map((r) => [r.action, r]));
    expect(JSON.parse(String(rows['start-logging']!.before))).toMatchObject({ isLogging: false });
    expect(JSON.parse(String(rows['start-logging']!.after))).toMatchObject({ isLogging: true });
    expect(JSON.parse(String(rows['deactivate-access-key']!.after))).toEqual({ userName: 'backdoor', accessKeyId: 'AKIAEXAMPLENEWKEY001', status: 'Inactive' });
    expect(JSON.parse(String(rows['put-public-access-block']!.before))).toEqual({ publicAccessBlock: null });
    expect(rows['put-public-access-block']).toMatchObject({ target: 'bucket logs', outcome: 'applied' });
  });
});
