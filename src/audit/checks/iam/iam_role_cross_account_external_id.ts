import { iamCheck, trustStatements } from '../../lib/iam.js';
import { conditionRestricts, principalAccounts } from '../../lib/policy.js';

export default iamCheck(
  {
    id: 'iam_role_cross_account_external_id',
    title: 'Roles trusted by other accounts require an external id or organisation',
    severity: 'medium',
    service: 'iam',
    resourceType: 'AwsIamRole',
    description:
      'A role trusts an AWS account outside the snapshot without a restricting condition (sts:ExternalId, aws:PrincipalOrgID...). Accounts audited in the same snapshot are treated as trusted.',
    risk: 'A third party trusted this way can be tricked into acting on your account (confused deputy).',
    remediation: { console: 'Add a Condition with sts:ExternalId agreed with the third party.', cli: 'aws iam update-assume-role-policy --role-name <role> --policy-document file://trust-with-external-id.json' },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html'],
    compliance: {},
  },
  (d, { account, region, snap, res }) => {
    const ours = new Set(snap.accounts().map((a) => a.id));
    for (const r of d.roles) {
      const foreign = trustStatements(r)
        .filter((s) => s.effect === 'Allow' && !conditionRestricts(s))
        .flatMap((s) => principalAccounts(s.principal))
        .filter((a) => a !== account && !ours.has(a));
      res.decide(foreign.length > 0, r.Arn, account, region, `trusts ${[...new Set(foreign)].join(', ')} without external id`, 'no unconditioned foreign-account trust', { resourceName: r.RoleName });
    }
  },
);
