/** Per-kind extraction and state, from real recorded events where the shared data has them (fixtures/README.md). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { changesOf } from './extract.js';
import { historyOf, recordChanges } from './index.js';
import { worldOpenedBy } from './kinds/security-group.js';
import { event, pantherStory, recorded, recordedEvent, roleSession, user } from './testing.js';

let store: Store;
beforeEach(async () => {
  store = await Store.open({ path: ':memory:' });
});
afterEach(() => store.close());

const stateOf = async (ref: string) => (await historyOf(store, ref))!.resource.state;

describe('failed calls', () => {
  it('are not changes: every denied or failed recorded call yields none', () => {
    const failedCalls = recorded().filter((r) => r.errorCode);
    expect(failedCalls.length).toBeGreaterThanOrEqual(15);
    expect(failedCalls.flatMap(changesOf)).toEqual([]);
  });
  it('events of another service with the same name are not IAM changes (IAM Identity Center CreateUser)', () => {
    const sso = recorded('traildiscover').find((r) => r.eventSource === 'sso-directory.amazonaws.com' && !r.errorCode)!;
    expect(sso.eventName).toBe('CreateUser');
    expect(changesOf(sso)).toEqual([]);
  });
});

describe('security groups', () => {
  it('Stratus Red Team opening port 22: the rule from the response, with its id, and it counts as open to the world', async () => {
    const rec = recordedEvent('AuthorizeSecurityGroupIngress', 'stratus');
    const [c] = changesOf(rec);
    expect(c).toMatchObject({ type: 'security-group', resourceId: 'sg-003dc7f1f1c686164', action: 'modify', account: '032092706103', principalArn: 'arn:aws:iam::032092706103:user/christophe' });
    expect(c!.request.authorized).toEqual([{ direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22, source: '208.236.235.254/0', ruleId: 'sgr-09b3e3d2ca1edf2a2' }]);
    // x.y.z.w/0 is the whole internet whatever the address.
    expect(worldOpenedBy(rec)).toHaveLength(1);
    await recordChanges(store, [rec]);
    expect((await stateOf('sg-003dc7f1f1c686164')).rules).toHaveLength(1);
  });

  it('the older flat request form, without a response rule set, is read too', () => {
    const rec = recordedEvent('AuthorizeSecurityGroupIngress', 'stratus');
    const [c] = changesOf({ ...rec, responseElements: null });
    expect(c!.request.authorized).toEqual([{ direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22, source: '208.236.235.254/0' }]);
  });

  it('ModifySecurityGroupRules replaces the rule by id; opening it to ::/0 counts as world-open', async () => {
    const sg = 'sg-0123456789abcdef0';
    await recordChanges(store, [
      event('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', '2024-06-01T10:00:00Z', {
        requestParameters: { groupId: sg, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: { items: [{ cidrIp: '10.0.0.0/8' }] } }] } },
        responseElements: { securityGroupRuleSet: { items: [{ groupId: sg, securityGroupRuleId: 'sgr-1', isEgress: false, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '10.0.0.0/8' }] } },
      }),
    ]);
    const modify = event('ec2.amazonaws.com', 'ModifySecurityGroupRules', '2024-06-01T11:00:00Z', {
      requestParameters: {
        ModifySecurityGroupRulesRequest: { GroupId: sg, SecurityGroupRule: { SecurityGroupRuleId: 'sgr-1', SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv6: '::/0' }, tag: 1 } },
      },
      responseElements: { ModifySecurityGroupRulesResponse: { return: true } },
    });
    expect(worldOpenedBy(modify)).toHaveLength(1);
    await recordChanges(store, [modify]);
    expect((await stateOf(sg)).rules).toEqual([{ direction: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, source: '::/0', ruleId: 'sgr-1' }]);
  });
});

describe('IAM users and access keys', () => {
  it('Stratus Red Team creating an admin user: the user, its policy and its new key', async () => {
    const recs = recorded('iam-create-admin-user');
    const changes = recs.flatMap(changesOf);
    expect(changes.map((c) => `${c.type} ${c.action} ${c.eventName}`).sort()).toEqual([
      'access-key create CreateAccessKey',
      'iam-user create CreateUser',
      'iam-user modify AttachUserPolicy',
      'iam-user modify CreateAccessKey',
    ]);
    await recordChanges(store, recs);
    const h = (await historyOf(store, 'malicious-iam-user'))!;
    expect(h.resource.arn).toBe('arn:aws:iam::229654561268:user/malicious-iam-user');
    expect(h.resource.createdBy).toBe('arn:aws:iam::229654561268:user/christophe');
    expect(h.resource.state).toMatchObject({ userId: 'AIDAL1XMLVWIUOK8KAF0', attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'], accessKeys: ['AKIAXAFZN8JEPF6L682H'] });
    const key = (await historyOf(store, 'AKIAXAFZN8JEPF6L682H'))!;
    expect(key.resource).toMatchObject({ type: 'access-key', arn: 'arn:aws:iam::229654561268:user/malicious-iam-user/accesskey/AKIAXAFZN8JEPF6L682H', state: { userName: 'malicious-iam-user', status: 'Active' } });
  });

  it('a login profile is recorded without its password; the failed delete changes nothing', async () => {
    const recs = recorded('iam-create-user-login-profile');
    await recordChanges(store, recs);
    const h = (await historyOf(store, 'stratus-red-team-login-profile-user'))!;
    expect(h.changes.map((c) => c.eventName)).toEqual(['CreateLoginProfile']);
    expect(h.changes[0]!.request).toEqual({ passwordResetRequired: false });
    expect(h.resource.state.loginProfile).toBe(true);
  });

  it('a key deleted by its own user (no userName in the request) is found by the caller', () => {
    const del = event('iam.amazonaws.com', 'DeleteAccessKey', '2024-06-02T00:00:00Z', { userIdentity: user('carol'), requestParameters: { accessKeyId: 'AKIAEXAMPLEKEY000001' } });
    expect(changesOf(del).map((c) => `${c.type}:${c.resourceId}:${c.action}`)).toEqual(['iam-user:carol:modify', 'access-key:AKIAEXAMPLEKEY000001:delete']);
  });
});

describe('Panther compromised root: the user root made in the console', () => {
  const events = pantherStory;

  it('root is the creator (no principal key: root is not an IAM user or role)', async () => {
    await recordChanges(store, events());
    const h = (await historyOf(store, 'tracy_stone'))!;
    expect(h.changes[0]).toMatchObject({ action: 'create', principalType: 'Root', principalKey: null, tool: 'console' });
    expect(h.resource.state.attachedPolicies).toEqual(['arn:aws:iam::aws:policy/AmazonEC2FullAccess', 'arn:aws:iam::aws:policy/IAMFullAccess', 'arn:aws:iam::aws:policy/AmazonS3FullAccess']);
    // Its key was made with the AWS CLI, by root, for tracy_stone.
    const key = h.changes.find((c) => c.eventName === 'CreateAccessKey')!;
    expect(key.tool).toBe('aws-cli');
    expect(h.resource.state.accessKeys).toEqual(['AKIASWJJJ66ZZZII4IYY']);
  });

  it("root's own access key belongs to no IAM user", () => {
    const own = events().find((r) => r.eventName === 'CreateAccessKey' && !r.requestParameters)!;
    expect(changesOf(own).map((c) => `${c.type}:${c.resourceId}`)).toEqual(['access-key:AKIA5ZZZK44445XXFFVB']);
  });
});

describe('IAM roles and managed policies', () => {
  it('Stratus Red Team backdoor role: trust policy readable, boundary and attached policy kept', async () => {
    await recordChanges(store, recorded('iam-create-backdoor-role'));
    const s = await stateOf('stratus-red-team-malicious-iam-role');
    expect(s.assumeRolePolicyDocument.Statement[0].Principal.AWS).toBe('arn:aws:iam::193672423079:root');
    expect(s.permissionsBoundary).toBe('arn:aws:iam::aws:policy/AWSDenyAll');
    expect(s.attachedPolicies).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess']);
  });

  it('UpdateAssumeRolePolicy on a role created before the data: a modify, no owner', async () => {
    await recordChanges(store, recorded('iam-backdoor-role'));
    const h = (await historyOf(store, 'stratus-red-team-backdoor-r-role'))!;
    expect(h.resource.createdBy).toBeNull();
    expect(h.resource.state.assumeRolePolicyDocument.Statement).toHaveLength(2);
  });

  it('TrailDiscover CreateServiceLinkedRole: the role with its service path, made with the AWS CLI', async () => {
    await recordChanges(store, [recordedEvent('CreateServiceLinkedRole', 'traildiscover')]);
    const h = (await historyOf(store, 'AWSServiceRoleForAutoScaling'))!;
    expect(h.resource.arn).toBe('arn:aws:iam::111111111111:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling');
    expect(h.changes[0]).toMatchObject({ action: 'create', tool: 'aws-cli', principalType: 'AssumedRole', principalKey: 'role:111111111111:global:AWSReservedSSO_AdministratorAccess_1b74cd717d47002b' });
  });

  it('managed policy versions: the default version decides the document', async () => {
    const arn = 'arn:aws:iam::111122223333:policy/deploy';
    const doc = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
    await recordChanges(store, [
      event('iam.amazonaws.com', 'CreatePolicy', '2024-06-01T00:00:00Z', { requestParameters: { policyName: 'deploy', policyDocument: doc('s3:GetObject') }, responseElements: { policy: { policyName: 'deploy', arn, defaultVersionId: 'v1' } } }),
      event('iam.amazonaws.com', 'CreatePolicyVersion', '2024-06-02T00:00:00Z', { requestParameters: { policyArn: arn, policyDocument: doc('*'), setAsDefault: true }, responseElements: { policyVersion: { versionId: 'v2', isDefaultVersion: true } } }),
    ]);
    expect((await stateOf(arn)).document.Statement[0].Action).toBe('*');
    await recordChanges(store, [event('iam.amazonaws.com', 'SetDefaultPolicyVersion', '2024-06-03T00:00:00Z', { requestParameters: { policyArn: arn, versionId: 'v1' } })]);
    expect(await stateOf(arn)).toMatchObject({ defaultVersionId: 'v1', document: { Statement: [{ Action: 's3:GetObject' }] } });
  });
});

describe('EC2 instances', () => {
  it('Stratus Red Team UserData change: stop, modify (UserData never kept), start, in time order', async () => {
    const recs = recorded('ec2-user-data');
    await recordChanges(store, [...recs].reverse());
    const h = (await historyOf(store, 'i-DDd6c7B0e18F0E35f'))!;
    expect(h.changes.map((c) => `${c.action} ${c.eventName}`)).toEqual(['stop StopInstances', 'modify ModifyInstanceAttribute', 'start StartInstances']);
    expect(h.changes[1]!.request).toEqual({ userData: '<changed>' });
    expect(h.resource.state).toMatchObject({ runState: 'pending', attributes: { userData: '<changed>' } });
  });

  it('Panther compromised root: RunInstances by the new user creates the instance with its launch settings', async () => {
    const [c] = changesOf(recordedEvent('RunInstances', 'panther'));
    expect(c).toMatchObject({ type: 'instance', resourceId: 'i-05261ffb46217cdc3', action: 'create', principalType: 'IAMUser', principalKey: 'iam-user:493859302102:global:tracy_stone', region: 'us-east-1', tool: 'console' });
    expect(c!.request).toMatchObject({ imageId: 'ami-04a0ee204b44cc91a', vpcId: 'vpc-c85cedb2', securityGroups: ['sg-0917d39b0f1a143b5'] });
    expect(JSON.stringify(c!.request)).not.toMatch(/userData/i);
  });
});

describe('CloudTrail trails', () => {
  it('Stratus Red Team: StopLogging stops, DeleteTrail deletes, PutEventSelectors keeps the selectors and the ARN', async () => {
    await recordChanges(store, [...recorded('cloudtrail-stop'), ...recorded('cloudtrail-delete'), ...recorded('cloudtrail-event-selectors')]);
    expect((await historyOf(store, 'stratus-red-team-ct-stop-trail-buykxbqejv'))!.resource.state.logging).toBe(false);
    expect((await historyOf(store, 'stratus-red-team-cloudtraild-trail-kvrwohmiai'))!.resource.deleted).toBe(true);
    const sel = (await historyOf(store, 'arn:aws:cloudtrail:cn-northsouth-2r:958312252124:trail/stratus-red-team-ctes-trail-khlvciwdor'))!;
    expect(sel.resource.state.eventSelectors[0]).toMatchObject({ includeManagementEvents: false, readWriteType: 'ReadOnly' });
  });

  it('a trail named by ARN lives in the ARN\'s region, whatever region the call went to', () => {
    const [c] = changesOf(event('cloudtrail.amazonaws.com', 'StopLogging', '2024-06-01T00:00:00Z', { awsRegion: 'us-east-1', requestParameters: { name: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org' } }));
    expect(c).toMatchObject({ resourceId: 'org', region: 'eu-west-1', action: 'stop' });
  });
});

describe('S3 buckets (shapes as AWS documents them; no successful recorded ones)', () => {
  it('policy, ACL, public access block and encryption follow their Put and Delete events', async () => {
    const b = (name: string, time: string, rp: Record<string, unknown>) =>
      event('s3.amazonaws.com', name, time, { awsRegion: 'eu-west-1', requestParameters: { bucketName: 'logs-bucket', Host: 'logs-bucket.s3.eu-west-1.amazonaws.com', ...rp } });
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs-bucket/*' }] };
    await recordChanges(store, [
      b('CreateBucket', '2024-06-01T00:00:00Z', { CreateBucketConfiguration: { LocationConstraint: 'eu-west-1', xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' } }),
      b('PutBucketPublicAccessBlock', '2024-06-01T00:01:00Z', { publicAccessBlock: '', PublicAccessBlockConfiguration: { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/', BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false } }),
      b('PutBucketPolicy', '2024-06-01T00:02:00Z', { policy: '', bucketPolicy: policy }),
      b('PutBucketAcl', '2024-06-01T00:03:00Z', { acl: '', 'x-amz-acl': 'public-read' }),
      b('PutBucketEncryption', '2024-06-01T00:04:00Z', { encryption: '', ServerSideEncryptionConfiguration: { Rule: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } } } }),
      b('DeleteBucketPolicy', '2024-06-01T00:05:00Z', { policy: '' }),
    ]);
    const h = (await historyOf(store, 'arn:aws:s3:::logs-bucket'))!;
    expect(h.resource).toMatchObject({ type: 'bucket', region: 'global', deleted: false });
    expect(h.resource.state).toEqual({
      location: 'eu-west-1',
      acl: 'public-read',
      policy: null,
      publicAccessBlock: { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false },
      encryption: { Rule: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } } },
    });
    expect(h.changes.find((c) => c.eventName === 'PutBucketPolicy')!.request.policy.Statement[0].Principal).toBe('*');
  });
});

describe('KMS keys (shapes as AWS documents them)', () => {
  const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
  const keyArn = `arn:aws:kms:eu-west-1:111122223333:key/${keyId}`;
  const k = (name: string, time: string, rp: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    event('kms.amazonaws.com', name, time, { userIdentity: roleSession('admin'), requestParameters: rp, resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: keyArn }], ...extra });

  it('create, policy, rotation, scheduled deletion; ids given as ARN are resolved', async () => {
    await recordChanges(store, [
      k('CreateKey', '2024-06-01T00:00:00Z', { description: 'app data', keyUsage: 'ENCRYPT_DECRYPT', keySpec: 'SYMMETRIC_DEFAULT' }, { responseElements: { keyMetadata: { keyId, arn: keyArn, keyUsage: 'ENCRYPT_DECRYPT', keySpec: 'SYMMETRIC_DEFAULT', origin: 'AWS_KMS' } } }),
      k('PutKeyPolicy', '2024-06-01T00:01:00Z', { keyId: keyArn, policyName: 'default', policy: '{"Version":"2012-10-17","Statement":[]}' }),
      k('EnableKeyRotation', '2024-06-01T00:02:00Z', { keyId }),
      k('ScheduleKeyDeletion', '2024-06-02T00:00:00Z', { keyId, pendingWindowInDays: 7 }, { responseElements: { keyId: keyArn, deletionDate: 'Jun 9, 2024, 12:00:00 AM', keyState: 'PendingDeletion' } }),
    ]);
    const h = (await historyOf(store, keyId))!;
    expect(h.changes.map((c) => c.action)).toEqual(['create', 'modify', 'modify', 'schedule-delete']);
    expect(h.resource).toMatchObject({ arn: keyArn, deleted: false, createdBy: 'arn:aws:sts::111122223333:assumed-role/admin/session' });
    expect(h.resource.state).toMatchObject({ rotation: true, keyState: 'PendingDeletion', policy: '{"Version":"2012-10-17","Statement":[]}' });
  });

  it('a key named only by alias (no resources) cannot be resolved, so no change is invented', () => {
    expect(changesOf(event('kms.amazonaws.com', 'DisableKeyRotation', '2024-06-01T00:00:00Z', { requestParameters: { keyId: 'alias/app' } }))).toEqual([]);
  });
});
