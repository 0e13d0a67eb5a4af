/**
 * Ordinary activity: people in consoles and CLIs (IAM users and Identity Center sessions), CI pipelines assuming
 * deploy roles, workloads on EC2 and Lambda, and AWS services (Config's recorder, CloudTrail's KMS calls).
 */
import { Rng, hash32 } from './random.js';
import { awsDate, makeRecord, type Caller } from './record.js';
import { CONFIG_READS, DEPLOYS, READS, WORKLOAD, WRITES, type Api } from './catalog.js';
import {
  CLIS,
  SSO_ROLE_PATH,
  assumedRoleIdentity,
  iamUserIdentity,
  roleArn,
  roleId,
  samlProviderArn,
  serviceCaller,
  ssoRoleName,
  type AccountEstate,
  type Person,
} from './estate.js';
import type { Day } from './day.js';

/** Console calls on some services are made by AWS on the user's behalf: source and agent read `AWS Internal`. */
const INTERNAL: Caller['ip'] = 'AWS Internal';

const CONSOLE_AGENT: Record<string, string> = {
  'ec2.amazonaws.com': 'console.ec2.amazonaws.com',
  's3.amazonaws.com': '[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.770 Linux/5.10.227-198.884.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.422-b05 java/1.8.0_422 vendor/Oracle_Corporation cfg/retry-mode/standard]',
  'iam.amazonaws.com': 'AWS Internal',
  'lambda.amazonaws.com': 'console.amazonaws.com',
};

function estateOf(day: Day, id: string): AccountEstate {
  return day.plan.estates.find((e) => e.id === id) ?? day.plan.estates[0]!;
}

/** Reads, and now and then a change; read-only people who try a change are refused (benign AccessDenied). */
function personCalls(day: Day, t: number, caller: Caller, estate: AccountEstate, n: number, readOnly: boolean, console: boolean): number {
  const rng = day.rng;
  const region = rng.pick(day.plan.regions);
  for (let i = 0; i < n; i++) {
    t += rng.range(2_000, 45_000);
    // Read-only people rarely try a change (and are refused when they do).
    const write = rng.chance(readOnly ? 0.01 : 0.06);
    const api = rng.pick(write ? WRITES : READS);
    let who = caller;
    if (console) {
      const internal = rng.chance(0.15);
      who = { ...caller, ip: internal ? INTERNAL : caller.ip, userAgent: internal ? INTERNAL : (CONSOLE_AGENT[api.source] ?? 'AWS Internal'), tls: !internal };
    }
    day.call(t, who, estate, api, { region, denyRate: write && readOnly ? 1 : 0.004 });
  }
  return t;
}

/** An IAM user: console sign-in with MFA then browsing, or CLI calls with the long-term key. */
export function iamPersonSession(day: Day, person: Person, t: number): void {
  const rng = day.rng;
  const estate = estateOf(day, person.home);
  const ip = rng.pick(person.ips);
  if (rng.chance(0.55)) {
    if (rng.chance(0.03)) day.consoleLogin(t - rng.range(5_000, 30_000), person, estate, ip, false);
    day.consoleLogin(t, person, estate, ip);
    const id = iamUserIdentity(estate.id, person.name, rng.iamId('ASIA'), { created: t, mfa: true });
    personCalls(day, t, { identity: id, ip, userAgent: person.browser, tls: true, console: true }, estate, rng.range(3, 25), false, true);
  } else {
    const id = iamUserIdentity(estate.id, person.name, person.accessKeyId);
    personCalls(day, t, { identity: id, ip, userAgent: person.cli, tls: true }, estate, rng.range(1, 15), false, false);
  }
}

