/** Per-bucket configuration controls read from one per-bucket call each: one table, one decision. */
import type { Check } from '../../check.js';
import { cis } from '../../lib/define.js';
import { verdict } from '../../lib/factories.js';
import { bucketCheck } from '../../lib/s3.js';
import { arr, type Json } from '../../lib/snapshot.js';

interface Row {
  id: string;
  title: string;
  severity: Check['severity'];
  call: string;
  /** Failure reason from the response (or undefined when fine); `null` data means the configuration does not exist. */
  short: (data: Json | null) => string | undefined;
  description: string;
  risk: string;
  cli: string;
  cis?: string[];
  fsbp?: string[];
}

const ROWS: Row[] = [
  {
    id: 's3_bucket_mfa_delete',
    title: 'S3 buckets have MFA Delete enabled',
    severity: 'low',
    call: 's3-get-bucket-versioning',
    short: (d) => (d?.MFADelete !== 'Enabled' ? 'MFA Delete is off' : undefined),
    description: 'Versioning with MFADelete Enabled (s3 get-bucket-versioning).',
    risk: 'Stolen credentials can permanently delete object versions.',
    cli: 'aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa "<serial> <code>"',
    cis: cis('2.1.2'),
  },
  {
    id: 's3_bucket_versioning',
    title: 'S3 buckets have versioning enabled',
    severity: 'low',
    call: 's3-get-bucket-versioning',
    short: (d) => (d?.Status !== 'Enabled' ? `versioning ${d?.Status ?? 'never enabled'}` : undefined),
    description: 'Bucket versioning Status is Enabled.',
    risk: 'Overwritten or deleted objects (ransomware, mistakes) cannot be recovered.',
    cli: 'aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled',
    fsbp: ['S3.14'],
  },
  {
    id: 's3_bucket_default_encryption',
    title: 'S3 buckets have default encryption',
    severity: 'medium',
    call: 's3-get-bucket-encryption',
    short: (d) => (arr(d?.ServerSideEncryptionConfiguration?.Rules).length === 0 ? 'no default encryption rule' : undefined),
    description: 'The bucket has a server-side encryption configuration (GetBucketEncryption).',
    risk: 'Objects may be stored unencrypted at rest.',
    cli: 'aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration file://sse.json',
    fsbp: ['S3.4'],
  },
  {
    id: 's3_bucket_access_logging',
    title: 'S3 buckets have server access logging',
    severity: 'low',
    call: 's3-get-bucket-logging',
    short: (d) => (!d?.LoggingEnabled ? 'server access logging is off' : undefined),
    description: 'GetBucketLogging returns a LoggingEnabled target.',
    risk: 'Access to objects cannot be investigated after the fact.',
    cli: 'aws s3api put-bucket-logging --bucket <bucket> --bucket-logging-status file://logging.json',
    fsbp: ['S3.9'],
  },
];

export const BUCKET_SETTING_CHECKS: Check[] = ROWS.map((row) =>
  bucketCheck(
    {
      id: row.id,
      title: row.title,
      severity: row.severity,
      service: 's3',
      resourceType: 'AwsS3Bucket',
      description: row.description,
      risk: row.risk,
      remediation: { console: 'S3 > bucket > Properties.', cli: row.cli },
      references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html'],
      compliance: { cis: row.cis, fsbp: row.fsbp },
    },
    (b) => {
      const got = b.call(row.call);
      if (!got.ok && !got.notFound) return { unknown: got.reason };
      const why = row.short(got.ok ? got.data : null);
      return verdict(why !== undefined, why ?? '', 'configured');
    },
  ),
);
