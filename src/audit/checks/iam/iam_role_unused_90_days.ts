import { iamCheck } from '../../lib/iam.js';
import { daysBetween } from '../../lib/snapshot.js';

export default iamCheck(
  {
    id: 'iam_role_unused_90_days',
    title: 'IAM roles are used within 90 days',
    severity: 'low',
    service: 'iam',
    resourceType: 'AwsIamRole',
    description: 'A role (not service-linked) older than 90 days has not been used in the 90 days before the snapshot (RoleLastUsed).',
    risk: 'Unused roles keep trust relationships and permissions nobody reviews.',
    remediation: { console: 'IAM > Roles > sort by Last activity > delete roles nobody needs.', cli: 'aws iam delete-role --role-name <role>' },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_delete.html'],
    compliance: {},
  },
  (d, { account, region, snap, res }) => {
    for (const r of d.roles) {
      if (String(r.Path ?? '').startsWith('/aws-service-role/')) continue;
      if (r.RoleLastUsed === undefined) {
        res.unknown(r.Arn, account, region, 'RoleLastUsed not in the snapshot', { resourceName: r.RoleName });
        continue;
      }
      const last = r.RoleLastUsed.LastUsedDate as string | undefined;
      const age = daysBetween(last ?? r.CreateDate, snap.time) ?? 0;
      res.decide(age > 90, r.Arn, account, region, last ? `last used ${age} days ago` : `never used, created ${age} days ago`, `used or created within 90 days`, {
        resourceName: r.RoleName,
      });
    }
  },
);
