/**
 * The event shapes the Lambda functions receive, reduced to what they read (no @types/aws-lambda dependency),
 * and the S3 objects an SQS message names: an S3 event notification, the same wrapped in an SNS notification
 * (bucket → SNS → SQS fan-out), or an EventBridge "Object Created" event.
 */

export interface SqsRecord {
  messageId: string;
  body: string;
}
export interface SqsEvent {
  Records: SqsRecord[];
}

export interface StreamRecord {
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE';
  dynamodb?: { SequenceNumber?: string; NewImage?: Record<string, { S?: string; N?: string }> };
}
export interface StreamEvent {
  Records: StreamRecord[];
}

/** Partial batch response: the ids of the items Lambda must retry (SQS message ids, stream sequence numbers). */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

export interface S3ObjectRef {
  bucket: string;
  key: string;
}

/** A message that is not one of the known shapes: a permanent failure (the DLQ keeps it for inspection). */
export class BadMessage extends Error {}

const isObj = (o: unknown): o is Record<string, unknown> => typeof o === 'object' && o !== null && !Array.isArray(o);

/** S3 URL-encodes keys in notifications, with `+` for spaces. */
function decodeKey(k: string): string {
  return decodeURIComponent(k.replace(/\+/g, ' '));
}

/** The S3 objects a message body announces ([] for S3's test event). */
export function objectsOfMessage(body: string): S3ObjectRef[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new BadMessage('message body is not JSON');
  }
  return objectsOf(doc, 0);
}

function objectsOf(doc: unknown, depth: number): S3ObjectRef[] {
  if (!isObj(doc)) throw new BadMessage('message body is not a JSON object');
  if (doc.Event === 's3:TestEvent') return [];
  // SNS envelope: the S3 event is the Message string.
  if (doc.Type === 'Notification' && typeof doc.Message === 'string' && depth === 0) {
    let inner: unknown;
    try {
      inner = JSON.parse(doc.Message);
    } catch {
      throw new BadMessage('SNS Message is not JSON');
    }
    return objectsOf(inner, depth + 1);
  }
  if (Array.isArray(doc.Records)) {
    return doc.Records.map((r, i) => {
      const s3 = isObj(r) && isObj(r.s3) ? r.s3 : undefined;
      const bucket = s3 && isObj(s3.bucket) ? s3.bucket.name : undefined;
      const key = s3 && isObj(s3.object) ? s3.object.key : undefined;
      if (typeof bucket !== 'string' || typeof key !== 'string') throw new BadMessage(`Records[${i}] is not an S3 event record`);
      return { bucket, key: decodeKey(key) };
    });
  }
  if (doc['detail-type'] === 'Object Created' && isObj(doc.detail)) {
    const b = isObj(doc.detail.bucket) ? doc.detail.bucket.name : undefined;
    const k = isObj(doc.detail.object) ? doc.detail.object.key : undefined;
    if (typeof b === 'string' && typeof k === 'string') return [{ bucket: b, key: k }];
  }
  throw new BadMessage('not an S3 event notification (no Records, SNS Message or EventBridge Object Created)');
}

/** CloudTrail digest files sit beside the logs; they hold no events. */
export function isDigestKey(key: string): boolean {
  return /\/CloudTrail-Digest\//.test(key);
}
