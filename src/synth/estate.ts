/**
 * The sample organisation: its accounts, the resources in each (buckets, instances, security groups ...) and its
 * principals (people, CI, workloads). Everything is derived from names, so it is identical across days and runs.
 */
import { Rng, hash32, stableIamId } from './random.js';
import { isoSeconds, type Caller, type UserIdentity } from './record.js';

export interface Account {
  id: string;
  name: string;
}

export const DEFAULT_ACCOUNTS: Account[] = [
  { id: '123456789012', name: 'management' },
  { id: '234567890123', name: 'production' },
  { id: '345678901234', name: 'staging' },
];
export const DEFAULT_REGIONS = ['us-east-1', 'eu-west-1'];

/** Resources of one account, referenced by calls. */
export interface AccountEstate extends Account {
  /** The company prefix of resource names (`acme-production-...`). */
  buckets: string[];
  instances: string[];
  securityGroups: string[];
  vpcs: string[];
  subnets: string[];
  functions: string[];
  roles: string[];
  stacks: string[];
  secrets: string[];
  parameters: string[];
  kmsKeys: string[];
  logGroups: string[];
  repositories: string[];
  tables: string[];
  clusters: string[];
  dbInstances: string[];
  /** The account's own trail (the organisation trail is the one delivering these logs). */
  trail: string;
  /** VPC gateway endpoint for S3 used by workloads. */
  s3Endpoint: string;
}

function ids(rng: Rng, prefix: string, n: number, len = 17): string[] {
  return Array.from({ length: n }, () => `${prefix}${rng.hex(len)}`);
}

export function buildEstate(account: Account): AccountEstate {
  const rng = new Rng(hash32('estate', account.id));
  const env = account.name.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const apps = ['billing', 'checkout', 'catalog', 'search', 'orders', 'auth', 'reports', 'media'];
  return {
    ...account,
    buckets: [
      `acme-${env}-assets`,
      `acme-${env}-logs`,
      `acme-${env}-artifacts`,
      `acme-${env}-data-lake`,
      `acme-${env}-static-site`,
    ],
    instances: ids(rng, 'i-0', 12, 16),
    securityGroups: ids(rng, 'sg-0', 8, 16),
    vpcs: ids(rng, 'vpc-0', 2, 16),
    subnets: ids(rng, 'subnet-0', 6, 16),
    functions: apps.map((a) => `${env}-${a}-handler`),
    roles: ['ci-deploy', 'app-server', 'lambda-exec', 'OrganizationAccountAccessRole', 'ReadOnlyAudit'],
    stacks: apps.slice(0, 6).map((a) => `${env}-${a}`),
    secrets: apps.slice(0, 5).map((a) => `${env}/${a}/db-credentials`),
    parameters: apps.map((a) => `/${env}/${a}/config`),
    kmsKeys: Array.from({ length: 3 }, () => rng.uuid()),
    logGroups: apps.map((a) => `/aws/lambda/${env}-${a}-handler`),
    repositories: apps.slice(0, 5).map((a) => `${a}-service`),
    tables: apps.slice(0, 4).map((a) => `${env}-${a}`),
    clusters: [`${env}-main`],
    dbInstances: [`${env}-orders-db`, `${env}-billing-db`],
    trail: `${env}-account-trail`,
    s3Endpoint: `vpce-${rng.hex(17)}`,
  };
}

// ---- identities ---------------------------------------------------------------------------------------------

export function userArn(account: string, user: string): string {
  return `arn:aws:iam::${account}:user/${user}`;
}

export function roleArn(account: string, role: string, path = '/'): string {
  return `arn:aws:iam::${account}:role${path}${role}`;
}

/** The identity of an IAM user calling with a long-term access key (or a console session key). */
export function iamUserIdentity(account: string, user: string, accessKeyId: string, console?: { created: number; mfa: boolean }): UserIdentity {
  const id: UserIdentity = {
    type: 'IAMUser',
    principalId: stableIamId('AIDA', `${account}/${user}`),
    arn: userArn(account, user),
    accountId: account,
    accessKeyId,
    userName: user,
  };
  if (console)
    id.sessionContext = { attributes: { creationDate: isoSeconds(console.created), mfaAuthenticated: String(console.mfa) } };
  return id;
}

export interface RoleSession {
  account: string;
  role: string;
  /** IAM path of the role (`/aws-reserved/sso.amazonaws.com/` for Identity Center roles). */
  path?: string;
  sessionName: string;
  accessKeyId: string;
  created: number;
  mfa?: boolean;
  ec2RoleDelivery?: boolean;
  invokedBy?: string;
  sourceIdentity?: string;
}

export function roleId(account: string, role: string): string {
  return stableIamId('AROA', `${account}/${role}`);
}

