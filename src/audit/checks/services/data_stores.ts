/** Encryption, exposure and hygiene of data stores and messaging, one row per control. */
import type { Check } from '../../check.js';
import { cis } from '../../lib/define.js';
import { arr, get, tagsOf, type Json, type Where } from '../../lib/snapshot.js';
import { attributeChecks } from '../../lib/table.js';
import type { SnapshotReader } from '../../../snapshot/types.js';

const domainStatus = (d: Json, w: Where, snap: SnapshotReader) => {
  const got = get(snap, w.account, w.region, ['es-describe-elasticsearch-domain', 'opensearch-describe-domain'], d.DomainName);
  return got.ok ? { ok: true as const, s: got.data.DomainStatus ?? {} } : { ok: false as const, reason: got.reason };
};
const onDomain = (f: (s: Json) => string | undefined) => (d: Json, w: Where, snap: SnapshotReader) => {
  const st = domainStatus(d, w, snap);
  return st.ok ? f(st.s) : { unknown: st.reason };
};

const keyMeta = (k: Json, w: Where, snap: SnapshotReader) => get(snap, w.account, w.region, 'kms-describe-key', k.KeyId);

const queueAttrs = (q: Json, w: Where, snap: SnapshotReader) => get(snap, w.account, w.region, 'sqs-get-queue-attributes', q.url);
const topicAttrs = (t: Json, w: Where, snap: SnapshotReader) => get(snap, w.account, w.region, 'sns-get-topic-attributes', t.TopicArn);

