import { verdict } from '../../lib/factories.js';
import { blockSetting, bucketCheck, publicGrants } from '../../lib/s3.js';

export default bucketCheck(
  {
    id: 's3_bucket_public_acl',
    title: 'S3 bucket ACLs grant nothing to AllUsers or AuthenticatedUsers',
    severity: 'high',
    service: 's3',
    resourceType: 'AwsS3Bucket',
    description:
      'The bucket ACL grants a permission to everyone (AllUsers) or to every AWS account (AuthenticatedUsers). A bucket whose public access block sets IgnorePublicAcls passes (CloudMapper ignores the public access block and reports such ACLs anyway).',
    risk: 'ACL grants usually let anyone list the bucket; WRITE or FULL_CONTROL let anyone change it.',
    remediation: { console: 'S3 > bucket > Permissions > Object Ownership: Bucket owner enforced (disables ACLs).', cli: 'aws s3api put-bucket-ownership-controls --bucket <bucket> --ownership-controls Rules=[{ObjectOwnership=BucketOwnerEnforced}]' },
    references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html'],
    compliance: { fsbp: ['S3.2', 'S3.3'] },
    cloudmapper: 'S3_PUBLIC_ACL',
  },
  (b) => {
    const acl = b.call('s3-get-bucket-acl');
    if (!acl.ok) return { unknown: acl.reason };
    const grants = publicGrants(acl.data);
    if (grants.length && blockSetting(b, 'IgnorePublicAcls')) return { bad: false, reason: 'public ACL ignored (IgnorePublicAcls)' };
    return verdict(grants.length > 0, grants.map((g) => `${g.Permission} to ${String(g.Grantee.URI).split('/').pop()}`).join(', '), 'no public grant');
  },
);
