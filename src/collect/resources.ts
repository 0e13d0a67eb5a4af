/**
 * The normalised resource table: one row per resource (arn, type, account, region, name, tags, configuration)
 * drawn from any snapshot's raw responses, so the rest of vigil (inventory history, watch) need not know
 * every API's shape. Types are named as a user would type them: iam-user, access-key, vpc, bucket...
 */
import type { Partition, SnapshotReader } from '../snapshot/types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface Resource {
  arn: string;
  type: string;
  account: string;
  region: string;
  name: string;
  tags: Record<string, string>;
  configuration: Json;
}

interface Ctx {
  account: string;
  region: string;
  partition: Partition;
  param?: string;
}

interface Extractor {
  type: string;
  call: string;
  /** Parameterised call: one response per parameter. */
  perParam?: boolean;
  /** Global: read once, from the first region that has it. */
  global?: boolean;
  items: (data: Json) => Json[];
  arn: (item: Json, c: Ctx) => string | undefined;
  name: (item: Json, c: Ctx) => string | undefined;
}

const arr = (v: unknown): Json[] => (Array.isArray(v) ? v : []);
const ec2 = (type: string, call: string, list: string, idKey: string, kind: string): Extractor => ({
  type,
  call,
  items: (d) => arr(d?.[list]),
  arn: (i, c) => (i?.[idKey] ? `arn:${c.partition}:ec2:${c.region}:${c.account}:${kind}/${i[idKey]}` : undefined),
  name: (i) => nameTag(i?.Tags) ?? i?.[idKey],
});

const EXTRACTORS: Extractor[] = [
  { type: 'iam-user', call: 'iam-get-account-authorization-details', global: true, items: (d) => arr(d?.UserDetailList), arn: (i) => i?.Arn, name: (i) => i?.UserName },
  { type: 'role', call: 'iam-get-account-authorization-details', global: true, items: (d) => arr(d?.RoleDetailList), arn: (i) => i?.Arn, name: (i) => i?.RoleName },
  { type: 'group', call: 'iam-get-account-authorization-details', global: true, items: (d) => arr(d?.GroupDetailList), arn: (i) => i?.Arn, name: (i) => i?.GroupName },
  { type: 'policy', call: 'iam-get-account-authorization-details', global: true, items: (d) => arr(d?.Policies), arn: (i) => i?.Arn, name: (i) => i?.PolicyName },
  {
    type: 'access-key',
    call: 'iam-list-access-keys',
    global: true,
    perParam: true,
    items: (d) => arr(d?.AccessKeyMetadata),
    arn: (i, c) => (i?.AccessKeyId ? `arn:${c.partition}:iam::${c.account}:user/${i.UserName ?? c.param}/accesskey/${i.AccessKeyId}` : undefined),
    name: (i) => i?.AccessKeyId,
  },
  { type: 'bucket', call: 's3-list-buckets', global: true, items: (d) => arr(d?.Buckets), arn: (i, c) => (i?.Name ? `arn:${c.partition}:s3:::${i.Name}` : undefined), name: (i) => i?.Name },
  ec2('vpc', 'ec2-describe-vpcs', 'Vpcs', 'VpcId', 'vpc'),
  ec2('subnet', 'ec2-describe-subnets', 'Subnets', 'SubnetId', 'subnet'),
  ec2('vpn-gateway', 'ec2-describe-vpn-gateways', 'VpnGateways', 'VpnGatewayId', 'vpn-gateway'),
  ec2('internet-gateway', 'ec2-describe-internet-gateways', 'InternetGateways', 'InternetGatewayId', 'internet-gateway'),
  ec2('nat-gateway', 'ec2-describe-nat-gateways', 'NatGateways', 'NatGatewayId', 'natgateway'),
  ec2('security-group', 'ec2-describe-security-groups', 'SecurityGroups', 'GroupId', 'security-group'),
  ec2('route-table', 'ec2-describe-route-tables', 'RouteTables', 'RouteTableId', 'route-table'),
  ec2('network-acl', 'ec2-describe-network-acls', 'NetworkAcls', 'NetworkAclId', 'network-acl'),
  ec2('volume', 'ec2-describe-volumes', 'Volumes', 'VolumeId', 'volume'),
  ec2('snapshot', 'ec2-describe-snapshots', 'Snapshots', 'SnapshotId', 'snapshot'),
  ec2('image', 'ec2-describe-images', 'Images', 'ImageId', 'image'),
  {
    type: 'instance',
    call: 'ec2-describe-instances',
    items: (d) => arr(d?.Reservations).flatMap((r) => arr(r?.Instances)),
    arn: (i, c) => (i?.InstanceId ? `arn:${c.partition}:ec2:${c.region}:${c.account}:instance/${i.InstanceId}` : undefined),
    name: (i) => nameTag(i?.Tags) ?? i?.InstanceId,
  },
  { type: 'kms-key', call: 'kms-list-keys', items: (d) => arr(d?.Keys), arn: (i, c) => i?.KeyArn ?? (i?.KeyId ? `arn:${c.partition}:kms:${c.region}:${c.account}:key/${i.KeyId}` : undefined), name: (i) => i?.KeyId },
  { type: 'lambda-function', call: 'lambda-list-functions', items: (d) => arr(d?.Functions), arn: (i) => i?.FunctionArn, name: (i) => i?.FunctionName },
  { type: 'rds-instance', call: 'rds-describe-db-instances', items: (d) => arr(d?.DBInstances), arn: (i) => i?.DBInstanceArn, name: (i) => i?.DBInstanceIdentifier },
  { type: 'trail', call: 'cloudtrail-describe-trails', items: (d) => arr(d?.trailList), arn: (i) => i?.TrailARN, name: (i) => i?.Name },
  { type: 'detector', call: 'guardduty-list-detectors', items: (d) => arr(d?.DetectorIds).map((id) => ({ DetectorId: id })), arn: (i, c) => `arn:${c.partition}:guardduty:${c.region}:${c.account}:detector/${i.DetectorId}`, name: (i) => i.DetectorId },
  { type: 'sns-topic', call: 'sns-list-topics', items: (d) => arr(d?.Topics), arn: (i) => i?.TopicArn, name: (i) => String(i?.TopicArn ?? '').split(':').pop() },
  { type: 'sqs-queue', call: 'sqs-list-queues', items: (d) => arr(d?.QueueUrls).map((u) => ({ QueueUrl: u })), arn: (i, c) => `arn:${c.partition}:sqs:${c.region}:${c.account}:${String(i.QueueUrl).split('/').pop()}`, name: (i) => String(i.QueueUrl).split('/').pop() },
  { type: 'secret', call: 'secretsmanager-list-secrets', items: (d) => arr(d?.SecretList), arn: (i) => i?.ARN, name: (i) => i?.Name },
  { type: 'ecr-repository', call: 'ecr-describe-repositories', items: (d) => arr(d?.repositories), arn: (i) => i?.repositoryArn, name: (i) => i?.repositoryName },
  { type: 'elb', call: 'elb-describe-load-balancers', items: (d) => arr(d?.LoadBalancerDescriptions), arn: (i, c) => `arn:${c.partition}:elasticloadbalancing:${c.region}:${c.account}:loadbalancer/${i?.LoadBalancerName}`, name: (i) => i?.LoadBalancerName },
  { type: 'elbv2', call: 'elbv2-describe-load-balancers', items: (d) => arr(d?.LoadBalancers), arn: (i) => i?.LoadBalancerArn, name: (i) => i?.LoadBalancerName },
  { type: 'redshift-cluster', call: 'redshift-describe-clusters', items: (d) => arr(d?.Clusters), arn: (i, c) => `arn:${c.partition}:redshift:${c.region}:${c.account}:cluster:${i?.ClusterIdentifier}`, name: (i) => i?.ClusterIdentifier },
  { type: 'es-domain', call: 'es-list-domain-names', items: (d) => arr(d?.DomainNames), arn: (i, c) => `arn:${c.partition}:es:${c.region}:${c.account}:domain/${i?.DomainName}`, name: (i) => i?.DomainName },
  { type: 'hosted-zone', call: 'route53-list-hosted-zones', global: true, items: (d) => arr(d?.HostedZones), arn: (i, c) => `arn:${c.partition}:route53:::hostedzone/${String(i?.Id ?? '').split('/').pop()}`, name: (i) => i?.Name },
  { type: 'cloudfront-distribution', call: 'cloudfront-list-distributions', global: true, items: (d) => arr(d?.DistributionList?.Items), arn: (i) => i?.ARN, name: (i) => i?.DomainName },
  { type: 'efs', call: 'efs-describe-file-systems', items: (d) => arr(d?.FileSystems), arn: (i) => i?.FileSystemArn, name: (i) => i?.Name ?? i?.FileSystemId },
];