/** An Identity Center user: AssumeRoleWithSAML into the permission set's `AWSReservedSSO_*` role, then calls. */
export function ssoPersonSession(day: Day, person: Person, t: number): void {
  const rng = day.rng;
  const estate = rng.chance(0.6) ? estateOf(day, person.home) : rng.pick(day.plan.estates);
  const role = ssoRoleName(estate.id, person.permissionSet);
  const ip = rng.pick(person.ips);
  const email = `${person.name}@acme.example`;
  const session = { account: estate.id, role, path: SSO_ROLE_PATH, sessionName: email, accessKeyId: rng.iamId('ASIA'), created: t };
  const arn = roleArn(estate.id, role, SSO_ROLE_PATH);
  const provider = samlProviderArn(estate.id);
  const nameQualifier = `${new Rng(hash32('nq', estate.id)).lower(27)}=`;
  const saml: Caller = {
    identity: { type: 'SAMLUser', principalId: `${nameQualifier}:${email}`, userName: email, identityProvider: nameQualifier },
    ip,
    userAgent: person.browser,
    tls: true,
  };
  day.call(t, saml, estate, { source: 'sts.amazonaws.com', name: 'AssumeRoleWithSAML' }, {
    region: 'us-east-1',
    params: { sAMLAssertionID: `_${rng.uuid()}`, roleSessionName: email, durationSeconds: 43200, roleArn: arn, principalArn: provider },
    response: {
      credentials: { accessKeyId: session.accessKeyId, expiration: awsDate(t + 43200_000) },
      assumedRoleUser: { assumedRoleId: `${roleId(estate.id, role)}:${email}`, arn: `arn:aws:sts::${estate.id}:assumed-role/${role}/${email}` },
      subject: email,
      subjectType: 'persistent',
      issuer: `https://portal.sso.us-east-1.amazonaws.com/saml/assertion/${new Rng(hash32('iss', estate.id)).upper(32)}`,
      audience: 'https://signin.aws.amazon.com/saml',
      nameQualifier,
    },
    resources: [
      { ARN: arn, accountId: estate.id, type: 'AWS::IAM::Role' },
      { ARN: provider, accountId: estate.id, type: 'AWS::IAM::SAMLProvider' },
    ],
  });
  const identity = assumedRoleIdentity(session);
  const console = rng.chance(0.6);
  if (console) {
    // Federated sign-in: MFA happened at the identity provider, so CloudTrail reports MFAUsed "No".
    day.call(t + 2_000, { identity, ip, userAgent: person.browser, tls: true }, estate, { source: 'signin.amazonaws.com', name: 'ConsoleLogin', write: true, global: true }, {
      params: null,
      response: { ConsoleLogin: 'Success' },
      additional: { MobileVersion: 'No', MFAUsed: 'No' },
      eventType: 'AwsConsoleSignIn',
    });
  }
  const readOnly = /ReadOnly|Audit|Billing/.test(person.permissionSet);
  const agent = console ? person.browser : person.cli;
  personCalls(day, t + 3_000, { identity, ip, userAgent: agent, tls: true, console }, estate, rng.range(3, 30), readOnly, console);
}

/** The CI user assumes the account's deploy role and ships: images, stacks, functions, artifacts. */
export const CI_USER = 'github-ci';
export const CI_ROLE = 'ci-deploy';
const CI_IPS = ['4.175.113.27', '20.57.79.141', '52.225.74.18', '13.105.49.60'];
const CI_AGENT = CLIS[2]!;

export function ciRun(day: Day, t: number): void {
  const rng = day.rng;
  const estate = rng.pick(day.plan.estates);
  const region = rng.pick(day.plan.regions);
  const ip = rng.pick(CI_IPS);
  const ci: Caller = { identity: iamUserIdentity(estate.id, CI_USER, new Rng(hash32('ci-key', estate.id)).iamId('AKIA')), ip, userAgent: CI_AGENT, tls: true };
  const session = day.assumeRole(t, ci, estate, estate, CI_ROLE, `GitHubActions-${rng.range(1_000_000_000, 9_999_999_999)}`, { region });
  day.burst(t, day.sessionCaller(session, ip, CI_AGENT), estate, DEPLOYS, rng.range(4, 20), { region, gap: [1, 20] });
}

/** GitHub's OIDC provider and the repository whose pipeline runs Terraform. */
export const TERRAFORM_REPO = 'repo:acme/infrastructure:ref:refs/heads/main';
export const TERRAFORM_ROLE = 'github-terraform';
export const TERRAFORM_TARGET_ROLE = 'terraform-deploy';

/**
 * Terraform from GitHub Actions: AssumeRoleWithWebIdentity into the management account's role, then role chaining
 * into a member account's deploy role (recorded in both accounts), then plan and apply there.
 */
