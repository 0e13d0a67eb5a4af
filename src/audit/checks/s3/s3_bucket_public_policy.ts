import { verdict } from '../../lib/factories.js';
import { blockSetting, bucketCheck, bucketPolicy } from '../../lib/s3.js';

export default bucketCheck(
  {
    id: 's3_bucket_public_policy',
    title: 'S3 bucket policies do not grant public access beyond GetObject',
    severity: 'high',
    service: 's3',
    resourceType: 'AwsS3Bucket',
    description:
      'The bucket policy allows Principal "*" without a restricting condition, for more than s3:GetObject (GetObject-only public buckets are reported by s3_bucket_public_policy_getobject_only). A bucket whose public access block sets RestrictPublicBuckets passes. Every bucket in the account is checked, wherever S3 was listed (CloudMapper only reads us-east-1, so aws-us-gov and aws-cn are never audited).',
    risk: 'Anyone on the internet can list, overwrite or delete objects, or change the bucket.',
    remediation: { console: 'S3 > bucket > Permissions > Bucket policy: remove the public statements; turn on Block Public Access.', cli: 'aws s3api delete-bucket-policy --bucket <bucket>; aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true' },
    references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html'],
    compliance: { fsbp: ['S3.2', 'S3.3'] },
    cloudmapper: 'S3_PUBLIC_POLICY',
  },
  (b) => {
    const p = bucketPolicy(b);
    if (!p) return { unknown: 'bucket policy not readable' };
    if (p.publicStatements.length && blockSetting(b, 'RestrictPublicBuckets')) return { bad: false, reason: 'public policy neutralised by RestrictPublicBuckets' };
    return verdict(p.publicStatements.length > 0 && !p.getObjectOnly, `public statements allow ${p.publicStatements.flatMap((s) => s.actions.length ? s.actions : s.notActions.map((a) => `NotAction ${a}`)).join(', ')}`, p.getObjectOnly ? 'public for GetObject only' : 'policy is not public');
  },
);
