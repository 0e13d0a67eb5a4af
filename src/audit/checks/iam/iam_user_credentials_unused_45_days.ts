import { cis } from '../../lib/define.js';
import { reportDate, ROOT_USER } from '../../lib/credreport.js';
import { credentialCheck, verdict } from '../../lib/factories.js';
import { daysBetween } from '../../lib/snapshot.js';

export default credentialCheck(
  {
    id: 'iam_user_credentials_unused_45_days',
    title: 'IAM user credentials unused for 45 days are disabled',
    severity: 'medium',
    service: 'iam',
    resourceType: 'AwsIamUser',
    description:
      'A user has an enabled password or active key not used (or, if never used, not created/rotated) within 45 days of the credential report.',
    risk: 'Abandoned credentials widen the window for a compromised or departed identity.',
    remediation: {
      console: 'IAM > Users > user > Security credentials: disable console access and deactivate stale keys.',
      cli: 'aws iam delete-login-profile --user-name <user>; aws iam update-access-key --status Inactive ...',
    },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html'],
    compliance: { cis: cis('1.12'), fsbp: ['IAM.22'] },
  },
  (row, report) => {
    if (row.user === ROOT_USER) return null;
    const stale: string[] = [];
    const old = (d: string | undefined) => d !== undefined && (daysBetween(d, report.generated) ?? 0) > 45;
    if (row.password_enabled === 'true') {
      const last = reportDate(row.password_last_used) ?? reportDate(row.password_last_changed) ?? reportDate(row.user_creation_time);
      if (old(last)) stale.push('password');
    }
    for (const k of [1, 2]) {
      if (row[`access_key_${k}_active`] !== 'true') continue;
      const last = reportDate(row[`access_key_${k}_last_used_date`]) ?? reportDate(row[`access_key_${k}_last_rotated`]);
      if (old(last)) stale.push(`access key ${k}`);
    }
    if (row.password_enabled !== 'true' && row.access_key_1_active !== 'true' && row.access_key_2_active !== 'true') return null;
    return verdict(stale.length > 0, `unused over 45 days: ${stale.join(', ')}`, 'credentials used within 45 days');
  },
);