export function terraformRun(day: Day, t: number): void {
  const rng = day.rng;
  const mgmt = day.plan.estates[0]!;
  const target = rng.pick(day.plan.estates);
  const region = rng.pick(day.plan.regions);
  const ip = rng.pick(CI_IPS);
  const agent = CLIS[4]!;
  const provider = `arn:aws:iam::${mgmt.id}:oidc-provider/token.actions.githubusercontent.com`;
  const first = { account: mgmt.id, role: TERRAFORM_ROLE, sessionName: 'GitHubActions', accessKeyId: rng.iamId('ASIA'), created: t };
  const arn = roleArn(mgmt.id, TERRAFORM_ROLE);
  day.call(t, { identity: { type: 'WebIdentityUser', principalId: `token.actions.githubusercontent.com:sts.amazonaws.com:${TERRAFORM_REPO}`, userName: TERRAFORM_REPO, identityProvider: 'token.actions.githubusercontent.com' }, ip, userAgent: agent, tls: true }, mgmt, { source: 'sts.amazonaws.com', name: 'AssumeRoleWithWebIdentity' }, {
    region,
    params: { roleArn: arn, roleSessionName: first.sessionName, durationSeconds: 3600 },
    response: {
      credentials: { accessKeyId: first.accessKeyId, expiration: awsDate(t + 3600_000) },
      subjectFromWebIdentityToken: TERRAFORM_REPO,
      assumedRoleUser: { assumedRoleId: `${roleId(mgmt.id, TERRAFORM_ROLE)}:${first.sessionName}`, arn: `arn:aws:sts::${mgmt.id}:assumed-role/${TERRAFORM_ROLE}/${first.sessionName}` },
      provider,
      audience: 'sts.amazonaws.com',
    },
    resources: [
      { accountId: mgmt.id, type: 'AWS::IAM::Role', ARN: arn },
      { accountId: mgmt.id, type: 'AWS::IAM::OIDCProvider', ARN: provider },
    ],
  });
  const chained = day.assumeRole(t + rng.range(1_000, 5_000), day.sessionCaller(first, ip, agent), mgmt, target, TERRAFORM_TARGET_ROLE, `terraform-${rng.hex(8)}`, { region });
  const caller = day.sessionCaller(chained, ip, agent);
  const u = day.burst(chained.created, caller, target, READS, rng.range(10, 40), { region, gap: [0, 3] });
  day.burst(u, caller, target, DEPLOYS, rng.range(1, 6), { region, gap: [1, 10] });
}

const INSTANCE_AGENTS = [
  'aws-sdk-java/2.29.20 Linux/6.1.119-129.201.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM/21.0.5+11-LTS Java/21.0.5 vendor/Amazon.com_Inc. md/internal exec-env/AWS_ECS_EC2 io/sync http/Apache cfg/retry-mode/standard',
  'aws-sdk-go/1.55.5 (go1.22.8; linux; amd64) amazon-ssm-agent/3.3.1142.0',
  'Boto3/1.35.71 md/Botocore#1.35.71 ua/2.0 os/linux#6.1.119-129.201.amzn2023.x86_64 md/arch#x86_64 lang/python#3.9.20 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.71',
];

/** A workload somewhere in the organisation gets role credentials from its AWS service (session named after it). */
function workloadSession(day: Day, t: number, service: string, role: string, names: (e: AccountEstate) => string[]) {
  const estate = day.rng.pick(day.plan.estates);
  const region = day.rng.pick(day.plan.regions);
  const session = day.serviceAssumeRole(t, service, estate, role, day.rng.pick(names(estate)), region);
  return { estate, region, session };
}

/** An instance gets fresh role credentials from EC2 and works: S3 through the VPC endpoint, secrets, KMS, SSM. */
export function instanceWork(day: Day, t: number): void {
  const rng = day.rng;
  const { estate, region, session } = workloadSession(day, t, 'ec2.amazonaws.com', 'app-server', (e) => e.instances);
  const instance = session.sessionName;
  session.ec2RoleDelivery = true;
  const agent = rng.pick(INSTANCE_AGENTS);
  const privateIp = `10.0.${hash32(instance) % 250}.${(hash32(instance) >> 8) % 250}`;
  const viaEndpoint = day.sessionCaller(session, privateIp, agent, { vpcEndpointId: estate.s3Endpoint });
  const viaNat = day.sessionCaller(session, `52.${hash32(estate.id, region) % 200}.${rng.int(250)}.${rng.int(250)}`, agent);
  for (let i = rng.range(4, 40); i > 0; i--) {
    t += rng.range(200, 20_000);
    const api = rng.pick(WORKLOAD);
    const caller = api.source === 's3.amazonaws.com' ? viaEndpoint : viaNat;
    const missing = api.name === 'GetObject' && rng.chance(0.01);
    day.call(t, caller, estate, api, { region, error: missing ? { code: 'NoSuchKey', message: 'The specified key does not exist.' } : undefined });
  }
}

/** A Lambda function's invocation: Lambda assumes its execution role; the function reads secrets and S3. */
export function lambdaWork(day: Day, t: number): void {
  const rng = day.rng;
  const { estate, region, session } = workloadSession(day, t, 'lambda.amazonaws.com', 'lambda-exec', (e) => e.functions);
  const agent = `aws-sdk-js/3.699.0 ua/2.1 os/linux#5.10.228-240.873.amzn2.x86_64 lang/js md/nodejs#20.18.1 api/s3#3.699.0 exec-env/AWS_Lambda_nodejs20.x`;
  const caller = day.sessionCaller(session, `3.${hash32(estate.id, region, 'lambda') % 250}.${rng.int(250)}.${rng.int(250)}`, agent);
  day.burst(t, caller, estate, WORKLOAD.slice(0, 6), rng.range(2, 10), { region, gap: [0, 2] });
}

