import { iamCheck, policyDocuments, trustStatements } from '../../lib/iam.js';

const TRUST_ACTIONS = /^sts:(AssumeRole|AssumeRoleWithSAML|AssumeRoleWithWebIdentity|TagSession|SetSourceIdentity|SetContext)$/i;

export default iamCheck(
  {
    id: 'iam_policy_unexpected_format',
    title: 'IAM policies have no confusing constructs',
    severity: 'low',
    service: 'iam',
    resourceType: 'AwsIamPolicy',
    description:
      'A policy allows all actions (*, *:* or iam:*) but only on specific resources, or a role trust policy has a Deny or an action other than the sts:AssumeRole* / TagSession / SetSourceIdentity family. CloudMapper compares the trust Action to a string, so it flags every trust statement whose Action is a list (e.g. AssumeRole + TagSession); vigil reads lists.',
    risk: 'Policies that do not mean what they seem to mean grant more than reviewers think.',
    remediation: { console: 'Rewrite the statement with explicit actions and resources.', cli: 'aws iam update-assume-role-policy --role-name <role> --policy-document file://trust.json' },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html'],
    compliance: {},
    cloudmapper: 'IAM_UNEXPECTED_FORMAT',
  },
  (d, { account, region, res }) => {
    for (const p of policyDocuments(d)) {
      if (p.kind === 'aws') continue;
      const odd = p.statements.find(
        (s) => s.effect === 'Allow' && s.actions.some((a) => ['*', '*:*', 'iam:*'].includes(a.toLowerCase())) && !s.resources.includes('*') && s.notResources.length === 0,
      );
      res.decide(odd !== undefined, p.resource, account, region, `${p.name}: all actions limited to ${odd?.resources.join(', ')}`, `${p.name}: nothing unexpected`, {
        resourceName: p.name,
      });
    }
    for (const r of d.roles) {
      const odd = trustStatements(r).find((s) => s.effect !== 'Allow' || s.notActions.length > 0 || s.actions.some((a) => !TRUST_ACTIONS.test(a)));
      res.decide(odd !== undefined, r.Arn, account, region, `trust policy: unexpected ${odd?.effect} ${[...(odd?.actions ?? []), ...(odd?.notActions ?? [])].join(', ')}`, 'trust policy as expected', {
        resourceName: r.RoleName,
      });
    }
  },
);
