import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Store } from '../store/store.js';
import '../lake/schema.js';
import { insertRecords } from '../lake/ingest.js';
import { loadCatalog } from '../iam/catalog.js';
import { decide } from '../iam/evaluate.js';
import { parsePolicy } from '../iam/policy.js';
import type { SnapshotReader } from '../snapshot/types.js';
import { loadGranted, type Granted } from './granted.js';
import { reviewPrincipal, type ActionStatus, type ReviewRequest } from './review.js';
import { generatePolicy, MANAGED_POLICY_MAX_CHARS, packDocuments, statementsFor } from './policygen.js';
import { accessReport } from './report.js';
import { assume, authDetails, event, type Who } from './testing.js';
import { run } from '../cli/main.js';

const A = '111111111111';
const B = '222222222222';
const SSO_ROLE = 'AWSReservedSSO_ReadOnly_0123456789abcdef';
const since = new Date('2026-02-01T00:00:00Z');
const window = { since };

const user = (name: string, key: string): Who => ({ type: 'IAMUser', account: A, name, key });
const session = (account: string, role: string, s: string, key: string, sourceIdentity?: string): Who => ({ type: 'AssumedRole', account, role, session: s, key, sourceIdentity });

const alice = user('alice', 'AKIAALICE0000000');
const aliceAdmin = session(B, 'admin', 'alice-cli', 'ASIAALICEADM1');
const bob = user('bob', 'AKIABOB000000000');
const carol = user('carol', 'AKIACAROL0000000');
const erin = user('erin', 'AKIAERIN00000000');
const dave: Who = { type: 'SAMLUser', account: B, name: 'dave@corp.example' };

const records = [
  // alice, as herself
  event(alice, 's3.amazonaws.com', 'ListBuckets'),
  event(alice, 's3.amazonaws.com', 'GetObject', { data: true, resources: [{ ARN: 'arn:aws:s3:::data-a/report.csv', type: 'AWS::S3::Object' }, { ARN: 'arn:aws:s3:::data-a', type: 'AWS::S3::Bucket' }] }),
  event(alice, 's3.amazonaws.com', 'GetObject', { data: true, resources: [{ ARN: 'arn:aws:s3:::data-a/other.csv', type: 'AWS::S3::Object' }, { ARN: 'arn:aws:s3:::data-a', type: 'AWS::S3::Bucket' }] }),
  event(alice, 'lambda.amazonaws.com', 'GetFunction20150331v2'),
  event(alice, 'monitoring.amazonaws.com', 'DescribeAlarms'),
  event(alice, 'ec2.amazonaws.com', 'DescribeInstances'),
  event(alice, 'iam.amazonaws.com', 'ListUsers', { error: 'AccessDenied' }),
  event(alice, 'sqs.amazonaws.com', 'ListQueues'),
  event({ ...alice, key: 'AKIAALICEOLD0000' }, 'ec2.amazonaws.com', 'DescribeRegions', { time: '2025-12-01T09:00:00Z' }),
  // alice as admin in B (cross-account), then chained into deploy
  ...assume(alice, B, 'admin', 'alice-cli', 'ASIAALICEADM1'),
  event(aliceAdmin, 'ec2.amazonaws.com', 'RunInstances'),
  event(aliceAdmin, 'iam.amazonaws.com', 'CreateUser'),
  ...assume(aliceAdmin, B, 'deploy', 'alice-deploy', 'ASIAALICEDEP1'),
  event(session(B, 'deploy', 'alice-deploy', 'ASIAALICEDEP1'), 'cloudformation.amazonaws.com', 'CreateStack'),
  // bob as admin: a single call
  ...assume(bob, B, 'admin', 'bob-cli', 'ASIABOBADM1'),
  event(session(B, 'admin', 'bob-cli', 'ASIABOBADM1'), 's3.amazonaws.com', 'ListBuckets'),
  // carol in ops (same account)
  ...assume(carol, A, 'ops', 'carol', 'ASIACAROLOPS'),
  event(session(A, 'ops', 'carol', 'ASIACAROLOPS'), 'ec2.amazonaws.com', 'StopInstances'),
  // erin in ops with a sourceIdentity; one of her sessions' AssumeRole is not in the lake
  ...assume(erin, A, 'ops', 'erin', 'ASIAERINOPS', { sourceIdentity: 'erin' }),
  event(session(A, 'ops', 'erin', 'ASIAERINOPS', 'erin'), 'ec2.amazonaws.com', 'StartInstances'),
  event(session(A, 'ops', 'erin2', 'ASIAUNSEEN', 'erin'), 'ec2.amazonaws.com', 'DescribeInstances'),
  // dave through IAM Identity Center
  ...assume(dave, B, SSO_ROLE, 'dave@corp.example', 'ASIADAVE', { via: 'AssumeRoleWithSAML' }),
  event(session(B, SSO_ROLE, 'dave@corp.example', 'ASIADAVE'), 'ec2.amazonaws.com', 'DescribeVpcs'),
];

