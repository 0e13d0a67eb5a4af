import { iamCheck, trustStatements } from '../../lib/iam.js';
import { publicStatements } from '../../lib/policy.js';

export default iamCheck(
  {
    id: 'iam_role_trust_public',
    title: 'IAM roles cannot be assumed from anywhere',
    severity: 'critical',
    service: 'iam',
    resourceType: 'AwsIamRole',
    description:
      'The trust policy allows Principal "*" (or AWS "*") without a condition that pins callers (sts:ExternalId, aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceIp...). Conditions with IfExists or ForAllValues do not count as restrictions.',
    risk: 'Any AWS account in the world can assume the role and use its permissions.',
    remediation: {
      console: 'IAM > Roles > role > Trust relationships > Edit: name the trusted accounts or add an organisation condition.',
      cli: 'aws iam update-assume-role-policy --role-name <role> --policy-document file://trust.json',
    },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html'],
    compliance: {},
    cloudmapper: 'IAM_ROLE_ALLOWS_ASSUMPTION_FROM_ANYWHERE',
  },
  (d, { account, region, res }) => {
    for (const r of d.roles) {
      const open = publicStatements(trustStatements(r));
      res.decide(open.length > 0, r.Arn, account, region, 'trust policy allows anyone to assume the role', 'trust policy names its principals', { resourceName: r.RoleName });
    }
  },
);
