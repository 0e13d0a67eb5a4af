import { cis } from '../../lib/define.js';
import { iamCheck } from '../../lib/iam.js';
import { arr } from '../../lib/snapshot.js';

export default iamCheck(
  {
    id: 'iam_user_no_direct_policies',
    title: 'IAM users receive permissions only through groups',
    severity: 'low',
    service: 'iam',
    resourceType: 'AwsIamUser',
    description: 'A user has managed policies attached or inline policies of its own.',
    risk: 'Per-user grants drift and are missed when access is reviewed by group or role.',
    remediation: { console: 'Move the permissions to a group and add the user to it; detach the user policies.', cli: 'aws iam detach-user-policy --user-name <user> --policy-arn <arn>; aws iam delete-user-policy ...' },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_attach-policy.html'],
    compliance: { cis: cis('1.15'), fsbp: ['IAM.2'] },
  },
  (d, { account, region, res }) => {
    for (const u of d.users) {
      const n = arr(u.AttachedManagedPolicies).length + arr(u.UserPolicyList).length;
      res.decide(n > 0, u.Arn, account, region, `${n} policies attached directly`, 'no direct policies', { resourceName: u.UserName });
    }
  },
);
