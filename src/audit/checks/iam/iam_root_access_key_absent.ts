import { cis } from '../../lib/define.js';
import { verdict } from '../../lib/factories.js';
import { rootCheck } from './root.js';

export default rootCheck(
  {
    id: 'iam_root_access_key_absent',
    title: 'The root user has no access keys',
    severity: 'critical',
    service: 'iam',
    resourceType: 'AwsAccount',
    description: 'AccountAccessKeysPresent is 0 in the account summary (or the credential report shows no active root key).',
    risk: 'A root access key is unrestricted, cannot be limited by IAM policies and is rarely watched.',
    remediation: {
      console: 'Sign in as root > Security credentials > Access keys > Delete.',
      cli: 'As root: aws iam delete-access-key --access-key-id <id>',
    },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html'],
    compliance: { cis: cis('1.4'), fsbp: ['IAM.4'] },
    cloudmapper: 'ROOT_USER_HAS_ACCESS_KEYS',
  },
  (f) => (f.accessKeys === undefined ? { unknown: f.missing } : verdict(f.accessKeys, 'root has access keys', 'root has no access keys')),
);
