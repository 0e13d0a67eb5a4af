import { reportDate } from '../../lib/credreport.js';
import { credentialCheck, verdict } from '../../lib/factories.js';
import { daysBetween } from '../../lib/snapshot.js';

export default credentialCheck(
  {
    id: 'iam_user_access_key_unused_90_days',
    title: 'Active access keys are used within 90 days',
    severity: 'low',
    service: 'iam',
    resourceType: 'AwsIamUser',
    description: 'An active access key (of a user or of root) was last used more than 90 days before the credential report.',
    risk: 'Keys nobody uses may have been lost, yet they still grant access.',
    remediation: {
      console: 'IAM > Users > user > Security credentials > Access keys > Make inactive, then delete.',
      cli: 'aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive',
    },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html'],
    compliance: {},
    cloudmapper: 'USER_HAS_NOT_USED_ACCESS_KEY_FOR_MAX_DAYS',
  },
  (row, report) => {
    const used = [1, 2]
      .filter((k) => row[`access_key_${k}_active`] === 'true')
      .map((k) => ({ k, last: reportDate(row[`access_key_${k}_last_used_date`]) }))
      .filter((x) => x.last !== undefined);
    if (!used.length) return null;
    const stale = used.filter((x) => (daysBetween(x.last, report.generated) ?? 0) > 90);
    return verdict(stale.length > 0, `key ${stale.map((s) => `${s.k} last used ${s.last}`).join(', ')}`, 'active keys used within 90 days');
  },
);
