import { credentialCheck, verdict } from '../../lib/factories.js';

export default credentialCheck(
  {
    id: 'iam_user_access_key_never_used',
    title: 'Active access keys have been used',
    severity: 'low',
    service: 'iam',
    resourceType: 'AwsIamUser',
    description: 'An active access key of the user (or root) has never been used.',
    risk: 'Unused keys may have been handed over insecurely and are not protected like keys in daily use.',
    remediation: {
      console: 'IAM > Users > user > Security credentials > Access keys > Delete the unused key.',
      cli: 'aws iam delete-access-key --user-name <user> --access-key-id <id>',
    },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html'],
    compliance: {},
    cloudmapper: 'USER_HAS_UNUSED_ACCESS_KEY',
  },
  (row) => {
    const unused = [1, 2].filter((k) => row[`access_key_${k}_active`] === 'true' && !/^\d{4}-/.test(row[`access_key_${k}_last_used_date`] ?? ''));
    if (row.access_key_1_active !== 'true' && row.access_key_2_active !== 'true') return null;
    return verdict(unused.length > 0, `active key ${unused.join(' and ')} never used`, 'every active key has been used');
  },
);
