import { iamCheck, policyDocuments } from '../../lib/iam.js';
import { adminVerdict } from '../../lib/policy.js';

export default iamCheck(
  {
    id: 'iam_policy_custom_admin',
    title: 'Custom IAM policies do not grant admin',
    severity: 'high',
    service: 'iam',
    resourceType: 'AwsIamPolicy',
    description:
      'A customer-managed or inline policy allows * on *, or a privilege-escalation action (attach/put policy, create access key or login profile, update a trust policy...) on every resource without condition. Deny statements are honoured. Unlike CloudMapper, a NotAction statement that leaves iam:* out is not assumed safe when it still allows an escalation path, and only CloudMapper\'s OrganizationAccountAccessRole exemption is kept as an explained pass.',
    risk: 'A hand-written admin policy hides administrators from reviews that look for AdministratorAccess.',
    remediation: {
      console: 'IAM > Policies (or the principal\'s inline policies) > Edit to least privilege, or use AdministratorAccess explicitly for real admins.',
      cli: 'aws iam create-policy-version --policy-arn <arn> --policy-document file://least-privilege.json --set-as-default',
    },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege'],
    compliance: {},
    cloudmapper: 'IAM_CUSTOM_POLICY_ALLOWS_ADMIN',
  },
  (d, { account, region, res }) => {
    for (const p of policyDocuments(d)) {
      if (p.kind === 'aws') continue;
      const v = adminVerdict(p.statements);
      if (v.admin && p.kind === 'inline' && /:role\/OrganizationAccountAccessRole$/.test(p.resource)) {
        res.pass(p.resource, account, region, 'OrganizationAccountAccessRole is admin by design', { resourceName: p.name });
        continue;
      }
      res.decide(v.admin, p.resource, account, region, `${p.name} ${v.why}`, `${p.name} grants no admin`, { resourceName: p.name });
    }
  },
);
