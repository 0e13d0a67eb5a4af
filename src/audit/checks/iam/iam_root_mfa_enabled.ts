import { cis } from '../../lib/define.js';
import { verdict } from '../../lib/factories.js';
import { rootCheck } from './root.js';

export default rootCheck(
  {
    id: 'iam_root_mfa_enabled',
    title: 'The root user has MFA',
    severity: 'critical',
    service: 'iam',
    resourceType: 'AwsAccount',
    description: 'AccountMFAEnabled is 1 in the account summary (or mfa_active for <root_account> in the credential report).',
    risk: 'Without MFA, whoever controls the root e-mail inbox can reset the password and own the account.',
    remediation: { console: 'Sign in as root > Security credentials > Multi-factor authentication > Assign MFA device.' },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_mfa.html'],
    compliance: { cis: cis('1.5'), fsbp: ['IAM.9'] },
    cloudmapper: 'ROOT_USER_HAS_NO_MFA',
  },
  (f) => (f.mfa === undefined ? { unknown: f.missing } : verdict(!f.mfa, 'root has no MFA', 'root has MFA')),
);
