import { allStatements, iamCheck, principalPolicies, trustedServices } from '../../lib/iam.js';
import { coversAction, type Statement } from '../../lib/policy.js';

/** Services that legitimately read every bucket (CloudMapper's exemptions). */
const SCANNERS = new Set(['config.amazonaws.com', 'trustedadvisor.amazonaws.com', 'macie.amazonaws.com']);
const ALL_OBJECTS = /^(\*|arn:[^:]+:s3:::\*(\/\*)?)$/;

function grantsOnAll(stmts: Statement[], action: string): boolean {
  return stmts.some((s) => s.effect === 'Allow' && !s.hasCondition && (s.notResources.length > 0 || s.resources.some((r) => ALL_OBJECTS.test(r))) && coversAction(s, action));
}

export default iamCheck(
  {
    id: 'iam_role_s3_exfil_service_trust',
    title: 'Compute roles cannot list and read every S3 bucket',
    severity: 'high',
    service: 'iam',
    resourceType: 'AwsIamRole',
    description:
      'A role an AWS service assumes (EC2, Lambda, ECS...) can call s3:ListAllMyBuckets and s3:GetObject on every bucket without condition. Config, Trusted Advisor and Macie are exempt. CloudMapper only counts GetObject on Resource "*"; vigil also counts arn:aws:s3:::*/*.',
    risk: 'Compromising one instance or function lets an attacker enumerate and download all S3 data.',
    remediation: { console: 'Restrict s3:GetObject to the buckets the workload needs.', cli: 'aws iam put-role-policy --role-name <role> --policy-name s3 --policy-document file://scoped-s3.json' },
    references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-policies-s3.html'],
    compliance: {},
    cloudmapper: 'IAM_UNEXPECTED_S3_EXFIL_PRINCIPAL',
  },
  (d, { account, region, res }) => {
    for (const r of d.roles) {
      const services = trustedServices(r).filter((s) => !SCANNERS.has(s));
      if (!services.length) {
        res.pass(r.Arn, account, region, 'not assumable by a compute service', { resourceName: r.RoleName });
        continue;
      }
      const pp = principalPolicies(d, r, 'role');
      const stmts = allStatements(pp);
      const bad = grantsOnAll(stmts, 's3:ListAllMyBuckets') && grantsOnAll(stmts, 's3:GetObject');
      if (!bad && pp.missing.length) res.unknown(r.Arn, account, region, `policy not collected: ${pp.missing.join(', ')}`, { resourceName: r.RoleName });
      else res.decide(bad, r.Arn, account, region, `${services.join(', ')} can list and read every bucket`, 'cannot list and read all of S3', { resourceName: r.RoleName });
    }
  },
);
