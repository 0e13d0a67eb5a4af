import { iamCheck, principals } from '../../lib/iam.js';
import { arr } from '../../lib/snapshot.js';

/** AWS managed policies AWS itself deprecated or found flawed, with what to use instead. */
export const DEPRECATED_POLICIES: Record<string, string> = {
  AmazonEC2RoleforSSM: 'grants s3:GetObject/PutObject on every bucket; use AmazonSSMManagedInstanceCore',
  AmazonMachineLearningRoleforRedshiftDataSource: 'use AmazonMachineLearningRoleforRedshiftDataSourceV3',
  AmazonElasticTranscoderFullAccess: 'grants admin through iam:*; use AmazonElasticTranscoder_FullAccess',
  AWSLambdaFullAccess: 'deprecated; use AWSLambda_FullAccess',
  AWSLambdaReadOnlyAccess: 'deprecated; use AWSLambda_ReadOnlyAccess',
  AmazonElasticTranscoderJobsSubmitter: 'deprecated; use AmazonElasticTranscoder_JobsSubmitter',
  AmazonElasticTranscoderReadOnlyAccess: 'deprecated; use AmazonElasticTranscoder_ReadOnlyAccess',
  AWSCodeStarFullAccess: 'CodeStar is discontinued',
  AWSConfigRole: 'deprecated; use AWS_ConfigRole',
};

export default iamCheck(
  {
    id: 'iam_no_deprecated_managed_policy',
    title: 'No known-bad or deprecated AWS managed policy is attached',
    severity: 'high',
    service: 'iam',
    resourceType: 'AwsIamRole',
    description:
      'A user, group or role has an AWS managed policy attached that AWS deprecated or that is known to over-grant. CloudMapper reports group and user attachments against the last role it looked at (a loop-variable bug); vigil names the principal that has the policy.',
    risk: 'Deprecated policies keep permissions AWS considered mistakes (e.g. read/write to every S3 bucket).',
    remediation: {
      console: 'Attach the replacement policy, then detach the deprecated one.',
      cli: 'aws iam attach-role-policy --role-name <role> --policy-arn <replacement>; aws iam detach-role-policy --role-name <role> --policy-arn <deprecated>',
    },
    references: ['https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html'],
    compliance: {},
    cloudmapper: 'IAM_KNOWN_BAD_POLICY',
  },
  (d, { account, region, res }) => {
    for (const [, entity, arn, name] of principals(d)) {
      const bad = arr(entity.AttachedManagedPolicies).filter((a) => /^arn:aws[a-z-]*:iam::aws:policy\//.test(a.PolicyArn) && DEPRECATED_POLICIES[a.PolicyArn.split('/').pop()]);
      res.decide(
        bad.length > 0,
        arn,
        account,
        region,
        bad.map((a) => `${a.PolicyArn.split('/').pop()}: ${DEPRECATED_POLICIES[a.PolicyArn.split('/').pop()]}`).join('; '),
        'no deprecated managed policy',
        { resourceName: name },
      );
    }
  },
);
