import { reportDate } from '../../lib/credreport.js';
import { credentialCheck, verdict } from '../../lib/factories.js';
import { daysBetween } from '../../lib/snapshot.js';

export default credentialCheck(
  {
    id: 'iam_user_console_unused_90_days',
    title: 'IAM user console passwords are used within 90 days',
    severity: 'medium',
    service: 'iam',
    resourceType: 'AwsIamUser',
    description: 'A console password was last used more than 90 days before the credential report was generated.',
    risk: 'Dormant passwords grant access nobody uses and nobody watches.',
    remediation: {
      console: 'IAM > Users > user > Security credentials > Console sign-in > Disable console access.',
      cli: 'aws iam delete-login-profile --user-name <user>',
    },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html'],
    compliance: {},
    cloudmapper: 'USER_HAS_NOT_LOGGED_IN_FOR_OVER_MAX_DAYS',
  },
  (row, report) => {
    const last = reportDate(row.password_last_used);
    if (row.password_enabled !== 'true' || !last) return null;
    const days = daysBetween(last, report.generated) ?? 0;
    return verdict(days > 90, `password last used ${days} days ago`, `password used ${days} days ago`);
  },
);
