import { isLogging, trailsAccountCheck } from '../../lib/cloudtrail.js';

export default trailsAccountCheck(
  {
    id: 'cloudtrail_enabled',
    title: 'CloudTrail is on for the account',
    severity: 'high',
    service: 'cloudtrail',
    resourceType: 'AwsAccount',
    description:
      'At least one trail covers the account and is logging (an organisation trail of the management account counts). Trails are looked for in every region, not only us-east-1 as CloudMapper does; when no trail status was collected, a trail\'s existence is not taken as proof that it logs.',
    risk: 'Without an audit log, account activity cannot be investigated.',
    remediation: { console: 'CloudTrail > Trails > Create trail (multi-region, ideally an organisation trail).', cli: 'aws cloudtrail create-trail --name main --s3-bucket-name <bucket> --is-multi-region-trail && aws cloudtrail start-logging --name main' },
    references: ['https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail.html'],
    compliance: {},
    cloudmapper: 'CLOUDTRAIL_OFF',
  },
  (t) => {
    if (t.trails.length === 0) return { bad: true, reason: 'no trail' };
    if (t.trails.some((x) => isLogging(x) === true)) return { bad: false, reason: 'a trail is logging' };
    if (t.trails.some((x) => isLogging(x) === undefined)) return { unknown: 'trails exist but their status (get-trail-status) was not collected' };
    return { bad: true, reason: 'no trail is logging' };
  },
);
