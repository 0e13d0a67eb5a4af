import { describe } from 'vitest';
import { runAllCases, type Cases } from '../../lib/check-cases.js';
import { fail, memorySnapshot } from '../../lib/memory.js';
import { SERVICE_CHECKS } from './index.js';

const R = 'us-east-1';
const snap = (calls: Record<string, unknown>) => memorySnapshot({ calls: Object.fromEntries(Object.entries(calls).map(([k, v]) => [`${R}/${k}`, v])) });
const missing = memorySnapshot({ calls: { [`${R}/sts-get-caller-identity`]: {} } });
const un = (list: string, ...more: ReturnType<typeof snap>[]) => [missing, snap({ [list]: fail() }), ...more];

/** Fixture for a list-call row: good item vs. the same item with `bad` fields. */
function listCases(list: string, key: string, good: Record<string, unknown>, bad: Record<string, unknown>, extra: (item: Record<string, unknown>) => Record<string, unknown> = () => ({})): Cases {
  const s = (item: Record<string, unknown>) => snap({ [list]: { [key]: [item] }, ...extra(item) });
  return { pass: s(good), fail: s({ ...good, ...bad }), unknown: un(list) };
}

const DOMAIN = { DomainName: 'd' };
const STATUS = { EncryptionAtRestOptions: { Enabled: true }, NodeToNodeEncryptionOptions: { Enabled: true }, DomainEndpointOptions: { EnforceHTTPS: true } };
const domain = (status: Record<string, unknown> | undefined) =>
  snap({ 'es-list-domain-names': { DomainNames: [DOMAIN] }, ...(status ? { 'es-describe-elasticsearch-domain/d': { DomainStatus: status } } : {}) });
const domainCases = (bad: Record<string, unknown>): Cases => ({ pass: domain(STATUS), fail: domain({ ...STATUS, ...bad }), unknown: [missing, domain(undefined)] });

const KEY = { KeyId: 'k1', KeyArn: 'arn:aws:kms:us-east-1:111122223333:key/k1' };
const keyMeta = (m: Record<string, unknown>) => ({ KeyMetadata: { KeyManager: 'CUSTOMER', KeySpec: 'SYMMETRIC_DEFAULT', KeyState: 'Enabled', Origin: 'AWS_KMS', ...m } });
const key = (calls: Record<string, unknown>) => snap({ 'kms-list-keys': { Keys: [KEY] }, ...calls });

const Q = 'https://sqs.us-east-1.amazonaws.com/111122223333/q';
const T = 'arn:aws:sns:us-east-1:111122223333:t';
const dist = (fields: Record<string, unknown>) =>
  snap({ 'cloudfront-list-distributions': { DistributionList: { Items: [{ Id: 'E1', ARN: 'arn:aws:cloudfront::111122223333:distribution/E1', DomainName: 'd1.cloudfront.net', Enabled: true, ...fields }] } } });
const domains = (fields: Record<string, unknown>) => snap({ 'route53domains-list-domains': { Domains: [{ DomainName: 'example.com', AutoRenew: true, TransferLock: true, ...fields }] } });
const HZ = 'route53-list-hosted-zones-by-vpc/us-east-1/vpc-1';