export const RESOURCE_TYPES = [...new Set(EXTRACTORS.map((e) => e.type))];

function nameTag(tags: unknown): string | undefined {
  return arr(tags).find((t) => t?.Key === 'Name')?.Value;
}

function tagsOf(item: Json): Record<string, string> {
  const t = item?.Tags ?? item?.tags ?? item?.TagList;
  if (Array.isArray(t)) return Object.fromEntries(t.filter((x) => x?.Key !== undefined).map((x) => [String(x.Key), String(x.Value ?? '')]));
  if (t && typeof t === 'object') return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, String(v)]));
  return {};
}

export function extractResources(snap: SnapshotReader): Resource[] {
  const out: Resource[] = [];
  const seen = new Set<string>();
  for (const a of snap.accounts()) {
    const regions = snap.regions(a.id);
    for (const ex of EXTRACTORS) {
      for (const region of regions) {
        const responses: [string | undefined, Json][] = [];
        if (ex.perParam) {
          for (const p of snap.params(a.id, region, ex.call)) {
            const r = snap.call(a.id, region, ex.call, p);
            if (r?.status === 'ok') responses.push([p, r.data]);
          }
        } else {
          const r = snap.call(a.id, region, ex.call);
          if (r?.status === 'ok') responses.push([undefined, r.data]);
        }
        for (const [param, data] of responses) {
          for (const item of ex.items(data)) {
            const c = { account: a.id, region, partition: a.partition, param };
            const arn = ex.arn(item, c);
            if (!arn || seen.has(`${ex.type}|${arn}`)) continue;
            seen.add(`${ex.type}|${arn}`);
            out.push({ arn, type: ex.type, account: a.id, region: ex.global ? 'global' : region, name: String(ex.name(item, c) ?? arn), tags: tagsOf(item), configuration: item });
          }
        }
        if (ex.global && responses.length > 0) break;
      }
    }
  }
  return out;
}
