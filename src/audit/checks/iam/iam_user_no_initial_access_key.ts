import { cis } from '../../lib/define.js';
import { reportDate } from '../../lib/credreport.js';
import { credentialCheck, verdict } from '../../lib/factories.js';

export default credentialCheck(
  {
    id: 'iam_user_no_initial_access_key',
    title: 'No unused access keys set up with console users',
    severity: 'low',
    service: 'iam',
    resourceType: 'AwsIamUser',
    description: 'A user with a console password also has an active access key that has never been used (CIS audit procedure).',
    risk: 'Keys created "just in case" at user creation are unowned long-lived credentials.',
    remediation: {
      console: 'IAM > Users > user > Security credentials > Access keys > Delete the never-used key.',
      cli: 'aws iam delete-access-key --user-name <user> --access-key-id <id>',
    },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_create.html'],
    compliance: { cis: cis('1.11') },
  },
  (row) => {
    if (row.password_enabled !== 'true') return null;
    const bad = [1, 2].filter((k) => row[`access_key_${k}_active`] === 'true' && !reportDate(row[`access_key_${k}_last_used_date`]));
    return verdict(bad.length > 0, `console user with never-used key ${bad.join(' and ')}`, 'no never-used keys');
  },
);
