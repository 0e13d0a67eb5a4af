import { cis } from '../../lib/define.js';
import { credentialCheck, verdict } from '../../lib/factories.js';

export default credentialCheck(
  {
    id: 'iam_user_mfa_enabled_console_access',
    title: 'IAM users with a console password have MFA',
    severity: 'medium',
    service: 'iam',
    resourceType: 'AwsIamUser',
    description: 'Every IAM user that can sign in to the console with a password has an active MFA device (credential report).',
    risk: 'A phished or reused password alone gives console access to the account.',
    remediation: {
      console: 'IAM > Users > user > Security credentials > Assign MFA device.',
      cli: 'aws iam create-virtual-mfa-device --virtual-mfa-device-name <user> ... && aws iam enable-mfa-device --user-name <user> ...',
    },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html'],
    compliance: { cis: cis('1.10'), fsbp: ['IAM.5'] },
    cloudmapper: 'USER_WITH_PASSWORD_LOGIN_BUT_NO_MFA',
  },
  (row) => (row.password_enabled !== 'true' ? null : verdict(row.mfa_active !== 'true', 'console password without MFA', 'console password with MFA')),
);
