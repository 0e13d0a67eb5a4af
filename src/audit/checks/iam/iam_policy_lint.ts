import { actionProblem } from '../../lib/actions.js';
import { iamCheck, policyDocuments } from '../../lib/iam.js';

export default iamCheck(
  {
    id: 'iam_policy_lint',
    title: 'Custom IAM policies name real services and actions',
    severity: 'low',
    service: 'iam',
    resourceType: 'AwsIamPolicy',
    description:
      'Customer-managed and inline policies are linted against the IAM service reference: unknown service prefixes, actions that do not exist (typos, retired actions) and malformed action names. CloudMapper runs the Parliament linter; vigil covers its action findings with current IAM data.',
    risk: 'A misspelt action silently grants or denies nothing, so the policy does not do what its author believes.',
    remediation: { console: 'Fix or remove the listed actions.', cli: 'aws accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document file://policy.json' },
    references: ['https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html'],
    compliance: {},
    cloudmapper: 'IAM_LINTER',
  },
  (d, { account, region, res }) => {
    for (const p of policyDocuments(d)) {
      if (p.kind === 'aws') continue;
      const problems = [...new Set(p.statements.flatMap((s) => [...s.actions, ...s.notActions]).map(actionProblem).filter((x): x is string => x !== undefined))];
      res.decide(problems.length > 0, p.resource, account, region, `${p.name}: ${problems.join('; ')}`, `${p.name}: all actions known`, { resourceName: p.name });
    }
  },
);