const iamA = authDetails(A, {
  users: [
    {
      name: 'alice',
      statements: [
        { Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 's3:GetObject', 's3:PutObject'], Resource: '*' },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::data-a' },
        { Effect: 'Allow', Action: ['lambda:GetFunction', 'lambda:InvokeFunction', 'cloudwatch:Describe*', 'sts:AssumeRole', 'iam:PassRole', 'iam:ListUsers'], Resource: '*' },
        { Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } },
        { Effect: 'Deny', Action: 'iam:List*', Resource: '*' },
      ],
    },
    { name: 'bob', statements: [{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }] },
    { name: 'carol', groups: ['devs'], boundary: 'dev-boundary', statements: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
    { name: 'erin', statements: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] },
    { name: 'idle', statements: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] },
  ],
  groups: [{ name: 'devs', statements: [{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: '*' }] }],
  roles: [{ name: 'ops', statements: [{ Effect: 'Allow', Action: ['ec2:StopInstances', 'ec2:StartInstances', 'ec2:DescribeInstances', 'ec2:RebootInstances'], Resource: '*' }] }],
  policies: [{ name: 'dev-boundary', statements: [{ Effect: 'Allow', Action: ['ec2:Describe*', 'sts:AssumeRole'], Resource: '*' }] }],
});
const iamB = authDetails(B, {
  roles: [
    { name: 'admin', statements: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
    { name: 'deploy', statements: [{ Effect: 'Allow', Action: 'cloudformation:*', Resource: '*' }] },
    { name: SSO_ROLE, statements: [{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }] },
    { name: 'unused-role', statements: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
  ],
});

let dir: string;
let db: string;
let files: { a: string; b: string };
let store: Store;
let granted: Granted;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-access-'));
  db = join(dir, 'vigil.duckdb');
  files = { a: join(dir, 'iam-a.json'), b: join(dir, 'iam-b.json') };
  writeFileSync(files.a, JSON.stringify(iamA));
  writeFileSync(files.b, JSON.stringify(iamB));
  const w = await Store.open({ path: db });
  await insertRecords(w, records);
  w.close();
  store = await Store.open({ path: db, readOnly: true });
  granted = await loadGranted({ iamFiles: [files.a, files.b] });
}, 60_000);

afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const review = (req: Omit<ReviewRequest, 'window'>, g = granted) => reviewPrincipal(store, g, { ...req, window });
const statusOf = (actions: ActionStatus[], action: string) => actions.find((a) => a.action === action)?.status;
const used = (actions: ActionStatus[]) => actions.filter((a) => a.status === 'used').map((a) => a.action).sort();

