import { cis } from '../../lib/define.js';
import { verdict } from '../../lib/factories.js';
import { bucketCheck, bucketPolicy } from '../../lib/s3.js';
import { arr } from '../../lib/snapshot.js';

export default bucketCheck(
  {
    id: 's3_bucket_secure_transport',
    title: 'S3 bucket policies deny plain HTTP',
    severity: 'medium',
    service: 's3',
    resourceType: 'AwsS3Bucket',
    description: 'The bucket policy denies every request where aws:SecureTransport is false.',
    risk: 'Clients can read and write the bucket over unencrypted HTTP.',
    remediation: { console: 'Add a Deny statement for s3:* with Condition Bool aws:SecureTransport false.', cli: 'aws s3api put-bucket-policy --bucket <bucket> --policy file://deny-http.json' },
    references: ['https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule'],
    compliance: { cis: cis('2.1.1'), fsbp: ['S3.5'] },
  },
  (b) => {
    const p = bucketPolicy(b);
    if (!p) return { unknown: 'bucket policy not readable' };
    const denies = (p.statements ?? []).some(
      (s) =>
        s.effect === 'Deny' &&
        s.actions.some((a) => a === '*' || a.toLowerCase() === 's3:*') &&
        Object.entries(s.condition).some(([op, block]) => /^Bool(IfExists)?$/i.test(op) && arr((block as Record<string, unknown>)['aws:SecureTransport'] ?? (block as Record<string, unknown>)['aws:securetransport']).some((v) => String(v) === 'false')),
    );
    return verdict(!denies, 'no Deny on aws:SecureTransport=false', 'HTTP denied');
  },
);
