/**
 * Which granted actions the lake can speak about. Some actions never appear in CloudTrail (permission-only
 * actions such as iam:PassRole, data planes CloudTrail does not log); data events appear only when a trail's event
 * selectors log them. For those, "not seen" is not "unused": the access review says `unknown`.
 */
import type { SnapshotReader } from '../snapshot/types.js';

/** Data-event resource types and the actions whose calls are logged under them. */
export const DATA_EVENT_TYPES: Record<string, RegExp> = {
  'AWS::S3::Object':
    /^s3:(GetObject|PutObject|DeleteObject|RestoreObject|AbortMultipartUpload|ListMultipartUploadParts|ListBucket$|ListBucketVersions$|ListBucketMultipartUploads$|ReplicateObject$|ReplicateDelete$|ReplicateTags$)/i,
  'AWS::Lambda::Function': /^lambda:(InvokeFunction|InvokeAsync)$/i,
  'AWS::DynamoDB::Table':
    /^dynamodb:(GetItem|PutItem|DeleteItem|UpdateItem|Query|Scan|BatchGetItem|BatchWriteItem|ConditionCheckItem|PartiQL\w+)$/i,
  'AWS::DynamoDB::Stream': /^dynamodb:(GetRecords|GetShardIterator)$/i,
  'AWS::SNS::Topic': /^sns:Publish$/i,
  'AWS::SQS::Queue': /^sqs:(SendMessage|ReceiveMessage|DeleteMessage|ChangeMessageVisibility)$/i,
  'AWS::Kinesis::Stream': /^kinesis:(PutRecords?|GetRecords|GetShardIterator|SubscribeToShard)$/i,
  'AWS::EC2::Snapshot': /^ebs:(GetSnapshotBlock|PutSnapshotBlock|ListSnapshotBlocks|ListChangedBlocks)$/i,
  'AWS::CloudTrail::Channel': /^cloudtrail-data:PutAuditEvents$/i,
  'AWS::SSMMessages::ControlChannel': /^ssmmessages:/i,
  'AWS::CloudWatch::Metric': /^cloudwatch:(PutMetricData|GetMetricData|GetMetricStatistics)$/i,
};

/** Actions CloudTrail does not record at all: permission-only actions and unlogged data planes. */
const UNRECORDED: RegExp[] = [
  /^iam:PassRole$/i,
  /^sts:(TagSession|SetSourceIdentity|SetContext)$/i,
  /^s3:BypassGovernanceRetention$/i,
  /^(execute-api|rds-db|ec2messages|kafka-cluster|aws-portal|iot-data|appmesh-preview):/i,
  /^es:ESHttp/i,
  /^logs:(PutLogEvents|GetLogEvents|FilterLogEvents|StartLiveTail)$/i,
  /^xray:(PutTraceSegments|PutTelemetryRecords)$/i,
  /^elasticfilesystem:Client/i,
  /^firehose:PutRecord(Batch)?$/i,
  /^iot:(Connect|Publish|Subscribe|Receive)$/i,
  /^lambda:InvokeFunctionUrl$/i,
];

export type Recording = { kind: 'management' } | { kind: 'unrecorded' } | { kind: 'data'; type: string };

const recordings = new Map<string, Recording>();

/** How CloudTrail records an action (memoised: the report asks for every granted action of every principal). */
export function recordingOf(action: string): Recording {
  let r = recordings.get(action);
  if (!r) recordings.set(action, (r = classify(action)));
  return r;
}

function classify(action: string): Recording {
  if (UNRECORDED.some((r) => r.test(action))) return { kind: 'unrecorded' };
  for (const [type, re] of Object.entries(DATA_EVENT_TYPES)) if (re.test(action)) return { kind: 'data', type };
  return { kind: 'management' };
}

/**
 * The data-event types an account's trails log in full (every resource, reads and writes), read from the
 * snapshot's `cloudtrail-get-event-selectors` (one response per trail). Partial selectors (some buckets, reads
 * only) do not count: a call on an unlogged bucket would be invisible.
 */
export function loggedDataTypes(snapshot: SnapshotReader, account: string): Set<string> {
  const out = new Set<string>();
  for (const region of snapshot.regions(account)) {
    for (const trail of snapshot.params(account, region, 'cloudtrail-get-event-selectors')) {
      const r = snapshot.call(account, region, 'cloudtrail-get-event-selectors', trail);
      if (r?.status === 'ok') for (const t of dataTypesOfSelectors(r.data)) out.add(t);
    }
  }
  return out;
}

interface SelectorsJson {
  EventSelectors?: { ReadWriteType?: string; DataResources?: { Type?: string; Values?: string[] }[] }[];
  AdvancedEventSelectors?: { FieldSelectors?: { Field?: string; Equals?: string[]; StartsWith?: string[]; NotEquals?: string[]; NotStartsWith?: string[]; EndsWith?: string[]; NotEndsWith?: string[] }[] }[];
}

/** Full-coverage data-event types of one GetEventSelectors response. */
export function dataTypesOfSelectors(data: unknown): string[] {
  const d = (data ?? {}) as SelectorsJson;
  const out: string[] = [];
  for (const sel of d.EventSelectors ?? []) {
    if (sel.ReadWriteType && sel.ReadWriteType !== 'All') continue;
    for (const dr of sel.DataResources ?? []) {
      // Every resource of the type: `arn:aws:s3` / `arn:aws:s3:::` (all buckets), `arn:aws:lambda` (all functions).
      if (dr.Type && (dr.Values ?? []).some((v) => /^arn:[\w-]+:[\w-]+(:::?)?$/.test(v))) out.push(dr.Type);
    }
  }
  for (const adv of d.AdvancedEventSelectors ?? []) {
    const fields = adv.FieldSelectors ?? [];
    const category = fields.find((f) => f.Field === 'eventCategory');
    if (!category?.Equals?.includes('Data')) continue;
    // Any narrowing beyond the category and the type (ARN, readOnly, eventName...) makes coverage partial.
    if (fields.some((f) => f.Field !== 'eventCategory' && f.Field !== 'resources.type')) continue;
    for (const t of fields.find((f) => f.Field === 'resources.type')?.Equals ?? []) out.push(t);
  }
  return out;
}
