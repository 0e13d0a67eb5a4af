/**
 * What an SQS message body can say: S3 event notifications (direct, or wrapped in an SNS notification), S3 events
 * through EventBridge, and EventBridge events carrying a CloudTrail record in `detail`. Anything else is a bad
 * message, with the reason in one line.
 */
import { BadLogFile, parseLogText } from '../../lake/formats.js';

export type MessagePart =
  | { kind: 's3'; bucket: string; key: string; size?: number; etag?: string; eventTime?: number }
  | { kind: 'events'; records: Record<string, unknown>[]; eventTime?: number };

export interface ParsedMessage {
  parts: MessagePart[];
  /** Notifications that need no work: s3:TestEvent, CloudTrail-Digest objects, deletions. */
  skipped: number;
}

export class BadMessage extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const time = (v: unknown): number | undefined => {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? undefined : t;
};

const DIGEST = /CloudTrail-Digest/;

/** S3 event notifications URL-encode keys (form style: a space is '+'). */
function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

export function parseMessage(body: string): ParsedMessage {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new BadMessage(`not JSON (starts with ${JSON.stringify(body.slice(0, 20))})`);
  }
  return parseDoc(doc, body, 0);
}

function parseDoc(doc: unknown, text: string, depth: number): ParsedMessage {
  if (!isObj(doc)) throw new BadMessage('not a JSON object');
  // SNS → SQS without raw message delivery: the publisher's message is a string inside the envelope.
  if (doc.Type === 'Notification' && typeof doc.Message === 'string' && depth === 0) {
    let inner: unknown;
    try {
      inner = JSON.parse(doc.Message);
    } catch {
      throw new BadMessage(`SNS notification whose Message is not JSON (topic ${str(doc.TopicArn) ?? '?'})`);
    }
    return parseDoc(inner, doc.Message, depth + 1);
  }
  if (doc.Event === 's3:TestEvent') return { parts: [], skipped: 1 };
  if (Array.isArray(doc.Records)) return s3Records(doc.Records);
  if (typeof doc['detail-type'] === 'string' && isObj(doc.detail)) return eventBridge(doc, text);
  throw new BadMessage('not an S3 event notification, an SNS notification or an EventBridge event');
}

function s3Records(records: unknown[]): ParsedMessage {
  const out: ParsedMessage = { parts: [], skipped: 0 };
  for (const [i, r] of records.entries()) {
    if (!isObj(r) || r.eventSource !== 'aws:s3' || !isObj(r.s3)) throw new BadMessage(`Records[${i}]: not an S3 event record (eventSource ${JSON.stringify(isObj(r) ? r.eventSource : r)})`);
    const s3 = r.s3;
    const bucket = isObj(s3.bucket) ? str(s3.bucket.name) : undefined;
    const object = isObj(s3.object) ? s3.object : undefined;
    const key = object ? str(object.key) : undefined;
    if (!bucket || !key) throw new BadMessage(`Records[${i}]: no s3.bucket.name or s3.object.key`);
    // Only new objects hold new logs (removals, restores and the like need nothing).
    if (typeof r.eventName === 'string' && !r.eventName.startsWith('ObjectCreated')) {
      out.skipped++;
      continue;
    }
    const k = decodeKey(key);
    if (DIGEST.test(k)) {
      out.skipped++;
      continue;
    }
    out.parts.push({
      kind: 's3',
      bucket,
      key: k,
      size: typeof object!.size === 'number' ? object!.size : undefined,
      etag: str(object!.eTag)?.replaceAll('"', ''),
      eventTime: time(r.eventTime),
    });
  }
  return out;
}

function eventBridge(doc: Obj, text: string): ParsedMessage {
  const detail = doc.detail as Obj;
  const detailType = doc['detail-type'] as string;
  const eventTime = time(doc.time);
  // S3 → EventBridge → SQS: keys are not URL-encoded there.
  if (doc.source === 'aws.s3' && detailType === 'Object Created') {
    const bucket = isObj(detail.bucket) ? str(detail.bucket.name) : undefined;
    const object = isObj(detail.object) ? detail.object : undefined;
    const key = object ? str(object.key) : undefined;
    if (!bucket || !key) throw new BadMessage('EventBridge "Object Created" event without detail.bucket.name or detail.object.key');
    if (DIGEST.test(key)) return { parts: [], skipped: 1 };
    return {
      parts: [{ kind: 's3', bucket, key, size: typeof object!.size === 'number' ? object!.size : undefined, etag: str(object!.etag)?.replaceAll('"', ''), eventTime }],
      skipped: 0,
    };
  }
  try {
    // The lake's own reader unwraps `detail` and normalises the record (eventTime, eventID) as `lake ingest` does.
    const { records } = parseLogText(text);
    return { parts: [{ kind: 'events', records, eventTime }], skipped: 0 };
  } catch (e) {
    if (!(e instanceof BadLogFile)) throw e;
    throw new BadMessage(`EventBridge event "${detailType}" from ${str(doc.source) ?? '?'} carries no CloudTrail record (${e.message})`);
  }
}
