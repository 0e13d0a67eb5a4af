/**
 * The planted stories the demo, the detections and the access review find: a leaked access key used for an
 * intrusion, and two people sharing an admin role (one heavily, one for a single call). Their facts are exported
 * so tests and the demo can assert on them.
 */
import type { Api } from './catalog.js';
import { READS, WRITES, objectKey, s3Additional, s3ObjectResources } from './catalog.js';
import type { Day } from './day.js';
import { BROWSERS, CLIS, iamUserIdentity, userArn, type Account, type AccountEstate, type Person } from './estate.js';
import { accessDenied, awsDate, type Caller } from './record.js';

// ---- facts -------------------------------------------------------------------------------------------------------

/** The named people of the organisation (IAM users alice and bob; the others federate through Identity Center). */
export const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'] as const;
/** The admin role alice and bob both assume (in the production account, from their users in management). */
export const ADMIN_ROLE = 'admin';
export const ADMIN_HEAVY_USER = 'alice';
export const ADMIN_SINGLE_USER = 'bob';
/** Bob's only call as admin. */
export const ADMIN_SINGLE_CALL = { eventSource: 'iam.amazonaws.com', eventName: 'ListUsers' } as const;

/** The service user whose long-term key leaks; it runs nightly backups from the backup server. */
export const BACKUP_USER = 'svc-backup';
export const BACKUP_SERVER_IP = '198.51.100.23';
export const LEAKED_ACCESS_KEY_ID = 'AKIA4XRYW7GQMBZK3FNP';
/** Where the attacker calls from: never seen before the intrusion (a documentation range: nobody's real address). */
export const ATTACKER_IP = '203.0.113.66';
export const ATTACKER_USER_AGENT = 'aws-cli/1.29.0 Python/3.11.9 Linux/6.6.9-amd64 botocore/1.31.0 distrib/kali.2024.1';
/** The user the attacker creates and makes administrator, and its access key. */
export const INTRUSION_USER = 'aws-support-ops';
export const INTRUSION_ACCESS_KEY_ID = 'AKIA7NPLQDV2KXHW5TJE';
/** The bucket the backups read and the attacker exfiltrates then makes public. */
export const EXFIL_BUCKET = 'acme-customer-data';
export const BACKUP_BUCKET = 'acme-backups';
/** The account trail the attacker stops (the organisation trail that delivers these logs keeps recording). */
export const STOPPED_TRAIL = 'account-audit-trail';
export const OPENED_SECURITY_GROUP = 'sg-0c4f1e9a7b2d63851';
/** How many objects the attacker downloads. */
export const EXFIL_OBJECTS = 120;
/** The intrusion happens on this day of the period (0-based, clamped to the last day), from 02:47:13 UTC. */
export const INTRUSION_DAY = 4;
export const INTRUSION_START_SECONDS = 2 * 3600 + 47 * 60 + 13;

/** The account the intrusion and the admin role live in: the second account (production), or the only one. */
export function productionAccount<T extends Account>(accounts: T[]): T {
  return accounts[1] ?? accounts[0]!;
}

// ---- nightly backups (the leaked key's normal use) ---------------------------------------------------------------

const BACKUP_AGENT = 'aws-cli/2.15.30 Python/3.11.8 Linux/5.15.0-1051-aws exe/x86_64.ubuntu.22 prompt/off command/s3.sync';

function backupCaller(estate: AccountEstate, ip: string, userAgent: string): Caller {
  return { identity: iamUserIdentity(estate.id, BACKUP_USER, LEAKED_ACCESS_KEY_ID), ip, userAgent, tls: true };
}

function objectCall(name: 'GetObject' | 'PutObject' | 'ListObjects', bucket: string, key?: string): Api {
  return { source: 's3.amazonaws.com', name, data: true, write: name === 'PutObject', params: (c) => ({ bucketName: bucket, Host: `${bucket}.s3.${c.region}.amazonaws.com`, ...(key ? { key } : { 'list-type': '2', prefix: '' }) }) };
}

