/**
 * The calls vigil collects, named as CloudMapper names their files. A parameterised call runs once per item
 * of another call's response (every bucket, every key...) and is stored as `<name>/<url-encoded param>`.
 * The simulated AWS reads `param.key` to find which input member names the resource.
 */
import type { Partition } from '../snapshot/types.js';
import { callName } from './services.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface CallContext {
  account: string;
  region: string;
  partition: Partition;
}

export interface CallSpec {
  name: string;
  service: string;
  op: string;
  input?: Record<string, unknown>;
  /** A call to make first until it says ready (the credential report must be generated before it is read). */
  prepare?: { op: string; ready: (out: Json) => boolean };
  param?: {
    /** The call whose response lists the parameters (same account and scope). */
    from: string;
    items: (data: Json, ctx: CallContext) => string[];
    input: (param: string) => Record<string, unknown>;
    /** The input member carrying the parameter. */
    key: string;
  };
}

const list = (v: unknown): Json[] => (Array.isArray(v) ? v : []);
const strings = (xs: unknown[]): string[] => xs.filter((x): x is string => typeof x === 'string' && x !== '');

function call(service: string, op: string, input?: Record<string, unknown>): CallSpec {
  return { name: callName(service, op), service, op, input };
}

/** A call made once per item of `from`; `key` is the input member, `extra` constant inputs. */
function per(service: string, op: string, from: string, items: (d: Json, ctx: CallContext) => unknown[], key: string, extra: Record<string, unknown> = {}): CallSpec {
  return {
    name: callName(service, op),
    service,
    op,
    param: { from, items: (d, ctx) => strings(items(d, ctx)), input: (p) => ({ ...extra, [key]: p }), key },
  };
}

const buckets = (d: Json) => list(d?.Buckets).map((b) => b?.Name);

