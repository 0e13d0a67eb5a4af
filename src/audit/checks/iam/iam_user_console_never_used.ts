import { credentialCheck, verdict } from '../../lib/factories.js';

export default credentialCheck(
  {
    id: 'iam_user_console_never_used',
    title: 'IAM users with a console password have used it',
    severity: 'medium',
    service: 'iam',
    resourceType: 'AwsIamUser',
    description: 'A user has a console password that was never used (credential report password_last_used = no_information).',
    risk: 'An unused password may be a default or one sent insecurely; nobody would notice it being used by someone else.',
    remediation: {
      console: 'IAM > Users > user > Security credentials > Console sign-in > Disable console access.',
      cli: 'aws iam delete-login-profile --user-name <user>',
    },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html'],
    compliance: {},
    cloudmapper: 'USER_HAS_NEVER_LOGGED_IN',
  },
  (row) =>
    row.password_enabled !== 'true'
      ? null
      : verdict(row.password_last_used === 'no_information' || row.password_last_used === 'N/A', 'console password never used', `password last used ${row.password_last_used}`),
);
