import { cis } from '../../lib/define.js';
import { iamCheck, policyDocuments } from '../../lib/iam.js';
import { grantsFullAdmin } from '../../lib/policy.js';

export default iamCheck(
  {
    id: 'iam_policy_no_full_admin_attached',
    title: 'No attached customer-managed policy allows "*:*"',
    severity: 'high',
    service: 'iam',
    resourceType: 'AwsIamPolicy',
    description: 'A customer-managed policy with an Allow of Action "*" on Resource "*" is attached to a user, group or role.',
    risk: 'Full administrative rights granted through custom policies escape the review of real admin roles.',
    remediation: {
      console: 'IAM > Policies > policy > Entities attached > Detach, then narrow the policy.',
      cli: 'aws iam list-entities-for-policy --policy-arn <arn>; aws iam detach-<user|group|role>-policy ...',
    },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege'],
    compliance: { cis: cis('1.16'), fsbp: ['IAM.1'] },
  },
  (d, { account, region, res }) => {
    for (const p of policyDocuments(d)) {
      if (p.kind !== 'customer' || !p.attachments) continue;
      res.decide(grantsFullAdmin(p.statements), p.resource, account, region, 'attached policy allows *:*', 'no *:* statement', { resourceName: p.name });
    }
  },
);
