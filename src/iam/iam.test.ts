import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from './catalog.js';
import { decide } from './evaluate.js';
import { grantedActions } from './grants.js';
import { parseAuthorizationDetails, policySetOf } from './authdetails.js';
import { parsePolicy } from './policy.js';

const pol = (stmts: object[], name = 'p') => parsePolicy({ Version: '2012-10-17', Statement: stmts }, name);
/** The recorded CloudMapper collection (BSD-3-Clause, duo-labs/cloudmapper; see ../shared/data/README.md). */
const DEMO = resolve(process.env.VIGIL_CLOUDMAPPER_DEMO ?? 'test/fixtures/cloudmapper-demo', 'us-east-1/iam-get-account-authorization-details.json');

describe('catalogue and wildcards', () => {
  it('expands wildcards against the current catalogue, IAM-only actions included', async () => {
    const c = await loadCatalog();
    expect(c.size).toBeGreaterThan(15000);
    const iam = c.expand('iam:Pass*');
    expect(iam).toContain('iam:PassRole');
    expect(c.expand('s3:ListAll*')).toEqual(['s3:ListAllMyBuckets']);
    expect(c.expand('s3:get?bject')).toContain('s3:GetObject');
    expect(c.expand('*').length).toBe(c.size);
    expect(c.expand('ec2:DescribeInstances')).toEqual(['ec2:DescribeInstances']);
    expect(c.canonical('S3:GETOBJECT')).toBe('s3:GetObject');
  });
});

describe('evaluation', () => {
  it('Deny beats Allow, wildcard or not', () => {
    const set = { identity: pol([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:Delete*', Resource: '*' }]) };
    expect(decide(set, 's3:GetObject')).toBe('allowed');
    expect(decide(set, 's3:DeleteBucket')).toBe('denied');
    expect(decide(set, 'ec2:RunInstances')).toBe('not-granted');
  });

  it('a Deny on some resources leaves the action granted elsewhere, and denies it there', () => {
    const set = { identity: pol([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }, { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::secret/*' }]) };
    expect(decide(set, 's3:GetObject')).toBe('allowed');
    expect(decide(set, 's3:GetObject', 'arn:aws:s3:::secret/a.txt')).toBe('denied');
    expect(decide(set, 's3:GetObject', 'arn:aws:s3:::open/a.txt')).toBe('allowed');
  });

  it('NotAction allows everything but the listed actions; NotResource everything but the listed resources', async () => {
    const c = await loadCatalog();
    const set = { identity: pol([{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }]) };
    expect(decide(set, 'ec2:RunInstances')).toBe('allowed');
    expect(decide(set, 'iam:CreateUser')).toBe('not-granted');
    const g = grantedActions(set, c);
    expect(g.has('s3:GetObject')).toBe(true);
    expect([...g.keys()].some((a) => a.startsWith('iam:'))).toBe(false);
    const nr = { identity: pol([{ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' }]) };
    expect(decide(nr, 's3:GetObject', 'arn:aws:s3:::secret/x')).toBe('not-granted');
    expect(decide(nr, 's3:GetObject', 'arn:aws:s3:::other/x')).toBe('allowed');
    const denyAllBut = { identity: pol([{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', NotAction: 's3:*', Resource: '*' }]) };
    expect(decide(denyAllBut, 's3:PutObject')).toBe('allowed');
    expect(decide(denyAllBut, 'ec2:RunInstances')).toBe('denied');
  });

  it('a permissions boundary caps the identity policies; SCPs cap both', () => {
    const identity = pol([{ Effect: 'Allow', Action: '*', Resource: '*' }]);
    const boundary = pol([{ Effect: 'Allow', Action: ['s3:*', 'ec2:Describe*'], Resource: '*' }], 'boundary');
    expect(decide({ identity, boundary }, 's3:PutObject')).toBe('allowed');
    expect(decide({ identity, boundary }, 'iam:CreateUser')).toBe('not-granted');
    // The boundary alone grants nothing.
    expect(decide({ identity: pol([{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }]), boundary }, 's3:PutObject')).toBe('not-granted');
    const scps = [pol([{ Effect: 'Allow', Action: '*', Resource: '*' }]), pol([{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 's3:PutObject', Resource: '*' }])];
    // Each level must allow: an OU whose SCP allows only ec2 blocks s3 below it.
    expect(decide({ identity, scps: [pol([{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }])] }, 's3:GetObject')).toBe('not-granted');
    expect(decide({ identity, boundary, scps }, 's3:PutObject')).toBe('denied');
    expect(decide({ identity, boundary, scps }, 's3:GetObject')).toBe('allowed');
  });

  it('conditions make a grant conditional, and a conditional Deny makes an Allow conditional', async () => {
    const c = await loadCatalog();
    const set = {
      identity: pol([
        { Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } },
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } },
      ]),
    };
    expect(decide(set, 'ec2:RunInstances')).toBe('conditional');
    expect(decide(set, 's3:GetObject')).toBe('allowed');
    expect(decide(set, 's3:DeleteBucket')).toBe('conditional');
    const g = grantedActions(set, c);
    expect(g.get('ec2:RunInstances')).toBe('conditional');
    expect(g.get('s3:GetObject')).toBe('allowed');
  });
});

describe('authorization details', () => {
  it('reads a saved get-account-authorization-details output with groups, managed and inline policies', async () => {
    const m = parseAuthorizationDetails(JSON.parse(readFileSync(DEMO, 'utf8')), DEMO);
    expect(m.account).toBe('123456789012');
    const role = m.principals.find((p) => p.kind === 'role' && p.name === 'exfiller')!;
    const g = grantedActions(policySetOf(role), await loadCatalog());
    expect(g.get('s3:GetObject')).toBe('allowed');
    expect(g.has('ec2:RunInstances')).toBe(false);
    const user = m.principals.find((p) => p.kind === 'user')!;
    expect(decide(policySetOf(user), 'ssm:GetDocument')).toBe('allowed');
  });

  it('includes group policies, URL-encoded documents and boundaries; names the bad field', () => {
    const doc = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] }));
    const details = {
      UserDetailList: [{ UserName: 'alice', Arn: 'arn:aws:iam::111122223333:user/alice', GroupList: ['devs'], UserPolicyList: [], AttachedManagedPolicies: [], PermissionsBoundary: { PermissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/b' } }],
      GroupDetailList: [{ GroupName: 'devs', Arn: 'arn:aws:iam::111122223333:group/devs', GroupPolicyList: [{ PolicyName: 'q', PolicyDocument: doc }], AttachedManagedPolicies: [] }],
      RoleDetailList: [],
      Policies: [{ Arn: 'arn:aws:iam::111122223333:policy/b', DefaultVersionId: 'v1', PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:Send*', Resource: '*' }] } }] }],
    };
    const alice = parseAuthorizationDetails(details, 'x.json').principals.find((p) => p.name === 'alice')!;
    expect(decide(policySetOf(alice), 'sqs:SendMessage')).toBe('allowed');
    expect(decide(policySetOf(alice), 'sqs:DeleteQueue')).toBe('not-granted');
    const bad = { ...details, GroupDetailList: [{ ...details.GroupDetailList[0], GroupPolicyList: [{ PolicyName: 'q', PolicyDocument: { Statement: [{ Effect: 'Maybe', Action: '*' }] } }] }] };
    expect(() => parseAuthorizationDetails(bad, 'x.json')).toThrow(/x\.json: group devs inline q Statement\[0\]\.Effect/);
  });
});