/** AWS Config's recorder describing resources through its service-linked role (a few refusals are normal). */
export function configSweep(day: Day, t: number): void {
  const rng = day.rng;
  const estate = rng.pick(day.plan.estates);
  const region = rng.pick(day.plan.regions);
  const session = { account: estate.id, role: 'AWSServiceRoleForConfig', path: '/aws-service-role/config.amazonaws.com/', sessionName: 'AWSConfig-Describe', accessKeyId: new Rng(hash32('config', estate.id, region, day.plan.index)).iamId('ASIA'), created: day.plan.start, invokedBy: 'config.amazonaws.com' };
  const caller: Caller = { identity: assumedRoleIdentity(session), ip: 'config.amazonaws.com', userAgent: 'config.amazonaws.com', tls: false };
  day.burst(t, caller, estate, CONFIG_READS, rng.range(5, 25), { region, gap: [0, 3], denyRate: 0.01 });
}

/** CloudTrail asking KMS for data keys to encrypt the log files it delivers. */
export function cloudTrailKms(day: Day, t: number): void {
  const rng = day.rng;
  const estate = day.plan.estates[0]!;
  const region = rng.pick(day.plan.regions);
  const key = estate.kmsKeys[0]!;
  const source = rng.pick(day.plan.estates);
  const api: Api = { source: 'kms.amazonaws.com', name: 'GenerateDataKey' };
  day.call(t, serviceCaller('cloudtrail.amazonaws.com'), estate, api, {
    region,
    params: {
      keySpec: 'AES_256',
      encryptionContext: {
        'aws:cloudtrail:arn': `arn:aws:cloudtrail:us-east-1:${estate.id}:trail/organization-trail`,
        'aws:s3:arn': `arn:aws:s3:::acme-org-cloudtrail/AWSLogs/${source.id}/${rng.hex(8)}`,
      },
    },
    resources: [{ accountId: estate.id, type: 'AWS::KMS::Key', ARN: `arn:aws:kms:${region}:${estate.id}:key/${key}` }],
    sharedEventID: rng.uuid(),
  });
}

/** KMS rotating a customer key by itself: a service event, with no request id and an identity without a type. */
export function kmsRotation(day: Day, estate: AccountEstate): void {
  const rng = day.rng;
  const region = day.plan.regions[0]!;
  const key = rng.pick(estate.kmsKeys);
  const arn = `arn:aws:kms:${region}:${estate.id}:key/${key}`;
  const t = day.anyTime();
  day.push(
    t,
    makeRecord(rng, {
      time: t,
      caller: { identity: { accountId: estate.id, invokedBy: 'kms.amazonaws.com' }, ip: 'kms.amazonaws.com', userAgent: 'kms.amazonaws.com', tls: false },
      account: estate.id,
      region,
      source: 'kms.amazonaws.com',
      name: 'RotateKey',
      readOnly: false,
      params: null,
      response: null,
      requestID: null,
      resources: [{ accountId: estate.id, type: 'AWS::KMS::Key', ARN: arn }],
      eventType: 'AwsServiceEvent',
      serviceEventDetails: { keyId: key },
    }),
  );
}

/** Fills the day with ordinary activity until it holds `budget` records. */
export function ordinaryActivity(day: Day, budget: number): void {
  const rng = day.rng;
  const people = day.plan.people;
  const weekend = day.weekend;
  const kinds = [
    ['person', weekend ? 4 : 30],
    ['ci', weekend ? 2 : 10],
    ['terraform', weekend ? 0.5 : 3],
    ['instance', 25],
    ['lambda', 18],
    ['config', 12],
    ['kms', 8],
  ] as const;
  for (const estate of day.plan.estates) if (rng.chance(0.2)) kmsRotation(day, estate);
  while (day.count < budget) {
    const kind = rng.weighted(kinds);
    if (kind === 'person') {
      const person = rng.pick(people);
      if (person.kind === 'iam') iamPersonSession(day, person, day.workTime());
      else ssoPersonSession(day, person, day.workTime());
    } else if (kind === 'ci') ciRun(day, day.workTime());
    else if (kind === 'terraform') terraformRun(day, day.workTime());
    else if (kind === 'instance') instanceWork(day, day.anyTime());
    else if (kind === 'lambda') lambdaWork(day, day.anyTime());
    else if (kind === 'config') configSweep(day, day.anyTime());
    else cloudTrailKms(day, day.anyTime());
  }
}