export const CALLS: CallSpec[] = [
  // Identity first: every account's calls start from who we are.
  call('sts', 'GetCallerIdentity'),
  call('iam', 'GetAccountAuthorizationDetails'),
  { ...call('iam', 'GetCredentialReport'), prepare: { op: 'GenerateCredentialReport', ready: (o) => o?.State === 'COMPLETE' } },
  per('iam', 'ListAccessKeys', 'iam-get-account-authorization-details', (d) => list(d?.UserDetailList).map((u) => u?.UserName), 'UserName'),
  call('iam', 'GetAccountPasswordPolicy'),
  call('iam', 'GetAccountSummary'),
  call('iam', 'ListServerCertificates'),
  call('iam', 'ListSAMLProviders'),
  call('iam', 'ListOpenIDConnectProviders'),
  call('iam', 'ListVirtualMFADevices'),
  per('iam', 'ListEntitiesForPolicy', 'sts-get-caller-identity', (_d, ctx) => [`arn:${ctx.partition}:iam::aws:policy/AWSSupportAccess`], 'PolicyArn'),
  call('s3', 'ListBuckets'),
  // The account-level block: S3 Control takes the account id as input, so it hangs off the caller identity.
  per('s3control', 'GetPublicAccessBlock', 'sts-get-caller-identity', (_d, ctx) => [ctx.account], 'AccountId'),
  per('s3', 'GetBucketPolicy', 's3-list-buckets', buckets, 'Bucket'),
  per('s3', 'GetBucketPolicyStatus', 's3-list-buckets', buckets, 'Bucket'),
  per('s3', 'GetBucketAcl', 's3-list-buckets', buckets, 'Bucket'),
  per('s3', 'GetPublicAccessBlock', 's3-list-buckets', buckets, 'Bucket'),
  per('s3', 'GetBucketEncryption', 's3-list-buckets', buckets, 'Bucket'),
  per('s3', 'GetBucketVersioning', 's3-list-buckets', buckets, 'Bucket'),
  per('s3', 'GetBucketLogging', 's3-list-buckets', buckets, 'Bucket'),
  per('s3', 'GetBucketTagging', 's3-list-buckets', buckets, 'Bucket'),
  call('route53', 'ListHostedZones'),
  call('route53domains', 'ListDomains'),
  call('cloudfront', 'ListDistributions'),

  call('ec2', 'DescribeInstances'),
  call('ec2', 'DescribeSecurityGroups'),
  call('ec2', 'DescribeVpcs'),
  call('ec2', 'DescribeSubnets'),
  call('ec2', 'DescribeRouteTables'),
  call('ec2', 'DescribeNetworkAcls'),
  call('ec2', 'DescribeNetworkInterfaces'),
  call('ec2', 'DescribeInternetGateways'),
  call('ec2', 'DescribeNatGateways'),
  call('ec2', 'DescribeVpnGateways'),
  call('ec2', 'DescribeFlowLogs'),
  call('ec2', 'DescribeVpcEndpoints'),
  call('ec2', 'DescribeVpcPeeringConnections'),
  call('ec2', 'DescribeVolumes'),
  call('ec2', 'DescribeAddresses'),
  call('ec2', 'GetEbsEncryptionByDefault'),
  call('ec2', 'DescribeSnapshots', { OwnerIds: ['self'] }),
  per('ec2', 'DescribeSnapshotAttribute', 'ec2-describe-snapshots', (d) => list(d?.Snapshots).map((s) => s?.SnapshotId), 'SnapshotId', {
    Attribute: 'createVolumePermission',
  }),
  call('ec2', 'DescribeImages', { Owners: ['self'] }),
  per('ec2', 'DescribeImageAttribute', 'ec2-describe-images', (d) => list(d?.Images).map((s) => s?.ImageId), 'ImageId', { Attribute: 'launchPermission' }),

  call('cloudtrail', 'DescribeTrails'),
  per('cloudtrail', 'GetTrailStatus', 'cloudtrail-describe-trails', (d) => list(d?.trailList).map((t) => t?.TrailARN), 'Name'),
  per('cloudtrail', 'GetEventSelectors', 'cloudtrail-describe-trails', (d) => list(d?.trailList).map((t) => t?.TrailARN), 'TrailName'),
  call('config', 'DescribeConfigurationRecorders'),
  call('config', 'DescribeConfigurationRecorderStatus'),
  call('config', 'DescribeDeliveryChannels'),
  call('guardduty', 'ListDetectors'),
  per('guardduty', 'GetDetector', 'guardduty-list-detectors', (d) => list(d?.DetectorIds), 'DetectorId'),
  call('kms', 'ListKeys'),
  call('kms', 'ListAliases'),
  per('kms', 'GetKeyPolicy', 'kms-list-keys', (d) => list(d?.Keys).map((k) => k?.KeyId), 'KeyId', { PolicyName: 'default' }),
  per('kms', 'GetKeyRotationStatus', 'kms-list-keys', (d) => list(d?.Keys).map((k) => k?.KeyId), 'KeyId'),
  per('kms', 'DescribeKey', 'kms-list-keys', (d) => list(d?.Keys).map((k) => k?.KeyId), 'KeyId'),
  call('lambda', 'ListFunctions'),
  per('lambda', 'GetPolicy', 'lambda-list-functions', (d) => list(d?.Functions).map((f) => f?.FunctionName), 'FunctionName'),
  call('rds', 'DescribeDBInstances'),
  call('rds', 'DescribeDBSnapshots'),
  per('rds', 'DescribeDBSnapshotAttributes', 'rds-describe-db-snapshots', (d) => list(d?.DBSnapshots).map((s) => s?.DBSnapshotIdentifier), 'DBSnapshotIdentifier'),
  call('accessanalyzer', 'ListAnalyzers'),
  call('securityhub', 'DescribeHub'),
  call('efs', 'DescribeFileSystems'),
  call('logs', 'DescribeMetricFilters'),
  call('cloudwatch', 'DescribeAlarms'),
  call('sns', 'ListTopics'),
  per('sns', 'GetTopicAttributes', 'sns-list-topics', (d) => list(d?.Topics).map((t) => t?.TopicArn), 'TopicArn'),
  call('sns', 'ListSubscriptions'),
  call('sqs', 'ListQueues'),
  per('sqs', 'GetQueueAttributes', 'sqs-list-queues', (d) => list(d?.QueueUrls), 'QueueUrl', { AttributeNames: ['All'] }),
  call('secretsmanager', 'ListSecrets'),
  per('secretsmanager', 'GetResourcePolicy', 'secretsmanager-list-secrets', (d) => list(d?.SecretList).map((s) => s?.ARN), 'SecretId'),
  call('ecr', 'DescribeRepositories'),
  per('ecr', 'GetRepositoryPolicy', 'ecr-describe-repositories', (d) => list(d?.repositories).map((r) => r?.repositoryName), 'repositoryName'),
  call('glacier', 'ListVaults', { accountId: '-' }),
  per('glacier', 'GetVaultAccessPolicy', 'glacier-list-vaults', (d) => list(d?.VaultList).map((v) => v?.VaultName), 'vaultName', { accountId: '-' }),
  call('elb', 'DescribeLoadBalancers'),
  per('elb', 'DescribeLoadBalancerAttributes', 'elb-describe-load-balancers', (d) => list(d?.LoadBalancerDescriptions).map((l) => l?.LoadBalancerName), 'LoadBalancerName'),
  call('elbv2', 'DescribeLoadBalancers'),
  per('elbv2', 'DescribeLoadBalancerAttributes', 'elbv2-describe-load-balancers', (d) => list(d?.LoadBalancers).map((l) => l?.LoadBalancerArn), 'LoadBalancerArn'),
  per('elbv2', 'DescribeListeners', 'elbv2-describe-load-balancers', (d) => list(d?.LoadBalancers).map((l) => l?.LoadBalancerArn), 'LoadBalancerArn'),
  call('redshift', 'DescribeClusters'),
  call('redshift', 'DescribeClusterSubnetGroups'),
  call('es', 'ListDomainNames'),
  per('es', 'DescribeElasticsearchDomain', 'es-list-domain-names', (d) => list(d?.DomainNames).map((x) => x?.DomainName), 'DomainName'),
  call('lightsail', 'GetInstances'),
  call('lightsail', 'GetLoadBalancers'),
];

/** Calls the collector makes without storing their answers (sessions, the account list, report generation). */
export const SUPPORT_CALLS = new Set(['sts-assume-role', 'organizations-list-accounts', 'iam-generate-credential-report']);

const byName = new Map(CALLS.map((c) => [c.name, c]));
export function callSpec(name: string): CallSpec | undefined {
  return byName.get(name);
}
