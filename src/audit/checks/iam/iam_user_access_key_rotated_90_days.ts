import { cis } from '../../lib/define.js';
import { reportDate } from '../../lib/credreport.js';
import { credentialCheck, verdict } from '../../lib/factories.js';
import { daysBetween } from '../../lib/snapshot.js';

export default credentialCheck(
  {
    id: 'iam_user_access_key_rotated_90_days',
    title: 'Active access keys are rotated every 90 days',
    severity: 'medium',
    service: 'iam',
    resourceType: 'AwsIamUser',
    description: 'An active access key was created (last rotated) more than 90 days before the credential report.',
    risk: 'Long-lived keys accumulate in scripts, laptops and logs; rotation limits how long a leaked key works.',
    remediation: {
      console: 'IAM > Users > user > Security credentials > Create access key, switch clients, deactivate the old key.',
      cli: 'aws iam create-access-key --user-name <user>; aws iam update-access-key --status Inactive --access-key-id <old>',
    },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#Using_RotateAccessKey'],
    compliance: { cis: cis('1.14'), fsbp: ['IAM.3'] },
  },
  (row, report) => {
    const active = [1, 2].filter((k) => row[`access_key_${k}_active`] === 'true');
    if (!active.length) return null;
    const old = active.filter((k) => (daysBetween(reportDate(row[`access_key_${k}_last_rotated`]), report.generated) ?? 0) > 90);
    return verdict(old.length > 0, `key ${old.join(' and ')} older than 90 days`, 'active keys younger than 90 days');
  },
);
