/** Per-trail settings, one row each. */
import type { Check } from '../../check.js';
import { cis } from '../../lib/define.js';
import { trailCheck, type Trail } from '../../lib/cloudtrail.js';
import type { Verdict } from '../../lib/factories.js';
import { blockSetting, bucketPolicy, publicGrants, type Bucket } from '../../lib/s3.js';
import { get, getGlobal } from '../../lib/snapshot.js';
import type { SnapshotReader } from '../../../snapshot/types.js';

/** The trail's S3 bucket as a Bucket, when the bucket belongs to this account's snapshot data. */
function trailBucket(t: Trail, snap: SnapshotReader, account: string): Bucket | undefined {
  const name = t.raw.S3BucketName as string | undefined;
  if (!name) return undefined;
  const list = getGlobal(snap, account, 's3-list-buckets');
  if (!list.ok || !(list.data.Buckets ?? []).some((b: { Name: string }) => b.Name === name)) return undefined;
  const partition = snap.accounts().find((a) => a.id === account)?.partition ?? 'aws';
  return { name, arn: `arn:${partition}:s3:::${name}`, account, partition, region: list.region, call: (n) => get(snap, account, list.region, n, name), snap };
}

interface Row {
  id: string;
  title: string;
  severity: Check['severity'];
  evaluate: (t: Trail, snap: SnapshotReader, account: string) => Verdict;
  description: string;
  risk: string;
  console: string;
  cli: string;
  cis?: string[];
  fsbp?: string[];
}

const ROWS: Row[] = [
  {
    id: 'cloudtrail_log_file_validation',
    title: 'CloudTrail log file validation is enabled',
    severity: 'medium',
    evaluate: (t) => ({ bad: t.raw.LogFileValidationEnabled !== true, reason: t.raw.LogFileValidationEnabled ? 'validation on' : 'log file validation off' }),
    description: 'LogFileValidationEnabled is true, so delivered logs can be proven untampered.',
    risk: 'Altered or deleted log files cannot be detected.',
    console: 'CloudTrail > trail > Edit > Log file validation: Enabled.',
    cli: 'aws cloudtrail update-trail --name <trail> --enable-log-file-validation',
    cis: cis('3.2'),
    fsbp: ['CloudTrail.4'],
  },
  {
    id: 'cloudtrail_kms_encryption',
    title: 'CloudTrail logs are encrypted with a KMS key',
    severity: 'medium',
    evaluate: (t) => ({ bad: !t.raw.KmsKeyId, reason: t.raw.KmsKeyId ? 'SSE-KMS' : 'no KmsKeyId' }),
    description: 'The trail has a KmsKeyId (SSE-KMS), so reading logs also needs key permission.',
    risk: 'Anyone able to read the bucket reads the whole audit trail.',
    console: 'CloudTrail > trail > Edit > Log file SSE-KMS encryption: Enabled.',
    cli: 'aws cloudtrail update-trail --name <trail> --kms-key-id <key>',
    cis: cis('3.5'),
    fsbp: ['CloudTrail.2'],
  },
  {
    id: 'cloudtrail_cloudwatch_logs',
    title: 'CloudTrail trails deliver to CloudWatch Logs',
    severity: 'low',
    evaluate: (t) => ({ bad: !t.raw.CloudWatchLogsLogGroupArn, reason: t.raw.CloudWatchLogsLogGroupArn ? 'delivers to CloudWatch Logs' : 'no CloudWatch Logs log group' }),
    description: 'The trail has a CloudWatchLogsLogGroupArn, which real-time metric filters and alarms need.',
    risk: 'Suspicious API activity cannot raise an alarm in real time.',
    console: 'CloudTrail > trail > CloudWatch Logs > Edit > Enabled.',
    cli: 'aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn <arn> --cloud-watch-logs-role-arn <role>',
    fsbp: ['CloudTrail.5'],
  },
  {
    id: 'cloudtrail_bucket_access_logging',
    title: 'The CloudTrail bucket has server access logging',
    severity: 'low',
    evaluate: (t, snap, account) => {
      const b = trailBucket(t, snap, account);
      if (!b) return { unknown: `bucket ${t.raw.S3BucketName} is not in this account's snapshot` };
      const got = b.call('s3-get-bucket-logging');
      if (!got.ok) return { unknown: got.reason };
      return { bad: !got.data.LoggingEnabled, reason: got.data.LoggingEnabled ? 'access logging on' : 'no access logging on the trail bucket' };
    },
    description: 'The S3 bucket the trail delivers to has server access logging enabled.',
    risk: 'Reads and deletions of the audit logs themselves leave no trace.',
    console: 'S3 > trail bucket > Properties > Server access logging > Enable.',
    cli: 'aws s3api put-bucket-logging --bucket <bucket> --bucket-logging-status file://logging.json',
    cis: cis('3.4'),
    fsbp: ['CloudTrail.7'],
  },
  {
    id: 'cloudtrail_bucket_not_public',
    title: 'The CloudTrail bucket is not public',
    severity: 'critical',
    evaluate: (t, snap, account) => {
      const b = trailBucket(t, snap, account);
      if (!b) return { unknown: `bucket ${t.raw.S3BucketName} is not in this account's snapshot` };
      const p = bucketPolicy(b);
      const acl = b.call('s3-get-bucket-acl');
      if (p?.publicStatements.length && !blockSetting(b, 'RestrictPublicBuckets')) return { bad: true, reason: 'bucket policy is public' };
      if (acl.ok && publicGrants(acl.data).length && !blockSetting(b, 'IgnorePublicAcls')) return { bad: true, reason: 'bucket ACL is public' };
      if (!p || !acl.ok) return { unknown: 'bucket policy or ACL not collected' };
      return { bad: false, reason: 'trail bucket not public' };
    },
    description: 'Neither the bucket policy nor the ACL of the trail\'s S3 bucket grants public access (CIS 1.x 2.3).',
    risk: 'The whole account history becomes readable by anyone, a map for attackers.',
    console: 'S3 > trail bucket > Permissions: remove public grants, turn on Block Public Access.',
    cli: 'aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
  },
];

export const TRAIL_SETTING_CHECKS: Check[] = ROWS.map((row) =>
  trailCheck(
    {
      id: row.id,
      title: row.title,
      severity: row.severity,
      service: 'cloudtrail',
      resourceType: 'AwsCloudTrailTrail',
      description: row.description,
      risk: row.risk,
      remediation: { console: row.console, cli: row.cli },
      references: ['https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html'],
      compliance: { cis: row.cis, fsbp: row.fsbp },
    },
    row.evaluate,
  ),
);
