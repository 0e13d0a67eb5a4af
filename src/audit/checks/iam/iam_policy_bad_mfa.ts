import { iamCheck, policyDocuments } from '../../lib/iam.js';

const MANAGE_OWN_MFA = /^AllowIndividualUserTo(View)?(And)?ManageTheirOwnMFA$/;

export default iamCheck(
  {
    id: 'iam_policy_bad_mfa',
    title: 'No flawed "enforce MFA" policy is used',
    severity: 'high',
    service: 'iam',
    resourceType: 'AwsIamPolicy',
    description:
      'The policy matches an MFA-enforcement example AWS once published that lets a holder of stolen keys deactivate the MFA device (iam:DeactivateMFADevice without MFA) or manage all of IAM without MFA (Deny NotAction iam:*).',
    risk: 'An attacker with a user\'s keys removes the MFA device, adds their own, and passes the MFA requirement.',
    remediation: {
      console: 'Replace the policy with the current AWS example (DeactivateMFADevice only with aws:MultiFactorAuthPresent).',
      cli: 'aws iam create-policy-version --policy-arn <arn> --policy-document file://mfa-self-manage.json --set-as-default',
    },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage.html'],
    compliance: {},
    cloudmapper: 'IAM_BAD_MFA_POLICY',
  },
  (d, { account, region, res }) => {
    for (const p of policyDocuments(d)) {
      if (p.kind === 'aws') continue;
      const bad = p.statements.find(
        (s) =>
          (MANAGE_OWN_MFA.test(s.sid ?? '') && s.effect === 'Allow' && !s.hasCondition && s.actions.some((a) => /^iam:DeactivateMFADevice$/i.test(a))) ||
          (s.sid === 'BlockAnyAccessOtherThanAboveUnlessSignedInWithMFA' && s.notActions.some((a) => a.toLowerCase() === 'iam:*')),
      );
      res.decide(bad !== undefined, p.resource, account, region, `${p.name}: flawed MFA statement ${bad?.sid}`, `${p.name}: no flawed MFA statement`, {
        resourceName: p.name,
      });
    }
  },
);
