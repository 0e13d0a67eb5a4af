/**
 * A deterministic synthetic organisation for the simulated AWS (tests and the benchmark): per account IAM
 * users with access keys, roles, groups and local policies, buckets with policies, and per region a VPC with
 * subnets, a VPN gateway, instances, security groups, KMS keys, Lambda functions (with secret environment
 * values, which collection must redact), a trail and a GuardDuty detector.
 */
import type { ScenarioInput } from './scenario.js';

export interface SyntheticOptions {
  accounts: number;
  regions: string[];
  disabledRegions?: string[];
  /** Resources of each kind per account (IAM, S3) or per region. */
  size?: number;
  /** Bumps names so two generations differ (a second snapshot "since last night"). */
  generation?: number;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export function syntheticScenario(o: SyntheticOptions): ScenarioInput {
  const size = o.size ?? 3;
  const gen = o.generation ?? 0;
  const accounts = Array.from({ length: o.accounts }, (_, i) => {
    const id = `1000000000${pad(i, 2)}`;
    const users = Array.from({ length: size + gen }, (_, u) => ({
      UserName: `user-${u}`,
      UserId: `AIDA${id}${u}`,
      Arn: `arn:aws:iam::${id}:user/user-${u}`,
      Path: '/',
      CreateDate: '2024-01-01T00:00:00Z',
      UserPolicyList: [],
      GroupList: u === 0 ? ['admins'] : [],
      AttachedManagedPolicies: [],
      Tags: [{ Key: 'team', Value: u % 2 ? 'red' : 'blue' }],
    }));
    const keys = Object.fromEntries(
      users.map((u, k) => [
        u.UserName,
        { AccessKeyMetadata: [{ UserName: u.UserName, AccessKeyId: `AKIA${id}${k}${gen && k === 0 ? 'B' : 'A'}`, Status: 'Active', CreateDate: '2024-02-01T00:00:00Z' }] },
      ]),
    );
    const buckets = Array.from({ length: size }, (_, b) => ({ Name: `bucket-${id}-${b}`, CreationDate: '2023-05-01T00:00:00Z' }));
    const global: Record<string, unknown> = {
      'iam-get-account-authorization-details': {
        UserDetailList: users,
        GroupDetailList: [{ GroupName: 'admins', GroupId: 'AGPA1', Arn: `arn:aws:iam::${id}:group/admins`, Path: '/', CreateDate: '2024-01-01T00:00:00Z' }],
        RoleDetailList: Array.from({ length: size }, (_, r) => ({
          RoleName: `role-${r}`,
          RoleId: `AROA${id}${r}`,
          Arn: `arn:aws:iam::${id}:role/role-${r}`,
          Path: '/',
          CreateDate: '2024-01-01T00:00:00Z',
          AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
        })),
        Policies: [
          {
            PolicyName: 'local-admin',
            PolicyId: 'ANPA1',
            Arn: `arn:aws:iam::${id}:policy/local-admin`,
            DefaultVersionId: gen ? 'v2' : 'v1',
            AttachmentCount: 1,
            PolicyVersionList: [{ VersionId: gen ? 'v2' : 'v1', IsDefaultVersion: true, Document: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' }],
          },
        ],
      },
      'iam-list-access-keys': { $params: keys },
      'iam-get-credential-report': { Content: `user,arn,password_enabled\n<root_account>,arn:aws:iam::${id}:root,not_supported\n`, ReportFormat: 'text/csv' },
      'iam-get-account-password-policy': { PasswordPolicy: { MinimumPasswordLength: 14, RequireSymbols: true } },
      'iam-get-account-summary': { SummaryMap: { Users: users.length, AccountMFAEnabled: 1 } },
      's3-list-buckets': { Buckets: buckets, Owner: { ID: 'owner' } },
      's3control-get-public-access-block': {
        $params: { [id]: { PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } } },
      },
      's3-get-bucket-policy': {
        $params: Object.fromEntries(buckets.map((b, n) => [b.Name, n === 0 ? { Policy: `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::${b.Name}/*"}]}` } : { $error: { code: 'NoSuchBucketPolicy', status: 404, message: 'The bucket policy does not exist' } }])),
      },
      's3-get-bucket-versioning': { $params: Object.fromEntries(buckets.map((b) => [b.Name, { Status: 'Enabled' }])) },
      's3-get-bucket-encryption': {
        $params: Object.fromEntries(buckets.map((b) => [b.Name, { ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }])),
      },
    };
    const regional: Record<string, unknown> = {};
    for (const region of o.regions) {
      const vpc = `vpc-${id.slice(-4)}${region.replaceAll('-', '').slice(0, 6)}`;
      regional[region] = {
        'ec2-describe-vpcs': { Vpcs: [{ VpcId: vpc, CidrBlock: '10.0.0.0/16', IsDefault: false, OwnerId: id, Tags: [{ Key: 'Name', Value: `main-${region}` }] }] },
        'ec2-describe-subnets': {
          Subnets: Array.from({ length: size + (gen && region === o.regions[0] ? 1 : 0) }, (_, s) => ({
            SubnetId: `subnet-${vpc.slice(4)}${s}`,
            VpcId: vpc,
            CidrBlock: `10.0.${s}.0/24`,
            AvailabilityZone: `${region}a`,
            OwnerId: id,
            SubnetArn: `arn:aws:ec2:${region}:${id}:subnet/subnet-${vpc.slice(4)}${s}`,
          })),
        },
        'ec2-describe-vpn-gateways': { VpnGateways: gen ? [{ VpnGatewayId: `vgw-${vpc.slice(4)}`, State: 'available', Type: 'ipsec.1' }] : [] },
        'ec2-describe-security-groups': {
          SecurityGroups: Array.from({ length: size }, (_, g) => ({
            GroupId: `sg-${vpc.slice(4)}${g}`,
            GroupName: `sg-${g}`,
            VpcId: vpc,
            OwnerId: id,
            Description: 'synthetic',
            IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: g === 0 ? '0.0.0.0/0' : '10.0.0.0/8' }] }],
          })),
        },
        'ec2-describe-instances': {
          Reservations: Array.from({ length: size }, (_, r) => ({
            ReservationId: `r-${vpc.slice(4)}${r}`,
            OwnerId: id,
            Instances: [{ InstanceId: `i-${vpc.slice(4)}${r}`, InstanceType: 't3.micro', LaunchTime: '2024-03-01T00:00:00Z', VpcId: vpc, State: { Name: 'running', Code: 16 } }],
          })),
        },
        'ec2-get-ebs-encryption-by-default': { EbsEncryptionByDefault: region !== o.regions[0] },
        'kms-list-keys': { Keys: Array.from({ length: size }, (_, k) => ({ KeyId: `key-${k}`, KeyArn: `arn:aws:kms:${region}:${id}:key/key-${k}` })) },
        'kms-get-key-rotation-status': { $params: Object.fromEntries(Array.from({ length: size }, (_, k) => [`key-${k}`, { KeyRotationEnabled: k > 0 }])) },
        'lambda-list-functions': {
          Functions: [{ FunctionName: 'fn', FunctionArn: `arn:aws:lambda:${region}:${id}:function:fn`, Runtime: 'nodejs20.x', Environment: { Variables: { DB_PASSWORD: 'hunter2-secret' } } }],
        },
        'cloudtrail-describe-trails': { trailList: [{ Name: 'org', TrailARN: `arn:aws:cloudtrail:${region}:${id}:trail/org`, IsMultiRegionTrail: true, HomeRegion: o.regions[0] }] },
        'cloudtrail-get-trail-status': { $params: { [`arn:aws:cloudtrail:${region}:${id}:trail/org`]: { IsLogging: true } } },
        'guardduty-list-detectors': { DetectorIds: [`det${id.slice(-4)}`] },
        'guardduty-get-detector': { $params: { [`det${id.slice(-4)}`]: { Status: 'ENABLED', ServiceRole: 'x', CreatedAt: '2024-01-01T00:00:00Z' } } },
      };
    }
    return {
      id,
      name: i === 0 ? 'management' : `member-${i}`,
      regions: o.regions,
      disabledRegions: o.disabledRegions ?? [],
      data: { global, ...regional } as Record<string, Record<string, unknown>>,
    };
  });
  return { management: accounts[0]!.id, pageSize: 2, accounts };
}
