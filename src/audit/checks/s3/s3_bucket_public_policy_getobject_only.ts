import { verdict } from '../../lib/factories.js';
import { blockSetting, bucketCheck, bucketPolicy } from '../../lib/s3.js';

export default bucketCheck(
  {
    id: 's3_bucket_public_policy_getobject_only',
    title: 'S3 buckets public for GetObject only are known',
    severity: 'info',
    service: 's3',
    resourceType: 'AwsS3Bucket',
    description:
      'The bucket policy lets anyone read objects (s3:GetObject only), the usual way to serve a public static site without CloudFront. Informational: confirm the bucket is meant to be public. CloudMapper only recognises a policy with exactly one statement and one action; vigil accepts any number of public statements that all allow only s3:GetObject.',
    risk: 'Every object in the bucket is downloadable by anyone; a private file dropped in it leaks.',
    remediation: { console: 'Serve through CloudFront with origin access control and remove the public statement.', cli: 'aws s3api delete-bucket-policy --bucket <bucket>' },
    references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteAccessPermissionsReqd.html'],
    compliance: {},
    cloudmapper: 'S3_PUBLIC_POLICY_GETOBJECT_ONLY',
  },
  (b) => {
    const p = bucketPolicy(b);
    if (!p) return { unknown: 'bucket policy not readable' };
    if (p.getObjectOnly && blockSetting(b, 'RestrictPublicBuckets')) return { bad: false, reason: 'public policy neutralised by RestrictPublicBuckets' };
    return verdict(p.getObjectOnly, 'anyone can GetObject', 'not public for GetObject only');
  },
);