describe('granted versus used for a user', () => {
  it('marks used, unused, unknown and used-not-granted, with irregular event names mapped', async () => {
    const r = await review({ user: 'alice' });
    const s = (a: string) => statusOf(r.actions, a);
    expect(s('s3:ListAllMyBuckets')).toBe('used'); // ListBuckets
    expect(s('s3:GetObject')).toBe('used');
    expect(s('lambda:GetFunction')).toBe('used'); // GetFunction20150331v2
    expect(s('cloudwatch:DescribeAlarms')).toBe('used'); // monitoring.amazonaws.com
    expect(s('cloudwatch:DescribeAlarmHistory')).toBe('unused'); // from the wildcard
    expect(s('s3:PutObject')).toBe('unused'); // S3 data events are in the lake for this account
    expect(s('sqs:ListQueues')).toBe('used-not-granted');
    expect(s('sts:AssumeRole')).toBe('used');
  });

  it('unknown, not unused, for actions CloudTrail does not record or data events the trails do not log', async () => {
    const r = await review({ user: 'alice' });
    expect(statusOf(r.actions, 'iam:PassRole')).toBe('unknown');
    expect(statusOf(r.actions, 'lambda:InvokeFunction')).toBe('unknown');
    // With the snapshot's event selectors logging Lambda data events, it becomes unused.
    const snapshot = fakeSnapshot(A, { EventSelectors: [{ ReadWriteType: 'All', DataResources: [{ Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda'] }] }] });
    const r2 = await review({ user: 'alice' }, { ...granted, snapshot });
    expect(statusOf(r2.actions, 'lambda:InvokeFunction')).toBe('unused');
  });

  it('Deny removes a grant; a denied call is a failed attempt, not a use', async () => {
    const r = await review({ user: 'alice' });
    expect(statusOf(r.actions, 'iam:ListUsers')).toBeUndefined();
    expect(r.failed).toEqual([expect.objectContaining({ action: 'iam:ListUsers', errorCode: 'AccessDenied', count: 1 })]);
  });

  it('conditions show as conditional grants', async () => {
    const r = await review({ user: 'alice' });
    const run = r.actions.find((a) => a.action === 'ec2:RunInstances')!;
    expect(run).toMatchObject({ status: 'unused', conditional: true });
    expect(r.actions.find((a) => a.action === 'ec2:DescribeInstances')).toMatchObject({ status: 'used', conditional: true });
    expect(r.actions.find((a) => a.action === 's3:GetObject')!.conditional).toBeUndefined();
  });

  it('NotAction grants everything but the listed services; a permissions boundary caps the grant', async () => {
    const bobR = await review({ user: 'bob' });
    expect(statusOf(bobR.actions, 'ec2:RunInstances')).toBe('unused');
    expect(bobR.actions.some((a) => a.action.startsWith('iam:'))).toBe(false);
    const carolR = await review({ user: 'carol' });
    const granted = carolR.actions.filter((a) => a.status !== 'used-not-granted').map((a) => a.action);
    expect(granted).toContain('ec2:DescribeInstances');
    expect(granted).toContain('sts:AssumeRole');
    expect(granted).not.toContain('ec2:RunInstances');
    expect(granted).not.toContain('ssm:GetParameter'); // the group grants it, the boundary does not
  });
});

describe('role sessions', () => {
  it('separates what alice did as admin from what bob did, across accounts', async () => {
    const a = await review({ user: 'alice', destrole: 'admin', destaccount: B });
    expect(a.principal.arn).toBe(`arn:aws:iam::${B}:role/admin`);
    expect(used(a.actions)).toEqual(['ec2:RunInstances', 'iam:CreateUser', 'sts:AssumeRole']);
    const b = await review({ user: 'bob', destrole: 'admin' });
    expect(used(b.actions)).toEqual(['s3:ListAllMyBuckets']);
    expect(statusOf(b.actions, 'ec2:RunInstances')).toBe('unused');
    // Account B's trail logs no S3 data events: GetObject is unknown there.
    expect(statusOf(b.actions, 's3:GetObject')).toBe('unknown');
    const all = await review({ role: 'admin' });
    expect(used(all.actions)).toEqual(['ec2:RunInstances', 'iam:CreateUser', 's3:ListAllMyBuckets', 'sts:AssumeRole']);
  });

  it('follows role chaining back to the person', async () => {
    const r = await review({ user: 'alice', destrole: 'deploy' });
    expect(used(r.actions)).toEqual(['cloudformation:CreateStack']);
    expect(r.sessions.map((s) => s.accessKeyId)).toEqual(['ASIAALICEDEP1']);
    expect((await review({ user: 'bob', destrole: 'deploy' })).actions.filter((a) => a.status === 'used')).toEqual([]);
  });

  it('same-account sessions, and sourceIdentity where the AssumeRole is not in the lake', async () => {
    expect(used((await review({ user: 'carol', destrole: 'ops' })).actions)).toEqual(['ec2:StopInstances']);
    expect(used((await review({ user: 'erin', destrole: 'ops' })).actions)).toEqual(['ec2:DescribeInstances', 'ec2:StartInstances']);
    expect(used((await review({ role: 'ops' })).actions)).toEqual(['ec2:DescribeInstances', 'ec2:StartInstances', 'ec2:StopInstances']);
  });

  it('IAM Identity Center: the SSO user in an AWSReservedSSO_* role, by permission set name', async () => {
    const r = await review({ user: 'dave', destrole: 'ReadOnly' });
    expect(r.principal.name).toBe(SSO_ROLE);
    expect(r.sessions[0]!.origin).toEqual({ kind: 'federated', name: 'dave@corp.example', account: undefined });
    expect(used(r.actions)).toEqual(['ec2:DescribeVpcs']);
    expect(statusOf(r.actions, 'ec2:DescribeInstances')).toBe('unused');
  });
});

describe('least-privilege policy', () => {
  it('allows every used action (on the resources used) and nothing that was unused', async () => {
    const req = { user: 'alice', window };
    const p = await generatePolicy(store, granted, req);
    const r = await reviewPrincipal(store, granted, req);
    expect(p.documents).toHaveLength(1);
    const doc = p.documents[0]!;
    expect(JSON.stringify(doc).length).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
    const set = { identity: parsePolicy(JSON.parse(JSON.stringify(doc)), 'generated') };
    const usedActions = r.actions.filter((a) => a.status === 'used' || a.status === 'used-not-granted');
    expect(usedActions.length).toBeGreaterThan(5);
    for (const a of usedActions) expect([a.action, decide(set, a.action)]).toEqual([a.action, 'allowed']);
    for (const a of r.actions.filter((x) => x.status === 'unused' || x.status === 'unknown')) {
      expect([a.action, decide(set, a.action)]).toEqual([a.action, 'not-granted']);
    }
    // Scoped to the objects the events named; the bucket ARN does not fit s3:GetObject.
    expect(p.scopes.get('s3:GetObject')).toEqual(['arn:aws:s3:::data-a/other.csv', 'arn:aws:s3:::data-a/report.csv']);
    expect(decide(set, 's3:GetObject', 'arn:aws:s3:::data-a/report.csv')).toBe('allowed');
    expect(decide(set, 's3:GetObject', 'arn:aws:s3:::elsewhere/x')).toBe('not-granted');
    expect(p.scopes.get('lambda:GetFunction')).toEqual(['*']);
    // Grouped by service, in IAM's grammar: alphanumeric Sids, catalogue actions only.
    expect(doc.Statement.map((s) => s.Sid)).toContain('S31');
    const c = await loadCatalog();
    for (const st of doc.Statement) {
      expect(st.Sid).toMatch(/^[A-Za-z0-9]+$/);
      for (const a of [st.Action ?? []].flat()) expect(c.has(a)).toBe(true);
      expect(new Set(st.Action === undefined ? [] : [st.Action].flat().map((a) => a.split(':')[0])).size).toBe(1);
    }
  });

  it('splits past the managed-policy size limit, losing no action', async () => {
    const c = await loadCatalog();
    const actions = c.expand('ec2:*').slice(0, 700);
    const docs = packDocuments(statementsFor(new Map(actions.map((a) => [a, ['*']]))));
    expect(docs.length).toBeGreaterThan(1);
    for (const d of docs) expect(JSON.stringify(d).length).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
    const sets = docs.map((d) => ({ identity: parsePolicy(d, 'x') }));
    for (const a of actions) expect(sets.some((s) => decide(s, a) === 'allowed')).toBe(true);
  });
});

describe('report', () => {
  it('ranks principals by unused privileges and lists what went unused', async () => {
    const r = await accessReport(store, granted, window);
    const unused = r.principals.map((p) => p.unused);
    expect(unused).toEqual([...unused].sort((x, y) => y - x));
    expect(r.principals[0]!.name).toBe('admin'); // '*' beats bob's NotAction
    expect(r.unusedUsers.map((p) => p.name)).toEqual(['idle']);
    expect(r.unusedRoles.map((p) => p.name).sort()).toEqual(['unused-role']);
    expect(r.unusedAccessKeys).toEqual([expect.objectContaining({ user: 'alice', accessKeyId: 'AKIAALICEOLD0000', source: 'lake' })]);
    const devs = r.principals.find((p) => p.kind === 'group' && p.name === 'devs')!;
    expect(devs).toMatchObject({ granted: 1, used: 0, unused: 1 });
  });
});

describe('CLI', () => {
  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
    try {
      const code = await run(['--db', db, ...args]);
      return { code, out: out.join(''), err: err.join('') };
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
  }

  it('prints CloudTracker-style lines and --json statuses', async () => {
    const human = await cli(['access', '--user', 'alice', '--iam', files.a, '--since', '2026-02-01']);
    expect(human.code).toBe(0);
    expect(human.out).toContain('\n  s3:ListAllMyBuckets\n');
    expect(human.out).toContain('\n- s3:PutObject\n');
    expect(human.out).toContain('\n? iam:PassRole\n');
    expect(human.out).toContain('\n+ sqs:ListQueues\n');
    expect(human.out).toContain('! iam:ListUsers  AccessDenied');
    const j = await cli(['--json', 'access', '--user', 'alice', '--destrole', 'admin', '--destaccount', B, '--iam', files.a, files.b, '--show-used']);
    expect(JSON.parse(j.out)).toEqual([
      { action: 'ec2:RunInstances', status: 'used' },
      { action: 'iam:CreateUser', status: 'used' },
      { action: 'sts:AssumeRole', status: 'used' },
    ]);
  });

  it('reads grants from a snapshot; an account with no events in the lake is unknown, never unused', async () => {
    const demo = resolve(process.env.VIGIL_CLOUDMAPPER_DEMO ?? 'test/fixtures/cloudmapper-demo');
    const r = await cli(['--json', 'access', '--role', 'exfiller', '--snapshot', demo]);
    expect(r.code).toBe(0);
    const statuses: { action: string; status: string }[] = JSON.parse(r.out);
    expect(statuses.find((s) => s.action === 's3:GetObject')).toEqual({ action: 's3:GetObject', status: 'unknown' });
    expect(new Set(statuses.map((s) => s.status))).toEqual(new Set(['unknown']));
    expect(r.err).toMatch(/no events of account 123456789012/);
  });

  it('writes the policy, runs the report, and rejects bad input in one line', async () => {
    const out = join(dir, 'policy.json');
    const p = await cli(['access', 'policy', '--user', 'bob', '--destrole', 'admin', '--iam', files.a, files.b, '--out', out]);
    expect(p.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ Version: '2012-10-17', Statement: [{ Sid: 'S31', Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }] });
    const rep = await cli(['--json', 'access', 'report', '--iam', files.a, files.b, '--since', '2026-02-01']);
    expect(JSON.parse(rep.out).unusedUsers.map((u: { name: string }) => u.name)).toEqual(['idle']);
    const bad = await cli(['access', '--user', 'nobody', '--iam', files.a]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/no IAM user nobody/);
    writeFileSync(join(dir, 'bad.json'), '{"UserDetailList": [');
    const badFile = await cli(['access', '--user', 'alice', '--iam', join(dir, 'bad.json')]);
    expect(badFile.code).toBe(2);
    expect(badFile.err).toMatch(/bad\.json: not JSON/);
  });
});

function fakeSnapshot(account: string, selectors: unknown): SnapshotReader {
  const trail = `arn:aws:cloudtrail:us-east-1:${account}:trail/main`;
  return {
    id: 'fake',
    time: '2026-03-01T00:00:00Z',
    accounts: () => [{ id: account, name: 'a', partition: 'aws' }],
    regions: () => ['us-east-1'],
    params: (_a, _r, name) => (name === 'cloudtrail-get-event-selectors' ? [trail] : []),
    call: (_a, _r, name, param) => (name === 'cloudtrail-get-event-selectors' && param === trail ? { status: 'ok', data: selectors } : undefined),
  };
}
