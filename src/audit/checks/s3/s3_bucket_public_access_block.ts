import { cis } from '../../lib/define.js';
import { verdict } from '../../lib/factories.js';
import { BLOCK_KEYS, blockSetting, bucketCheck } from '../../lib/s3.js';

export default bucketCheck(
  {
    id: 's3_bucket_public_access_block',
    title: 'S3 buckets block public access',
    severity: 'medium',
    service: 's3',
    resourceType: 'AwsS3Bucket',
    description: 'All four Block Public Access settings are on for the bucket, at bucket or account level.',
    risk: 'Without the block, one careless policy or ACL change makes data public.',
    remediation: { console: 'S3 > bucket > Permissions > Block public access > Edit > Block all.', cli: 'aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true' },
    references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html'],
    compliance: { cis: cis('2.1.4'), fsbp: ['S3.8'] },
  },
  (b) => {
    const settings = BLOCK_KEYS.map((k) => [k, blockSetting(b, k)] as const);
    const off = settings.filter(([, v]) => v === false).map(([k]) => k);
    if (off.length) return verdict(true, `off: ${off.join(', ')}`, '');
    if (settings.some(([, v]) => v === undefined)) return { unknown: 'bucket or account public access block not collected' };
    return verdict(false, '', 'all four settings on');
  },
);
