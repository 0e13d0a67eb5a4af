import { iamCheck, principalAdmin } from '../../lib/iam.js';

export default iamCheck(
  {
    id: 'iam_group_admin_name',
    title: 'Admin groups say so in their name',
    severity: 'low',
    service: 'iam',
    resourceType: 'AwsIamGroup',
    description: 'An IAM group grants admin (directly or through privilege escalation) but its name does not contain "admin".',
    risk: 'People get added to a harmless-looking group and become administrators.',
    remediation: { console: 'Rename the group (recreate it) or narrow its policies.', cli: 'aws iam update-group --group-name <old> --new-group-name <name>-admins' },
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_rename.html'],
    compliance: {},
    cloudmapper: 'IAM_NAME_DOES_NOT_INDICATE_ADMIN',
  },
  (d, { account, region, res }) => {
    for (const g of d.groups) {
      const admin = principalAdmin(d, g, 'group');
      if (admin === undefined) res.unknown(g.Arn, account, region, 'an attached managed policy document was not collected', { resourceName: g.GroupName });
      else res.decide(admin.admin && !/admin/i.test(g.GroupName), g.Arn, account, region, `${admin.why} but the name does not say admin`, admin.admin ? 'admin group named as such' : 'not an admin group', { resourceName: g.GroupName });
    }
  },
);
