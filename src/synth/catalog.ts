/**
 * The API calls the sample organisation makes, with request parameters and responses shaped as CloudTrail records
 * them (most read calls have `responseElements: null`; S3 calls carry `Host` and `additionalEventData`).
 */
import type { Rng } from './random.js';
import type { AccountEstate } from './estate.js';

export interface CallContext {
  rng: Rng;
  estate: AccountEstate;
  region: string;
  time: number;
}

export interface Api {
  source: string;
  name: string;
  write?: boolean;
  /** A data event (S3 object-level): eventCategory Data, managementEvent false. */
  data?: boolean;
  /** IAM, STS (global endpoint), signin and organizations calls are recorded in us-east-1. */
  global?: boolean;
  params?: (c: CallContext) => Record<string, unknown> | null;
  response?: (c: CallContext, params: Record<string, unknown> | null) => Record<string, unknown> | null;
  resources?: (c: CallContext, params: Record<string, unknown> | null) => { ARN?: string; accountId?: string; type?: string }[];
}

const EC2 = 'ec2.amazonaws.com';
const S3 = 's3.amazonaws.com';
const IAM = 'iam.amazonaws.com';

const s3Host = (c: CallContext, bucket?: string) => (bucket ? `${bucket}.s3.${c.region}.amazonaws.com` : `s3.${c.region}.amazonaws.com`);

/** `additionalEventData` of S3 calls, as real records carry it. */
export function s3Additional(rng: Rng, out: number, inBytes = 0): Record<string, unknown> {
  return {
    SignatureVersion: 'SigV4',
    CipherSuite: 'TLS_AES_128_GCM_SHA256',
    bytesTransferredIn: inBytes,
    AuthenticationMethod: 'AuthHeader',
    'x-amz-id-2': `${rng.lower(12)}${rng.upper(20)}${rng.lower(24)}=`,
    bytesTransferredOut: out,
  };
}

const OBJECT_PREFIXES = ['exports/2026/', 'reports/daily/', 'images/products/', 'uploads/', 'config/', 'releases/', 'invoices/'];
const EXT = ['.json', '.csv.gz', '.parquet', '.png', '.pdf', '.tar.gz'];

export function objectKey(rng: Rng): string {
  return `${rng.pick(OBJECT_PREFIXES)}${rng.lower(rng.range(6, 14))}${rng.pick(EXT)}`;
}