export const DATA_STORE_CHECKS: Check[] = [
  ...attributeChecks(
    {
      service: 'redshift',
      resourceType: 'AwsRedshiftCluster',
      spec: {
        call: 'redshift-describe-clusters',
        items: (d) => arr(d.Clusters),
        id: (c, w) => `arn:${w.partition}:redshift:${w.region}:${w.account}:cluster:${c.ClusterIdentifier}`,
        name: (c) => c.ClusterIdentifier,
        tags: (c) => tagsOf(c.Tags),
      },
    },
    [
      {
        id: 'redshift_cluster_not_public',
        title: 'Redshift clusters are not publicly accessible',
        severity: 'high',
        description: 'The cluster has PubliclyAccessible = true, in any region.',
        risk: 'The warehouse endpoint is reachable from the internet; only its security groups protect it.',
        bad: (c) => (c.PubliclyAccessible === true ? 'publicly accessible' : undefined),
        console: 'Redshift > cluster > Actions > Modify publicly accessible setting > Disable.',
        cli: 'aws redshift modify-cluster --cluster-identifier <id> --no-publicly-accessible',
        fsbp: ['Redshift.1'],
        cloudmapper: 'REDSHIFT_PUBLIC_IP',
      },
      {
        id: 'redshift_cluster_encrypted',
        title: 'Redshift clusters are encrypted at rest',
        severity: 'medium',
        description: 'Encrypted is true.',
        risk: 'Warehouse data and snapshots are stored unencrypted.',
        bad: (c) => (c.Encrypted !== true ? 'not encrypted' : undefined),
        console: 'Redshift > cluster > Edit encryption > KMS.',
        cli: 'aws redshift modify-cluster --cluster-identifier <id> --encrypted',
        fsbp: ['Redshift.10'],
      },
    ],
  ),
  ...attributeChecks(
    {
      service: 'opensearch',
      resourceType: 'AwsOpenSearchServiceDomain',
      spec: {
        call: ['es-list-domain-names', 'opensearch-list-domain-names'],
        items: (d) => arr(d.DomainNames),
        id: (d, w) => `arn:${w.partition}:es:${w.region}:${w.account}:domain/${d.DomainName}`,
        name: (d) => d.DomainName,
      },
    },
    [
      {
        id: 'opensearch_encryption_at_rest',
        title: 'OpenSearch domains are encrypted at rest',
        severity: 'medium',
        description: 'EncryptionAtRestOptions.Enabled is true.',
        risk: 'Indices and snapshots are stored unencrypted.',
        bad: onDomain((s) => (s.EncryptionAtRestOptions?.Enabled !== true ? 'encryption at rest off' : undefined)),
        console: 'OpenSearch > domain > Security configuration > Encryption at rest.',
        fsbp: ['ES.1', 'Opensearch.1'],
      },
      {
        id: 'opensearch_node_to_node_encryption',
        title: 'OpenSearch domains encrypt node-to-node traffic',
        severity: 'medium',
        description: 'NodeToNodeEncryptionOptions.Enabled is true.',
        risk: 'Traffic between cluster nodes can be read on the network.',
        bad: onDomain((s) => (s.NodeToNodeEncryptionOptions?.Enabled !== true ? 'node-to-node encryption off' : undefined)),
        console: 'OpenSearch > domain > Security configuration > Node-to-node encryption.',
        fsbp: ['ES.3', 'Opensearch.3'],
      },
      {
        id: 'opensearch_https_required',
        title: 'OpenSearch domains require HTTPS',
        severity: 'medium',
        description: 'DomainEndpointOptions.EnforceHTTPS is true.',
        risk: 'Clients can send queries and credentials over plain HTTP.',
        bad: onDomain((s) => (s.DomainEndpointOptions?.EnforceHTTPS !== true ? 'HTTPS not enforced' : undefined)),
        console: 'OpenSearch > domain > Edit > Require HTTPS.',
        cli: 'aws opensearch update-domain-config --domain-name <name> --domain-endpoint-options EnforceHTTPS=true,TLSSecurityPolicy=Policy-Min-TLS-1-2-2019-07',
        fsbp: ['ES.8', 'Opensearch.8'],
      },
    ],
  ),
  ...attributeChecks(
    {
      service: 'efs',
      resourceType: 'AwsEfsFileSystem',
      spec: {
        call: 'efs-describe-file-systems',
        items: (d) => arr(d.FileSystems),
        id: (f, w) => f.FileSystemArn ?? `arn:${w.partition}:elasticfilesystem:${w.region}:${w.account}:file-system/${f.FileSystemId}`,
        name: (f) => f.Name ?? f.FileSystemId,
        tags: (f) => tagsOf(f.Tags),
      },
    },
    [
      {
        id: 'efs_encrypted',
        title: 'EFS file systems are encrypted at rest',
        severity: 'medium',
        description: 'Encrypted is true.',
        risk: 'Files are stored unencrypted.',
        bad: (f) => (f.Encrypted !== true ? 'not encrypted' : undefined),
        console: 'Create an encrypted file system and migrate the data (encryption cannot be turned on later).',
        cis: cis('2.4.1'),
        fsbp: ['EFS.1'],
      },
    ],
  ),
  ...attributeChecks(
    {
      service: 'kms',
      resourceType: 'AwsKmsKey',
      spec: {
        call: 'kms-list-keys',
        items: (d) => arr(d.Keys),
        id: (k, w) => k.KeyArn ?? `arn:${w.partition}:kms:${w.region}:${w.account}:key/${k.KeyId}`,
        name: (k) => k.KeyId,
      },
    },
    [
      {
        id: 'kms_key_rotation_enabled',
        title: 'Customer-managed symmetric KMS keys rotate',
        severity: 'medium',
        description: 'Enabled customer-managed symmetric keys with AWS key material have automatic rotation on (AWS-managed keys, asymmetric, HMAC and imported keys are not applicable).',
        risk: 'A compromised key version stays usable for all future data.',
        bad: (k, w, snap) => {
          const meta = keyMeta(k, w, snap);
          if (!meta.ok) return { unknown: meta.reason };
          const m = meta.data.KeyMetadata ?? {};
          if (m.KeyManager !== 'CUSTOMER' || (m.KeySpec ?? 'SYMMETRIC_DEFAULT') !== 'SYMMETRIC_DEFAULT' || m.Origin === 'EXTERNAL' || m.KeyState !== 'Enabled') return null;
          const rot = get(snap, w.account, w.region, 'kms-get-key-rotation-status', k.KeyId);
          if (!rot.ok) return { unknown: rot.reason };
          return rot.data.KeyRotationEnabled === true ? undefined : 'rotation off';
        },
        console: 'KMS > Customer managed keys > key > Key rotation > Automatically rotate.',
        cli: 'aws kms enable-key-rotation --key-id <id>',
        cis: cis('3.6'),
        fsbp: ['KMS.4'],
      },
      {
        id: 'kms_key_not_pending_deletion',
        title: 'KMS keys are not unintentionally scheduled for deletion',
        severity: 'medium',
        description: 'A customer-managed key is in PendingDeletion.',
        risk: 'Once deleted, everything encrypted under the key is unrecoverable.',
        bad: (k, w, snap) => {
          const meta = keyMeta(k, w, snap);
          if (!meta.ok) return { unknown: meta.reason };
          return meta.data.KeyMetadata?.KeyState === 'PendingDeletion' ? `deletion scheduled ${meta.data.KeyMetadata.DeletionDate ?? ''}`.trim() : undefined;
        },
        console: 'KMS > key > Key actions > Cancel key deletion.',
        cli: 'aws kms cancel-key-deletion --key-id <id>',
        fsbp: ['KMS.3'],
      },
    ],
  ),
  ...attributeChecks(
    {
      service: 'sqs',
      resourceType: 'AwsSqsQueue',
      spec: {
        call: 'sqs-list-queues',
        items: (d) => arr<string>(d.QueueUrls).map((url) => ({ url, name: url.split('/').pop() })),
        id: (q, w) => `arn:${w.partition}:sqs:${w.region}:${String(q.url).split('/').slice(-2)[0]}:${q.name}`,
        name: (q) => q.name,
      },
    },
    [
      {
        id: 'sqs_queue_encrypted',
        title: 'SQS queues are encrypted at rest',
        severity: 'medium',
        description: 'The queue uses SSE-KMS (KmsMasterKeyId) or SSE-SQS (SqsManagedSseEnabled).',
        risk: 'Messages are stored unencrypted.',
        bad: (q, w, snap) => {
          const a = queueAttrs(q, w, snap);
          if (!a.ok) return { unknown: a.reason };
          const at = a.data.Attributes ?? {};
          return at.KmsMasterKeyId || String(at.SqsManagedSseEnabled) === 'true' ? undefined : 'no server-side encryption';
        },
        console: 'SQS > queue > Edit > Encryption.',
        cli: 'aws sqs set-queue-attributes --queue-url <url> --attributes SqsManagedSseEnabled=true',
        fsbp: ['SQS.1'],
      },
    ],
  ),
  ...attributeChecks(
    {
      service: 'sns',
      resourceType: 'AwsSnsTopic',
      spec: { call: 'sns-list-topics', items: (d) => arr(d.Topics), id: (t) => t.TopicArn, name: (t) => String(t.TopicArn).split(':').pop() },
    },
    [
      {
        id: 'sns_topic_encrypted',
        title: 'SNS topics are encrypted at rest',
        severity: 'low',
        description: 'The topic has a KmsMasterKeyId.',
        risk: 'Messages are stored unencrypted while awaiting delivery.',
        bad: (t, w, snap) => {
          const a = topicAttrs(t, w, snap);
          if (!a.ok) return { unknown: a.reason };
          return a.data.Attributes?.KmsMasterKeyId ? undefined : 'no KMS key';
        },
        console: 'SNS > topic > Edit > Encryption.',
        cli: 'aws sns set-topic-attributes --topic-arn <arn> --attribute-name KmsMasterKeyId --attribute-value alias/aws/sns',
        fsbp: ['SNS.1'],
      },
    ],
  ),
];
