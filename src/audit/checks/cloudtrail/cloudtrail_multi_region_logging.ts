import { cis } from '../../lib/define.js';
import { isLogging, recordsManagementEvents, trailsAccountCheck } from '../../lib/cloudtrail.js';

export default trailsAccountCheck(
  {
    id: 'cloudtrail_multi_region_logging',
    title: 'A multi-region trail is logging management events',
    severity: 'high',
    service: 'cloudtrail',
    resourceType: 'AwsAccount',
    description:
      'A multi-region trail (own or organisation) is logging and records read and write management events. CloudMapper only asks whether a multi-region trail exists; vigil also requires it to be logging, and says unknown when status or selectors were not collected.',
    risk: 'Activity in other regions, or stopped trails, leave gaps attackers use.',
    remediation: { console: 'CloudTrail > trail > Edit > Apply trail to all regions; Management events: Read and Write.', cli: 'aws cloudtrail update-trail --name <trail> --is-multi-region-trail && aws cloudtrail start-logging --name <trail>' },
    references: ['https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html'],
    compliance: { cis: cis('3.1'), fsbp: ['CloudTrail.1'] },
    cloudmapper: 'CLOUDTRAIL_NOT_MULTIREGION',
  },
  (t) => {
    const multi = t.trails.filter((x) => x.raw.IsMultiRegionTrail === true);
    if (multi.length === 0) return { bad: true, reason: t.trails.length ? 'no trail is multi-region' : 'no trail' };
    const verdicts = multi.map((x) => {
      const logging = isLogging(x);
      const mgmt = recordsManagementEvents(x);
      return logging === false || mgmt === false ? false : logging === undefined || mgmt === undefined ? undefined : true;
    });
    if (verdicts.includes(true)) return { bad: false, reason: 'multi-region trail logging management events' };
    if (verdicts.includes(undefined)) return { unknown: 'multi-region trail status or event selectors not collected' };
    return { bad: true, reason: 'multi-region trails are stopped or skip management events' };
  },
);
