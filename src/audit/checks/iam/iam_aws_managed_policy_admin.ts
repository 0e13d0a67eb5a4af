import { iamCheck, policyDocuments } from '../../lib/iam.js';
import { adminVerdict } from '../../lib/policy.js';

const MEANT_AS_ADMIN = /:policy\/(AdministratorAccess|IAMFullAccess)$/;

export default iamCheck(
  {
    id: 'iam_aws_managed_policy_admin',
    title: 'AWS managed policies in use do not unintentionally grant admin',
    severity: 'medium',
    service: 'iam',
    resourceType: 'AwsIamPolicy',
    description:
      'An AWS managed policy other than AdministratorAccess/IAMFullAccess grants admin or a privilege-escalation path (e.g. the deprecated AmazonElasticTranscoderFullAccess).',
    risk: 'Principals given a "service" policy silently become administrators.',
    remediation: {
      console: 'Replace the AWS managed policy with a narrower customer-managed policy on every principal using it.',
      cli: 'aws iam detach-role-policy --role-name <role> --policy-arn <arn>',
    },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html'],
    compliance: {},
    cloudmapper: 'IAM_MANAGED_POLICY_UNINTENTIONALLY_ALLOWING_ADMIN',
  },
  (d, { account, region, res }) => {
    for (const p of policyDocuments(d)) {
      if (p.kind !== 'aws' || MEANT_AS_ADMIN.test(p.resource)) continue;
      const v = adminVerdict(p.statements);
      res.decide(v.admin, p.resource, account, region, `${p.name} ${v.why}`, `${p.name} grants no admin`, { resourceName: p.name });
    }
  },
);