const table: Record<string, Cases> = {
  redshift_cluster_not_public: listCases('redshift-describe-clusters', 'Clusters', { ClusterIdentifier: 'c', PubliclyAccessible: false, Encrypted: true }, { PubliclyAccessible: true }),
  redshift_cluster_encrypted: listCases('redshift-describe-clusters', 'Clusters', { ClusterIdentifier: 'c', PubliclyAccessible: false, Encrypted: true }, { Encrypted: false }),
  opensearch_encryption_at_rest: domainCases({ EncryptionAtRestOptions: { Enabled: false } }),
  opensearch_node_to_node_encryption: domainCases({ NodeToNodeEncryptionOptions: { Enabled: false } }),
  opensearch_https_required: domainCases({ DomainEndpointOptions: { EnforceHTTPS: false } }),
  efs_encrypted: listCases('efs-describe-file-systems', 'FileSystems', { FileSystemId: 'fs-1', Encrypted: true }, { Encrypted: false }),
  kms_key_rotation_enabled: {
    pass: key({ 'kms-describe-key/k1': keyMeta({}), 'kms-get-key-rotation-status/k1': { KeyRotationEnabled: true } }),
    fail: key({ 'kms-describe-key/k1': keyMeta({}), 'kms-get-key-rotation-status/k1': { KeyRotationEnabled: false } }),
    unknown: [missing, key({}), key({ 'kms-describe-key/k1': keyMeta({}) })],
  },
  kms_key_not_pending_deletion: {
    pass: key({ 'kms-describe-key/k1': keyMeta({}) }),
    fail: key({ 'kms-describe-key/k1': keyMeta({ KeyState: 'PendingDeletion' }) }),
    unknown: [missing, key({})],
  },
  sqs_queue_encrypted: {
    pass: snap({ 'sqs-list-queues': { QueueUrls: [Q] }, [`sqs-get-queue-attributes/${Q}`]: { Attributes: { SqsManagedSseEnabled: 'true' } } }),
    fail: snap({ 'sqs-list-queues': { QueueUrls: [Q] }, [`sqs-get-queue-attributes/${Q}`]: { Attributes: {} } }),
    unknown: un('sqs-list-queues', snap({ 'sqs-list-queues': { QueueUrls: [Q] } })),
  },
  sns_topic_encrypted: {
    pass: snap({ 'sns-list-topics': { Topics: [{ TopicArn: T }] }, [`sns-get-topic-attributes/${T}`]: { Attributes: { KmsMasterKeyId: 'alias/aws/sns' } } }),
    fail: snap({ 'sns-list-topics': { Topics: [{ TopicArn: T }] }, [`sns-get-topic-attributes/${T}`]: { Attributes: {} } }),
    unknown: un('sns-list-topics', snap({ 'sns-list-topics': { Topics: [{ TopicArn: T }] } })),
  },
  lambda_function_supported_runtime: listCases('lambda-list-functions', 'Functions', { FunctionName: 'f', FunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:f', Runtime: 'nodejs22.x', VpcConfig: { VpcId: 'vpc-1' } }, { Runtime: 'nodejs8.10' }),
  lambda_function_in_vpc: listCases('lambda-list-functions', 'Functions', { FunctionName: 'f', FunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:f', Runtime: 'python3.13', VpcConfig: { VpcId: 'vpc-1' } }, { VpcConfig: { SubnetIds: [] } }),
  ecr_repository_scan_on_push: listCases('ecr-describe-repositories', 'repositories', { repositoryName: 'r', repositoryArn: 'arn:aws:ecr:us-east-1:111122223333:repository/r', imageScanningConfiguration: { scanOnPush: true }, imageTagMutability: 'IMMUTABLE' }, { imageScanningConfiguration: { scanOnPush: false } }),
  ecr_repository_tag_immutable: listCases('ecr-describe-repositories', 'repositories', { repositoryName: 'r', repositoryArn: 'arn:aws:ecr:us-east-1:111122223333:repository/r', imageScanningConfiguration: { scanOnPush: true }, imageTagMutability: 'IMMUTABLE' }, { imageTagMutability: 'MUTABLE' }),
  secretsmanager_rotation_enabled: listCases('secretsmanager-list-secrets', 'SecretList', { Name: 's', ARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:s-1', RotationEnabled: true }, { RotationEnabled: false }),
  cloudfront_minimum_tls: {
    pass: dist({ ViewerCertificate: { ACMCertificateArn: 'arn:aws:acm:...', MinimumProtocolVersion: 'TLSv1.2_2021' } }),
    fail: dist({ ViewerCertificate: { ACMCertificateArn: 'arn:aws:acm:...', MinimumProtocolVersion: 'TLSv1' } }),
    unknown: un('cloudfront-list-distributions'),
  },
  cloudfront_https_only: {
    pass: dist({ DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https' } }),
    fail: dist({ DefaultCacheBehavior: { ViewerProtocolPolicy: 'https-only' }, CacheBehaviors: { Items: [{ ViewerProtocolPolicy: 'allow-all' }] } }),
    unknown: un('cloudfront-list-distributions'),
  },
  route53_domain_auto_renew: { pass: domains({}), fail: domains({ AutoRenew: false }), unknown: un('route53domains-list-domains') },
  route53_domain_transfer_lock: { pass: domains({}), fail: domains({ TransferLock: false }), unknown: un('route53domains-list-domains') },
  route53_vpc_foreign_hosted_zone: {
    pass: snap({ [HZ]: { HostedZoneSummaries: [{ HostedZoneId: 'Z1', Name: 'internal.', Owner: { OwningAccount: '111122223333' } }, { HostedZoneId: 'Z2', Name: 'svc.', Owner: { OwningService: 'servicediscovery.amazonaws.com' } }] } }),
    fail: snap({ [HZ]: { HostedZoneSummaries: [{ HostedZoneId: 'Z3', Name: 'evil.', Owner: { OwningAccount: '999988887777' } }] } }),
    unknown: [missing, snap({ [HZ]: fail() })],
  },
  lightsail_not_in_use: {
    pass: snap({ 'lightsail-get-instances': { instances: [] }, 'lightsail-get-load-balancers': { loadBalancers: [] } }),
    fail: snap({ 'lightsail-get-instances': fail(), 'lightsail-get-load-balancers': { loadBalancers: [{ name: 'lb' }] } }),
    unknown: [missing, snap({ 'lightsail-get-instances': { instances: [] }, 'lightsail-get-load-balancers': fail() })],
  },
};

describe('service checks', () => {
  runAllCases(SERVICE_CHECKS, table);
});
