import { cis } from '../../lib/define.js';
import { reportDate } from '../../lib/credreport.js';
import { verdict } from '../../lib/factories.js';
import { daysBetween } from '../../lib/snapshot.js';
import { rootCheck } from './root.js';

export default rootCheck(
  {
    id: 'iam_root_not_used_recently',
    title: 'The root user is not used for daily work',
    severity: 'high',
    service: 'iam',
    resourceType: 'AwsAccount',
    description: 'The root password or a root key was used within 30 days before the credential report.',
    risk: 'Routine root use means root credentials are exposed often and actions cannot be limited or attributed.',
    remediation: { console: 'Create IAM Identity Center users or IAM roles for administration and stop signing in as root.' },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html'],
    compliance: { cis: cis('1.7') },
  },
  (f) => {
    if (!f.row || !f.generated) return { unknown: f.missing || 'no <root_account> row in the credential report' };
    const uses = [f.row.password_last_used, f.row.access_key_1_last_used_date, f.row.access_key_2_last_used_date]
      .map(reportDate)
      .filter((d): d is string => d !== undefined);
    const recent = uses.filter((d) => (daysBetween(d, f.generated) ?? 999) <= 30);
    return verdict(recent.length > 0, `root used on ${recent.join(', ')}`, 'root not used in the 30 days before the report');
  },
);