function objectEvent(day: Day, t: number, caller: Caller, estate: AccountEstate, name: 'GetObject' | 'PutObject', bucket: string, region: string): void {
  const key = objectKey(day.rng);
  const size = day.rng.range(2_000, 8_000_000);
  day.call(t, caller, estate, objectCall(name, bucket, key), {
    region,
    resources: s3ObjectResources(estate.id, bucket, key),
    additional: name === 'GetObject' ? s3Additional(day.rng, size) : s3Additional(day.rng, 0, size),
  });
}

export function nightlyBackup(day: Day): void {
  const rng = day.rng;
  const estate = productionAccount(day.plan.estates);
  const region = day.plan.regions[0]!;
  const caller = backupCaller(estate, BACKUP_SERVER_IP, BACKUP_AGENT);
  let t = day.plan.start + 3600_000 + rng.int(600_000);
  day.call(t, caller, estate, objectCall('ListObjects', EXFIL_BUCKET), { region, resources: [{ accountId: estate.id, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${EXFIL_BUCKET}` }] });
  for (let i = rng.range(5, 15); i > 0; i--) objectEvent(day, (t += rng.range(300, 4000)), caller, estate, 'GetObject', EXFIL_BUCKET, region);
  for (let i = rng.range(3, 8); i > 0; i--) objectEvent(day, (t += rng.range(300, 4000)), caller, estate, 'PutObject', BACKUP_BUCKET, region);
}

// ---- the shared admin role -------------------------------------------------------------------------------------

function cliCaller(day: Day, person: Person, estate: AccountEstate): Caller {
  return { identity: iamUserIdentity(estate.id, person.name, person.accessKeyId), ip: person.ips[0]!, userAgent: CLIS[0]!, tls: true };
}

/** alice assumes admin once or twice a day and works; bob assumes it once in the period and makes one call. */
export function sharedAdminRole(day: Day, bobDay: number): void {
  const rng = day.rng;
  const estates = day.plan.estates;
  const from = estates[0]!;
  const target = productionAccount(estates);
  const person = (name: string) => day.plan.people.find((p) => p.name === name)!;
  const alice = person(ADMIN_HEAVY_USER);
  for (let s = day.weekend ? 1 : 2; s > 0; s--) {
    const t = day.workTime();
    const caller = cliCaller(day, alice, from);
    const session = day.assumeRole(t, caller, from, target, ADMIN_ROLE, `botocore-session-${Math.floor(t / 1000)}`);
    const region = day.plan.regions[0]!;
    const as = day.sessionCaller(session, caller.ip, caller.userAgent);
    let u = t;
    for (let i = rng.range(15, 45); i > 0; i--) day.call((u += rng.range(2_000, 40_000)), as, target, rng.pick(rng.chance(0.15) ? WRITES : READS), { region });
  }
  if (day.plan.index === bobDay) {
    const bob = person(ADMIN_SINGLE_USER);
    const t = day.plan.start + 14 * 3600_000 + 5 * 60_000 + rng.int(60_000);
    const caller = cliCaller(day, bob, from);
    const session = day.assumeRole(t, caller, from, target, ADMIN_ROLE, `botocore-session-${Math.floor(t / 1000)}`);
    day.call(t + 41_000, day.sessionCaller(session, caller.ip, caller.userAgent), target, { source: ADMIN_SINGLE_CALL.eventSource, name: ADMIN_SINGLE_CALL.eventName, global: true }, { params: null });
  }
}

// ---- the intrusion -------------------------------------------------------------------------------------------------

const RECON_OK: [string, string, (e: AccountEstate) => Record<string, unknown> | null][] = [
  ['iam.amazonaws.com', 'ListUsers', () => null],
  ['iam.amazonaws.com', 'ListRoles', () => null],
  ['iam.amazonaws.com', 'ListGroups', () => null],
  ['iam.amazonaws.com', 'ListPolicies', () => ({ scope: 'All', onlyAttached: false })],
  ['iam.amazonaws.com', 'ListAttachedUserPolicies', () => ({ userName: BACKUP_USER })],
  ['iam.amazonaws.com', 'ListAccessKeys', () => ({ userName: BACKUP_USER })],
  ['iam.amazonaws.com', 'GetAccountAuthorizationDetails', () => ({ filter: ['User', 'Role', 'Group', 'LocalManagedPolicy'] })],
  ['s3.amazonaws.com', 'ListBuckets', () => ({ Host: 's3.amazonaws.com' })],
  ['cloudtrail.amazonaws.com', 'DescribeTrails', () => ({ trailNameList: [], includeShadowTrails: true })],
];

/** Services the backup key may not touch: the attacker's sweep of them is a burst of AccessDenied. */
const RECON_DENIED: [string, string][] = [
  ['ec2.amazonaws.com', 'DescribeInstances'],
  ['ec2.amazonaws.com', 'DescribeSecurityGroups'],
  ['ec2.amazonaws.com', 'DescribeVpcs'],
  ['ec2.amazonaws.com', 'DescribeSnapshots'],
  ['lambda.amazonaws.com', 'ListFunctions20150331'],
  ['rds.amazonaws.com', 'DescribeDBInstances'],
  ['secretsmanager.amazonaws.com', 'ListSecrets'],
  ['kms.amazonaws.com', 'ListKeys'],
  ['ssm.amazonaws.com', 'DescribeParameters'],
  ['dynamodb.amazonaws.com', 'ListTables'],
  ['guardduty.amazonaws.com', 'ListDetectors'],
  ['organizations.amazonaws.com', 'DescribeOrganization'],
];

export function intrusion(day: Day): void {
  const rng = day.rng;
  const estate = productionAccount(day.plan.estates);
  const acct = estate.id;
  const regions = day.plan.regions;
  const home = regions[0]!;
  const leaked = backupCaller(estate, ATTACKER_IP, ATTACKER_USER_AGENT);
  let t = day.plan.start + INTRUSION_START_SECONDS * 1000;
  const step = (lo: number, hi: number) => (t += rng.range(lo, hi));
  const api = (source: string, name: string, extra: Partial<Api> = {}): Api => ({ source, name, global: source === 'iam.amazonaws.com', ...extra });

  // 1. Who am I, and what can I see?
  day.call(t, leaked, estate, api('sts.amazonaws.com', 'GetCallerIdentity'), { region: home, params: null });
  for (const [source, name, params] of RECON_OK) day.call(step(1_000, 6_000), leaked, estate, api(source, name), { region: home, params: params(estate) });
  // 2. A sweep across services and regions: most of it refused.
  for (const region of regions)
    for (const [source, name] of RECON_DENIED) {
      if (source === 'organizations.amazonaws.com' && region !== 'us-east-1') continue;
      day.call(step(300, 2_500), leaked, estate, api(source, name), { region, params: null, error: accessDenied(leaked, source, name) });
    }

  // 3. Persistence: a new user with a password, an access key and AdministratorAccess.
  const userId = 'AIDA6QXHV3MDKPWZ2RTYB';
  day.call(step(40_000, 90_000), leaked, estate, api('iam.amazonaws.com', 'CreateUser', { write: true }), {
    params: { userName: INTRUSION_USER },
    response: { user: { path: '/', userName: INTRUSION_USER, userId, arn: userArn(acct, INTRUSION_USER), createDate: awsDate(t) } },
  });
  day.call(step(5_000, 20_000), leaked, estate, api('iam.amazonaws.com', 'CreateLoginProfile', { write: true }), {
    params: { userName: INTRUSION_USER, passwordResetRequired: false },
    response: { loginProfile: { userName: INTRUSION_USER, createDate: awsDate(t), passwordResetRequired: false } },
  });
  day.call(step(5_000, 20_000), leaked, estate, api('iam.amazonaws.com', 'CreateAccessKey', { write: true }), {
    params: { userName: INTRUSION_USER },
    response: { accessKey: { userName: INTRUSION_USER, accessKeyId: INTRUSION_ACCESS_KEY_ID, status: 'Active', createDate: awsDate(t) } },
  });
  day.call(step(5_000, 20_000), leaked, estate, api('iam.amazonaws.com', 'AttachUserPolicy', { write: true }), {
    params: { userName: INTRUSION_USER, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
  });

  // 4. Switching to the new administrator: blind the account trail, open SSH to the world, take the data.
  const admin: Caller = { identity: { ...iamUserIdentity(acct, INTRUSION_USER, INTRUSION_ACCESS_KEY_ID), principalId: userId }, ip: ATTACKER_IP, userAgent: ATTACKER_USER_AGENT, tls: true };
  day.call(step(60_000, 120_000), admin, estate, api('sts.amazonaws.com', 'GetCallerIdentity'), { region: home, params: null });
  const { accessKeyId: _key, ...signInIdentity } = admin.identity;
  day.call(step(2_000, 6_000), { ...admin, identity: signInIdentity, userAgent: BROWSERS[2]! }, estate, api('signin.amazonaws.com', 'ConsoleLogin', { write: true, global: true }), {
    params: null,
    response: { ConsoleLogin: 'Success' },
    additional: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'No' },
    eventType: 'AwsConsoleSignIn',
  });
  const trailArn = `arn:aws:cloudtrail:${home}:${acct}:trail/${STOPPED_TRAIL}`;
  day.call(step(20_000, 60_000), admin, estate, api('cloudtrail.amazonaws.com', 'StopLogging', { write: true }), {
    region: home,
    params: { name: trailArn },
    resources: [{ accountId: acct, type: 'AWS::CloudTrail::Trail', ARN: trailArn }],
  });
  day.call(step(20_000, 60_000), admin, estate, api('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', { write: true }), {
    region: home,
    params: { groupId: OPENED_SECURITY_GROUP, ipPermissions: {}, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' },
    response: {
      requestId: rng.uuid(),
      _return: true,
      securityGroupRuleSet: { items: [{ groupOwnerId: acct, groupId: OPENED_SECURITY_GROUP, securityGroupRuleId: `sgr-0${rng.hex(16)}`, isEgress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }] },
    },
  });
  const bucketRes = [{ accountId: acct, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${EXFIL_BUCKET}` }];
  day.call(step(10_000, 30_000), admin, estate, api('s3.amazonaws.com', 'ListBuckets'), { region: home, params: { Host: 's3.amazonaws.com' } });
  day.call(step(2_000, 8_000), admin, estate, objectCall('ListObjects', EXFIL_BUCKET), { region: home, resources: bucketRes });
  for (let i = 0; i < EXFIL_OBJECTS; i++) objectEvent(day, step(200, 2_500), admin, estate, 'GetObject', EXFIL_BUCKET, home);
  const host = `${EXFIL_BUCKET}.s3.${home}.amazonaws.com`;
  day.call(step(30_000, 90_000), admin, estate, api('s3.amazonaws.com', 'DeleteBucketPublicAccessBlock', { write: true }), {
    region: home,
    params: { publicAccessBlock: '', bucketName: EXFIL_BUCKET, Host: host },
    resources: bucketRes,
    additional: s3Additional(rng, 0),
  });
  day.call(step(5_000, 20_000), admin, estate, api('s3.amazonaws.com', 'PutBucketPolicy', { write: true }), {
    region: home,
    params: {
      bucketPolicy: { Version: '2012-10-17', Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${EXFIL_BUCKET}/*` }] },
      bucketName: EXFIL_BUCKET,
      Host: host,
      policy: '',
    },
    resources: bucketRes,
    additional: s3Additional(rng, 0, 196),
  });
}
