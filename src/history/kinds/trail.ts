/** CloudTrail trails: where they deliver, whether they log, and what they select. */
import { at, str } from '../event.js';
import type { TrailRecord } from '../types.js';
import { afterMarker, arnScheme, fromItem, pick, regionOfArn, type EventSpec, type Kind, type Target } from './kind.js';

/** Trails are named by name or ARN; an ARN also says the trail's home region. */
function trailTarget(...paths: string[]) {
  return (rec: TrailRecord): (Target | undefined)[] => {
    const ref = paths.map((p) => str(rec, p)).find(Boolean);
    if (!ref) return [];
    if (!ref.startsWith('arn:')) return [{ id: ref, arn: str(rec, 'responseElements.trailARN') }];
    const id = afterMarker(ref, 'cloudtrail', 'trail/');
    return id ? [{ id, arn: ref, region: regionOfArn(ref) }] : [];
  };
}

const byName = trailTarget('requestParameters.name');
const SETTINGS = ['s3BucketName', 's3KeyPrefix', 'isMultiRegionTrail', 'includeGlobalServiceEvents', 'isOrganizationTrail', 'kmsKeyId', 'enableLogFileValidation', 'cloudWatchLogsLogGroupArn', 'snsTopicName'];
const logging = (on: boolean, action: EventSpec['action']): EventSpec => ({ action, targets: byName, apply: (s) => ({ ...s, logging: on }) });

export const cloudTrail: Kind = {
  type: 'trail',
  eventSource: 'cloudtrail.amazonaws.com',
  global: false,
  ...arnScheme('cloudtrail', 'trail/'),
  events: {
    // A new trail does not log until StartLogging.
    CreateTrail: { action: 'create', targets: byName, request: pick(...SETTINGS), apply: (_s, r) => ({ ...r, logging: false }) },
    UpdateTrail: { action: 'modify', targets: byName, request: pick(...SETTINGS) },
    DeleteTrail: { action: 'delete', targets: byName },
    StartLogging: logging(true, 'start'),
    StopLogging: logging(false, 'stop'),
    PutEventSelectors: {
      action: 'modify',
      targets: trailTarget('requestParameters.trailName'),
      request: (rec) => ({ eventSelectors: at(rec, 'requestParameters.eventSelectors') ?? null, advancedEventSelectors: at(rec, 'requestParameters.advancedEventSelectors') ?? null }),
    },
  },
  fromSnapshot: fromItem('Name', (c) => ({
    s3BucketName: c.S3BucketName ?? null,
    isMultiRegionTrail: c.IsMultiRegionTrail ?? null,
    includeGlobalServiceEvents: c.IncludeGlobalServiceEvents ?? null,
    isOrganizationTrail: c.IsOrganizationTrail ?? null,
    kmsKeyId: c.KmsKeyId ?? null,
    homeRegion: c.HomeRegion ?? null,
  })),
};
