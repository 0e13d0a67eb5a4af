/** CIS 3.8/3.9: object-level S3 logging for write and read events on every bucket. */
import type { Check } from '../../check.js';
import { cis } from '../../lib/define.js';
import { recordsS3ObjectEvents, trailsAccountCheck } from '../../lib/cloudtrail.js';

export const S3_OBJECT_EVENT_CHECKS: Check[] = (['write', 'read'] as const).map((kind) =>
  trailsAccountCheck(
    {
      id: `cloudtrail_s3_object_${kind}_events`,
      title: `Object-level logging of S3 ${kind} events is enabled`,
      severity: 'low',
      service: 'cloudtrail',
      resourceType: 'AwsAccount',
      description: `A multi-region trail records S3 data events (AWS::S3::Object) for ${kind} operations on all buckets (basic or advanced event selectors).`,
      risk: `Who ${kind === 'read' ? 'downloaded' : 'uploaded, overwrote or deleted'} which object cannot be established after an incident.`,
      remediation: {
        console: 'CloudTrail > trail > Data events > Add S3, all current and future buckets, ' + (kind === 'read' ? 'Read' : 'Write') + '.',
        cli: `aws cloudtrail put-event-selectors --trail-name <trail> --event-selectors '[{"ReadWriteType":"${kind === 'read' ? 'ReadOnly' : 'WriteOnly'}","DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}]'`,
      },
      references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-cloudtrail-logging-for-s3.html'],
      compliance: { cis: cis(kind === 'write' ? '3.8' : '3.9'), fsbp: [kind === 'write' ? 'S3.22' : 'S3.23'] },
    },
    (t) => {
      const multi = t.trails.filter((x) => x.raw.IsMultiRegionTrail === true);
      const v = multi.map((x) => recordsS3ObjectEvents(x, kind));
      if (v.includes(true)) return { bad: false, reason: `S3 object ${kind} events recorded` };
      if (v.includes(undefined)) return { unknown: 'event selectors not collected' };
      return { bad: true, reason: `no multi-region trail records S3 object ${kind} events` };
    },
  ),
);