/** The `resources` of an S3 object-level event: the object, then its bucket. */
export function s3ObjectResources(account: string, bucket: string, key: string) {
  return [
    { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
    { accountId: account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
  ];
}

export function s3ObjectCall(name: 'GetObject' | 'PutObject' | 'HeadObject' | 'DeleteObject'): Api {
  return {
    source: S3,
    name,
    data: true,
    write: name === 'PutObject' || name === 'DeleteObject',
    params: (c) => {
      const bucket = c.rng.pick(c.estate.buckets);
      return { bucketName: bucket, Host: s3Host(c, bucket), key: objectKey(c.rng) };
    },
    response: (c) =>
      name === 'PutObject' ? { 'x-amz-server-side-encryption': 'AES256', 'x-amz-version-id': c.rng.lower(32) } : null,
    resources: (c, p) => s3ObjectResources(c.estate.id, p!.bucketName as string, p!.key as string),
  };
}

function bucketCall(name: string, extra: Record<string, unknown> = {}, write = false): Api {
  return {
    source: S3,
    name,
    write,
    params: (c) => {
      const bucket = c.rng.pick(c.estate.buckets);
      return { bucketName: bucket, Host: s3Host(c, bucket), ...extra };
    },
    resources: (c, p) => [{ accountId: c.estate.id, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${p!.bucketName as string}` }],
  };
}

const items = (key: string, values: string[]) => ({ items: values.map((v) => ({ [key]: v })) });

/** Read calls people and tools make all day (consoles, CLIs, dashboards). */
export const READS: Api[] = [
  { source: EC2, name: 'DescribeInstances', params: (c) => (c.rng.chance(0.5) ? { instancesSet: items('instanceId', [c.rng.pick(c.estate.instances)]), filterSet: {} } : { maxResults: 1000, instancesSet: {}, filterSet: {} }) },
  { source: EC2, name: 'DescribeSecurityGroups', params: (c) => ({ securityGroupSet: {}, securityGroupIdSet: items('groupId', [c.rng.pick(c.estate.securityGroups)]), filterSet: {} }) },
  { source: EC2, name: 'DescribeVpcs', params: () => ({ vpcSet: {}, filterSet: {} }) },
  { source: EC2, name: 'DescribeSubnets', params: (c) => ({ subnetSet: {}, filterSet: { items: [{ name: 'vpc-id', valueSet: items('value', [c.rng.pick(c.estate.vpcs)]) }] } }) },
  { source: EC2, name: 'DescribeVolumes', params: () => ({ volumeSet: {}, filterSet: {}, maxResults: 500 }) },
  { source: EC2, name: 'DescribeSnapshots', params: () => ({ snapshotSet: {}, ownersSet: items('owner', ['self']), sharedUsersSet: {}, filterSet: {} }) },
  { source: EC2, name: 'DescribeInstanceStatus', params: (c) => ({ instancesSet: items('instanceId', [c.rng.pick(c.estate.instances), c.rng.pick(c.estate.instances)]), filterSet: {}, includeAllInstances: true }) },
  { source: EC2, name: 'DescribeAddresses', params: () => ({ publicIpsSet: {}, allocationIdsSet: {}, filterSet: {} }) },
  { source: EC2, name: 'DescribeNetworkInterfaces', params: (c) => ({ networkInterfaceIdSet: {}, filterSet: { items: [{ name: 'vpc-id', valueSet: items('value', [c.rng.pick(c.estate.vpcs)]) }] } }) },
  { source: EC2, name: 'DescribeRegions', params: () => ({ regionSet: {}, allRegions: false }) },
  { source: S3, name: 'ListBuckets', params: (c) => ({ Host: s3Host(c) }) },
  bucketCall('GetBucketAcl', { acl: '' }),
  bucketCall('GetBucketPolicy', { policy: '' }),
  bucketCall('GetBucketLocation', { location: '' }),
  bucketCall('GetBucketVersioning', { versioning: '' }),
  bucketCall('GetBucketEncryption', { encryption: '' }),
  bucketCall('GetBucketPublicAccessBlock', { publicAccessBlock: '' }),
  bucketCall('GetBucketTagging', { tagging: '' }),
  { source: IAM, name: 'ListUsers', global: true, params: () => null },
  { source: IAM, name: 'ListRoles', global: true, params: () => null },
  { source: IAM, name: 'GetRole', global: true, params: (c) => ({ roleName: c.rng.pick(c.estate.roles) }) },
  { source: IAM, name: 'ListAttachedRolePolicies', global: true, params: (c) => ({ roleName: c.rng.pick(c.estate.roles) }) },
  { source: IAM, name: 'ListRolePolicies', global: true, params: (c) => ({ roleName: c.rng.pick(c.estate.roles) }) },
  { source: IAM, name: 'ListPolicies', global: true, params: () => ({ scope: 'Local', onlyAttached: false }) },
  { source: IAM, name: 'GetPolicy', global: true, params: (c) => ({ policyArn: `arn:aws:iam::aws:policy/${c.rng.pick(['ReadOnlyAccess', 'AmazonS3ReadOnlyAccess', 'PowerUserAccess', 'AWSLambdaBasicExecutionRole'])}` }) },
  { source: IAM, name: 'GetAccountSummary', global: true, params: () => null },
  { source: IAM, name: 'GetAccountPasswordPolicy', global: true, params: () => null },
  { source: IAM, name: 'ListGroups', global: true, params: () => null },
  { source: 'sts.amazonaws.com', name: 'GetCallerIdentity', params: () => null },
  { source: 'lambda.amazonaws.com', name: 'ListFunctions20150331', params: () => null },
  { source: 'lambda.amazonaws.com', name: 'GetFunction20150331v2', params: (c) => ({ functionName: c.rng.pick(c.estate.functions) }) },
  { source: 'lambda.amazonaws.com', name: 'GetFunctionConfiguration20150331v2', params: (c) => ({ functionName: c.rng.pick(c.estate.functions) }) },
  { source: 'cloudformation.amazonaws.com', name: 'DescribeStacks', params: (c) => ({ stackName: c.rng.pick(c.estate.stacks) }) },
  { source: 'cloudformation.amazonaws.com', name: 'ListStacks', params: () => ({ stackStatusFilter: ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'] }) },
  { source: 'cloudformation.amazonaws.com', name: 'DescribeStackEvents', params: (c) => ({ stackName: c.rng.pick(c.estate.stacks) }) },
  { source: 'rds.amazonaws.com', name: 'DescribeDBInstances', params: () => ({ maxRecords: 100 }) },
  { source: 'rds.amazonaws.com', name: 'DescribeDBClusters', params: () => ({ includeShared: false }) },
  { source: 'kms.amazonaws.com', name: 'ListKeys', params: () => ({ limit: 1000 }) },
  { source: 'kms.amazonaws.com', name: 'DescribeKey', params: (c) => ({ keyId: c.rng.pick(c.estate.kmsKeys) }), resources: (c, p) => [{ accountId: c.estate.id, type: 'AWS::KMS::Key', ARN: `arn:aws:kms:${c.region}:${c.estate.id}:key/${p!.keyId as string}` }] },
  { source: 'kms.amazonaws.com', name: 'ListAliases', params: () => null },
  { source: 'cloudtrail.amazonaws.com', name: 'DescribeTrails', params: () => ({ trailNameList: [], includeShadowTrails: true }) },
  { source: 'cloudtrail.amazonaws.com', name: 'GetTrailStatus', params: (c) => ({ name: `arn:aws:cloudtrail:us-east-1:${c.estate.id}:trail/${c.estate.trail}` }) },
  { source: 'cloudtrail.amazonaws.com', name: 'LookupEvents', params: (c) => ({ startTime: new Date(c.time - 3600_000).toUTCString(), endTime: new Date(c.time).toUTCString(), maxResults: 50 }) },
  { source: 'logs.amazonaws.com', name: 'DescribeLogGroups', params: () => ({ limit: 50 }) },
  { source: 'logs.amazonaws.com', name: 'DescribeLogStreams', params: (c) => ({ logGroupName: c.rng.pick(c.estate.logGroups), orderBy: 'LastEventTime', descending: true, limit: 50 }) },
  { source: 'logs.amazonaws.com', name: 'FilterLogEvents', params: (c) => ({ logGroupName: c.rng.pick(c.estate.logGroups), startTime: c.time - 1800_000, filterPattern: 'ERROR', interleaved: true }) },
  { source: 'monitoring.amazonaws.com', name: 'DescribeAlarms', params: () => ({ maxRecords: 100 }) },
  { source: 'monitoring.amazonaws.com', name: 'GetMetricData', params: (c) => ({ startTime: new Date(c.time - 10800_000).toUTCString(), endTime: new Date(c.time).toUTCString(), maxDatapoints: 100800, metricDataQueries: [{ id: `m${c.rng.hex(6)}`, metricStat: { metric: { namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensions: [{ name: 'InstanceId', value: c.rng.pick(c.estate.instances) }] }, period: 300, stat: 'Average' }, returnData: true }] }) },
  { source: 'ssm.amazonaws.com', name: 'DescribeInstanceInformation', params: (c) => ({ filters: [{ key: 'InstanceIds', values: [c.rng.pick(c.estate.instances)] }] }) },
  { source: 'ssm.amazonaws.com', name: 'GetParameter', params: (c) => ({ name: c.rng.pick(c.estate.parameters), withDecryption: false }) },
  { source: 'secretsmanager.amazonaws.com', name: 'ListSecrets', params: () => ({ maxResults: 100 }) },
  { source: 'secretsmanager.amazonaws.com', name: 'DescribeSecret', params: (c) => ({ secretId: c.rng.pick(c.estate.secrets) }) },
  { source: 'ecr.amazonaws.com', name: 'DescribeRepositories', params: () => ({ maxResults: 100 }) },
  { source: 'ecs.amazonaws.com', name: 'ListClusters', params: () => null },
  { source: 'ecs.amazonaws.com', name: 'DescribeServices', params: (c) => ({ cluster: c.rng.pick(c.estate.clusters), services: [c.rng.pick(c.estate.repositories)] }) },
  { source: 'dynamodb.amazonaws.com', name: 'DescribeTable', params: (c) => ({ tableName: c.rng.pick(c.estate.tables) }) },
  { source: 'dynamodb.amazonaws.com', name: 'ListTables', params: () => null },
  { source: 'elasticloadbalancing.amazonaws.com', name: 'DescribeLoadBalancers', params: () => ({ pageSize: 400 }) },
  { source: 'guardduty.amazonaws.com', name: 'ListDetectors', params: () => null },
];

/** Changes people make by hand now and then. */
export const WRITES: Api[] = [
  { source: EC2, name: 'CreateTags', write: true, params: (c) => ({ resourcesSet: items('resourceId', [c.rng.pick(c.estate.instances)]), tagSet: { items: [{ key: 'owner', value: c.rng.pick(['platform', 'data', 'web']) }] } }), response: (c) => ({ requestId: c.rng.uuid(), _return: true }) },
  { source: EC2, name: 'StopInstances', write: true, params: (c) => ({ instancesSet: items('instanceId', [c.rng.pick(c.estate.instances)]), force: false }), response: (c, p) => ({ requestId: c.rng.uuid(), instancesSet: { items: [{ instanceId: ((p!.instancesSet as { items: { instanceId: string }[] }).items[0]!).instanceId, currentState: { code: 64, name: 'stopping' }, previousState: { code: 16, name: 'running' } }] } }) },
  { source: EC2, name: 'StartInstances', write: true, params: (c) => ({ instancesSet: items('instanceId', [c.rng.pick(c.estate.instances)]) }), response: (c, p) => ({ requestId: c.rng.uuid(), instancesSet: { items: [{ instanceId: ((p!.instancesSet as { items: { instanceId: string }[] }).items[0]!).instanceId, currentState: { code: 0, name: 'pending' }, previousState: { code: 80, name: 'stopped' } }] } }) },
  bucketCall('PutBucketTagging', { tagging: '', Tagging: { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/', TagSet: { Tag: { Value: 'platform', Key: 'team' } } } }, true),
  { source: IAM, name: 'TagRole', write: true, global: true, params: (c) => ({ roleName: c.rng.pick(c.estate.roles), tags: [{ key: 'cost-center', value: String(c.rng.range(100, 999)) }] }) },
  { source: 'ssm.amazonaws.com', name: 'PutParameter', write: true, params: (c) => ({ name: c.rng.pick(c.estate.parameters), type: 'String', overwrite: true, tier: 'Standard', dataType: 'text' }), response: (c) => ({ version: c.rng.range(2, 40), tier: 'Standard' }) },
  { source: 'lambda.amazonaws.com', name: 'UpdateFunctionConfiguration20150331v2', write: true, params: (c) => ({ functionName: c.rng.pick(c.estate.functions), timeout: c.rng.pick([10, 30, 60]), memorySize: c.rng.pick([256, 512, 1024]) }) },
];

/** A CI pipeline deploying: images, stacks, functions, artifacts. */
export const DEPLOYS: Api[] = [
  { source: 'ecr.amazonaws.com', name: 'GetAuthorizationToken', params: () => ({ registryIds: [] }) },
  { source: 'ecr.amazonaws.com', name: 'BatchCheckLayerAvailability', params: (c) => ({ repositoryName: c.rng.pick(c.estate.repositories), layerDigests: [`sha256:${c.rng.hex(64)}`, `sha256:${c.rng.hex(64)}`] }) },
  { source: 'ecr.amazonaws.com', name: 'PutImage', write: true, params: (c) => ({ repositoryName: c.rng.pick(c.estate.repositories), imageTag: `v1.${c.rng.range(0, 80)}.${c.rng.range(0, 30)}`, imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json' }), response: (c, p) => ({ image: { registryId: c.estate.id, repositoryName: p!.repositoryName, imageId: { imageDigest: `sha256:${c.rng.hex(64)}`, imageTag: p!.imageTag } } }) },
  { source: 'cloudformation.amazonaws.com', name: 'CreateChangeSet', write: true, params: (c) => ({ stackName: c.rng.pick(c.estate.stacks), changeSetName: `deploy-${c.rng.hex(8)}`, changeSetType: 'UPDATE', capabilities: ['CAPABILITY_IAM'], templateURL: `https://s3.amazonaws.com/${c.estate.buckets[2]}/templates/${c.rng.hex(12)}.json` }), response: (c) => ({ id: `arn:aws:cloudformation:${c.region}:${c.estate.id}:changeSet/deploy/${c.rng.uuid()}`, stackId: `arn:aws:cloudformation:${c.region}:${c.estate.id}:stack/${c.rng.pick(c.estate.stacks)}/${c.rng.uuid()}` }) },
  { source: 'cloudformation.amazonaws.com', name: 'ExecuteChangeSet', write: true, params: (c) => ({ changeSetName: `arn:aws:cloudformation:${c.region}:${c.estate.id}:changeSet/deploy/${c.rng.uuid()}` }) },
  { source: 'cloudformation.amazonaws.com', name: 'DescribeStacks', params: (c) => ({ stackName: c.rng.pick(c.estate.stacks) }) },
  { source: 'lambda.amazonaws.com', name: 'UpdateFunctionCode20150331v2', write: true, params: (c) => ({ functionName: c.rng.pick(c.estate.functions), s3Bucket: c.estate.buckets[2], s3Key: `lambda/${c.rng.hex(12)}.zip`, publish: true }), response: (c, p) => ({ functionName: p!.functionName, functionArn: `arn:aws:lambda:${c.region}:${c.estate.id}:function:${p!.functionName as string}`, runtime: 'nodejs20.x', codeSize: c.rng.range(100_000, 9_000_000), codeSha256: `${c.rng.lower(43)}=`, version: String(c.rng.range(2, 300)), state: 'Pending', lastUpdateStatus: 'InProgress' }) },
  { source: 'ecs.amazonaws.com', name: 'RegisterTaskDefinition', write: true, params: (c) => ({ family: c.rng.pick(c.estate.repositories), networkMode: 'awsvpc', cpu: '512', memory: '1024', requiresCompatibilities: ['FARGATE'] }) },
  { source: 'ecs.amazonaws.com', name: 'UpdateService', write: true, params: (c) => ({ cluster: c.rng.pick(c.estate.clusters), service: c.rng.pick(c.estate.repositories), forceNewDeployment: true }) },
  s3ObjectCall('PutObject'),
];

/** What workloads (instances, functions) call with their role sessions. */
export const WORKLOAD: Api[] = [
  s3ObjectCall('GetObject'),
  s3ObjectCall('GetObject'),
  s3ObjectCall('PutObject'),
  s3ObjectCall('HeadObject'),
  { source: 'secretsmanager.amazonaws.com', name: 'GetSecretValue', params: (c) => ({ secretId: c.rng.pick(c.estate.secrets) }) },
  { source: 'kms.amazonaws.com', name: 'Decrypt', params: () => ({ encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }), resources: (c) => [{ accountId: c.estate.id, type: 'AWS::KMS::Key', ARN: `arn:aws:kms:${c.region}:${c.estate.id}:key/${c.rng.pick(c.estate.kmsKeys)}` }] },
  { source: 'ssm.amazonaws.com', name: 'UpdateInstanceInformation', write: true, params: (c) => ({ instanceId: c.rng.pick(c.estate.instances), agentVersion: '3.3.1142.0', agentStatus: 'Active', platformType: 'Linux', platformName: 'Amazon Linux', platformVersion: '2023', iPAddress: `10.0.${c.rng.int(255)}.${c.rng.int(255)}`, computerName: `ip-10-0-${c.rng.int(255)}-${c.rng.int(255)}.ec2.internal`, agentName: 'amazon-ssm-agent', availabilityZone: `${c.region}a` }) },
  { source: 'ssm.amazonaws.com', name: 'GetParameter', params: (c) => ({ name: c.rng.pick(c.estate.parameters), withDecryption: true }) },
  { source: 'monitoring.amazonaws.com', name: 'PutMetricData', write: true, params: (c) => ({ namespace: 'CWAgent', metricData: [{ metricName: 'mem_used_percent', value: c.rng.range(10, 90), unit: 'Percent' }] }) },
  { source: 'logs.amazonaws.com', name: 'CreateLogStream', write: true, params: (c) => ({ logGroupName: c.rng.pick(c.estate.logGroups), logStreamName: `2026/03/02/[$LATEST]${c.rng.hex(32)}` }) },
];

/** What AWS Config's recorder reads, through its service-linked role. */
export const CONFIG_READS: Api[] = READS.filter((a) => a.source !== 's3.amazonaws.com' || a.name !== 'ListBuckets').filter((a) => /^(Describe|Get|List)/.test(a.name) && a.source !== 'sts.amazonaws.com' && a.name !== 'LookupEvents' && a.name !== 'FilterLogEvents' && a.name !== 'GetMetricData');
