import { iamCheck, policyDocuments } from '../../lib/iam.js';
import { notActionAllows } from '../../lib/policy.js';

export default iamCheck(
  {
    id: 'iam_policy_no_notaction_allow',
    title: 'Custom policies do not Allow with NotAction on every resource',
    severity: 'medium',
    service: 'iam',
    resourceType: 'AwsIamPolicy',
    description:
      'A customer-managed or inline policy has an unconditioned Allow statement with NotAction on all resources. CloudMapper exempts statements whose NotAction lists iam:*, but such a statement still allows every other service (and every future one).',
    risk: 'NotAction allows everything not listed, including actions and services added later.',
    remediation: { console: 'Rewrite the statement with an explicit Action list.', cli: 'aws iam create-policy-version --policy-arn <arn> --policy-document file://explicit.json --set-as-default' },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html'],
    compliance: {},
    cloudmapper: 'IAM_NOTACTION_ALLOW',
  },
  (d, { account, region, res }) => {
    for (const p of policyDocuments(d)) {
      if (p.kind === 'aws') continue;
      const bad = notActionAllows(p.statements);
      res.decide(bad.length > 0, p.resource, account, region, `${p.name}: Allow NotAction ${bad.map((s) => s.notActions.join('|')).join('; ')}`, `${p.name}: no NotAction allow`, {
        resourceName: p.name,
      });
    }
  },
);