/** The identity of calls made with a role session's credentials (`AssumedRole`, with its session issuer). */
export function assumedRoleIdentity(s: RoleSession): UserIdentity {
  const rid = roleId(s.account, s.role);
  const id: UserIdentity = {
    type: 'AssumedRole',
    principalId: `${rid}:${s.sessionName}`,
    arn: `arn:aws:sts::${s.account}:assumed-role/${s.role}/${s.sessionName}`,
    accountId: s.account,
    accessKeyId: s.accessKeyId,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: rid, arn: roleArn(s.account, s.role, s.path), accountId: s.account, userName: s.role },
      webIdFederationData: {},
      attributes: { creationDate: isoSeconds(s.created), mfaAuthenticated: String(s.mfa ?? false) },
    },
  };
  if (s.ec2RoleDelivery) id.sessionContext!.ec2RoleDelivery = '2.0';
  if (s.sourceIdentity) id.sessionContext!.sourceIdentity = s.sourceIdentity;
  if (s.invokedBy) id.invokedBy = s.invokedBy;
  return id;
}

/** A call made by an AWS service itself (`AWSService`), e.g. CloudTrail asking KMS for a data key. */
export function serviceCaller(service: string): Caller {
  return { identity: { type: 'AWSService', invokedBy: service }, ip: service, userAgent: service, tls: false };
}

// ---- people ---------------------------------------------------------------------------------------------------

export interface Person {
  name: string;
  /** IAM users log in with a password and MFA; SSO people federate through IAM Identity Center. */
  kind: 'iam' | 'sso';
  /** Account holding the IAM user (for `iam`), or the accounts the person federates into (for `sso`). */
  home: string;
  permissionSet: string;
  /** Long-term access key of an IAM user, used from the CLI. */
  accessKeyId: string;
  ips: string[];
  browser: string;
  cli: string;
}

const FIRST = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'yasmin'];
const LAST = ['smith', 'jones', 'garcia', 'martin', 'dubois', 'rossi', 'kowalski', 'nguyen', 'silva', 'schmidt', 'tanaka', 'ali', 'murphy', 'novak'];

export const BROWSERS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15',
];

export const CLIS = [
  'aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.7 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off',
  'aws-cli/2.17.32 md/awscrt#0.21.2 ua/2.0 os/linux#6.8.0-49-generic md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off',
  'Boto3/1.35.71 md/Botocore#1.35.71 ua/2.0 os/linux#6.8.0-49-generic md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.71',
  'aws-sdk-go-v2/1.32.6 ua/2.1 os/macos lang/go#1.23.4 md/GOOS#darwin md/GOARCH#arm64 api/sts#1.33.2 m/E',
  'APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.80.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.6 ua/2.1 os/linux lang/go#1.23.3 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.196.0',
];

/** Office egress addresses (documentation range: these are not anyone's real addresses). */
export const OFFICE_IPS = ['198.51.100.10', '198.51.100.11', '198.51.100.12'];

/** The named people of the demo, in order; `extra` adds generated colleagues (for the access benchmark). */
export function buildPeople(accounts: Account[], extra = 0): Person[] {
  const mgmt = accounts[0]!.id;
  const named: { name: string; kind: 'iam' | 'sso'; set: string }[] = [
    { name: 'alice', kind: 'iam', set: 'AdministratorAccess' },
    { name: 'bob', kind: 'iam', set: 'AdministratorAccess' },
    { name: 'carol', kind: 'sso', set: 'AdministratorAccess' },
    { name: 'dave', kind: 'sso', set: 'PowerUserAccess' },
    { name: 'erin', kind: 'sso', set: 'ReadOnlyAccess' },
    { name: 'frank', kind: 'sso', set: 'PowerUserAccess' },
  ];
  const sets = ['ReadOnlyAccess', 'PowerUserAccess', 'DeveloperAccess', 'SecurityAudit', 'BillingAccess'];
  for (let i = 0; i < extra; i++) {
    const name = `${FIRST[i % FIRST.length]}.${LAST[Math.floor(i / FIRST.length) % LAST.length]}${i >= FIRST.length * LAST.length ? i : ''}`;
    named.push({ name, kind: i % 4 === 0 ? 'iam' : 'sso', set: sets[i % sets.length]! });
  }
  return named.map((p) => {
    const rng = new Rng(hash32('person', p.name));
    const home = p.kind === 'iam' ? mgmt : accounts[rng.int(accounts.length)]!.id;
    return {
      name: p.name,
      kind: p.kind,
      home,
      permissionSet: p.set,
      accessKeyId: stableIamId('AKIA', `${home}/${p.name}`, 16),
      ips: [rng.pick(OFFICE_IPS), `192.0.2.${rng.range(2, 250)}`],
      browser: rng.pick(BROWSERS),
      cli: rng.pick(CLIS),
    };
  });
}

/** Identity Center's role for a permission set in an account (`AWSReservedSSO_<set>_<16 hex>`). */
export function ssoRoleName(account: string, set: string): string {
  return `AWSReservedSSO_${set}_${new Rng(hash32('sso', account, set)).hex(16)}`;
}

export const SSO_ROLE_PATH = '/aws-reserved/sso.amazonaws.com/';

export function samlProviderArn(account: string): string {
  return `arn:aws:iam::${account}:saml-provider/AWSSSO_${new Rng(hash32('saml', account)).hex(16)}_DO_NOT_DELETE`;
}
