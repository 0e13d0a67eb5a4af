import { cis } from '../../lib/define.js';
import { credentialCheck, verdict } from '../../lib/factories.js';

export default credentialCheck(
  {
    id: 'iam_user_two_active_access_keys',
    title: 'IAM users have at most one active access key',
    severity: 'low',
    service: 'iam',
    resourceType: 'AwsIamUser',
    description: 'Both access keys of a user (or of the root user) are active. Two keys exist only to roll one.',
    risk: 'The forgotten second key keeps working long after everyone believes it was rotated away.',
    remediation: {
      console: 'IAM > Users > user > Security credentials > Access keys > Deactivate and delete the unused key.',
      cli: 'aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive && aws iam delete-access-key ...',
    },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console'],
    compliance: { cis: cis('1.13') },
    cloudmapper: 'USER_HAS_TWO_ACCESS_KEYS',
  },
  (row) => verdict(row.access_key_1_active === 'true' && row.access_key_2_active === 'true', 'two active access keys', 'at most one active access key'),
);
