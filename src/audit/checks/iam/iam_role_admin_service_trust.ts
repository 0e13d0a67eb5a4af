import { iamCheck, principalAdmin, trustStatements } from '../../lib/iam.js';
import { arr } from '../../lib/snapshot.js';

export default iamCheck(
  {
    id: 'iam_role_admin_service_trust',
    title: 'Admin roles are assumed by people, not by services',
    severity: 'high',
    service: 'iam',
    resourceType: 'AwsIamRole',
    description:
      'A role with admin rights (directly or through a privilege-escalation action) trusts an AWS service (EC2, Lambda, ECS tasks...), so compromising that compute compromises the account. Roles whose attached policy documents were not collected are unknown. CloudMapper only looks at trust statements whose Action is the string "sts:AssumeRole", so a list such as ["sts:AssumeRole", "sts:TagSession"] hides the role; vigil reads lists.',
    risk: 'An SSRF or code-execution bug in an instance or function becomes full account takeover.',
    remediation: { console: 'Give the workload a least-privilege role; keep admin roles for people (SSO/SAML or named IAM principals).', cli: 'aws iam detach-role-policy --role-name <role> --policy-arn <admin-policy>' },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html'],
    compliance: {},
    cloudmapper: 'IAM_UNEXPECTED_ADMIN_PRINCIPAL',
  },
  (d, { account, region, res }) => {
    for (const r of d.roles) {
      const services = trustStatements(r)
        .filter((s) => s.effect === 'Allow' && s.principal && typeof s.principal === 'object')
        .flatMap((s) => arr<string>(s.principal.Service));
      if (!services.length) {
        res.pass(r.Arn, account, region, 'not assumable by an AWS service', { resourceName: r.RoleName });
        continue;
      }
      const admin = principalAdmin(d, r, 'role');
      if (admin === undefined) res.unknown(r.Arn, account, region, 'an attached managed policy document was not collected', { resourceName: r.RoleName });
      else res.decide(admin.admin, r.Arn, account, region, `${admin.why}, assumable by ${services.join(', ')}`, 'service role is not admin', { resourceName: r.RoleName });
    }
  },
);
