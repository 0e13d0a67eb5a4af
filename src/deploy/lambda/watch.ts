/**
 * The watch function: SQS batches of "new CloudTrail file" notifications → each object fetched and parsed (every
 * format `vigil lake ingest` reads) → the live engine with the built-in rule pack → each alert sent once
 * (dedup table → outbox → SNS). Partial batch failures: a message whose object cannot be read, or whose alerts
 * could not be sent, is returned for retry (and reaches the DLQ after the queue's maxReceiveCount); the others
 * are done.
 *
 * Scope: the engine lives for one batch, so threshold/correlation windows see the events of one batch only.
 */
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { buildPack, LiveEngine, loadRules, type Pack } from '../../detect/index.js';
import { parseLogText } from '../../lake/formats.js';
import { noticeFromAlert } from '../../watch/notice.js';
import { oneLine } from '../../util/errors.js';
import { isDigestKey, objectsOfMessage, type BatchResponse, type SqsEvent } from './events.js';
import { sendNotice, snsPublisher, type NotifyDeps } from './notify.js';
import { lambdaEnv, log } from './runtime.js';
import { WatchTables } from './tables.js';

export interface WatchDeps extends NotifyDeps {
  pack: Pack;
  /** The object's bytes (gzip or plain). */
  getObject(bucket: string, key: string): Promise<Uint8Array>;
  log?: (line: string) => void;
}

export interface WatchSummary extends BatchResponse {
  objects: number;
  events: number;
  alerts: number;
  sent: number;
  duplicates: number;
}

function textOf(bytes: Uint8Array): string {
  const gz = bytes[0] === 0x1f && bytes[1] === 0x8b;
  return Buffer.from(gz ? gunzipSync(bytes) : bytes).toString('utf8');
}

export async function handleWatchBatch(event: SqsEvent, deps: WatchDeps): Promise<WatchSummary> {
  const say = deps.log ?? log;
  const failed = new Set<string>();
  const events: { rec: Record<string, unknown>; msg: string; t: number }[] = [];
  let objects = 0;
  for (const m of event.Records) {
    try {
      const mine: typeof events = [];
      for (const o of objectsOfMessage(m.body)) {
        if (isDigestKey(o.key)) continue;
        let parsed;
        try {
          parsed = parseLogText(textOf(await deps.getObject(o.bucket, o.key)));
        } catch (e) {
          throw new Error(`s3://${o.bucket}/${o.key}: ${oneLine(e)}`, { cause: e });
        }
        objects++;
        for (const rec of parsed.records) mine.push({ rec, msg: m.messageId, t: Date.parse(String(rec.eventTime)) || 0 });
      }
      events.push(...mine);
    } catch (e) {
      failed.add(m.messageId);
      say(`message ${m.messageId}: ${oneLine(e)}`);
    }
  }
  // The engine wants time order; files of one batch interleave.
  events.sort((a, b) => a.t - b.t);
  const msgOf = new Map<string, string>();
  const engine = new LiveEngine(deps.pack);
  for (const e of events) {
    engine.push(e.rec);
    if (typeof e.rec.eventID === 'string') msgOf.set(e.rec.eventID, e.msg);
  }
  const alerts = engine.flush();
  let sent = 0;
  let duplicates = 0;
  for (const a of alerts) {
    try {
      if ((await sendNotice(noticeFromAlert(a), deps)) === 'sent') sent++;
      else duplicates++;
    } catch (e) {
      // Retry every message that fed this alert; the others' alerts are sent and deduplicated on retry anyway.
      const msgs = new Set(a.eventIds.map((id) => msgOf.get(id)).filter((x): x is string => !!x));
      for (const id of msgs) failed.add(id);
      say(`alert ${a.id} (${a.rule.id}): not sent: ${oneLine(e)}`);
    }
  }
  return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })), objects, events: events.length, alerts: alerts.length, sent, duplicates };
}

let deps: WatchDeps | undefined;

/** Built once per container: the rule pack (bundled beside the code) and the clients. */
function depsFromEnv(): WatchDeps {
  const env = lambdaEnv(['TOPIC_ARN', 'DEDUP_TABLE', 'OUTBOX_TABLE', 'HISTORY_TABLE', 'DEDUP_TTL_SECONDS']);
  const loaded = loadRules();
  for (const f of loaded.failed) log(`rule not loaded: ${f.error}`);
  const s3 = new S3Client({});
  return {
    pack: buildPack(loaded.rules, undefined, loaded.failed),
    tables: new WatchTables(new DynamoDBClient({}), { dedup: env.DEDUP_TABLE, outbox: env.OUTBOX_TABLE, history: env.HISTORY_TABLE }, Number(env.DEDUP_TTL_SECONDS)),
    publish: snsPublisher(env.TOPIC_ARN),
    getObject: async (Bucket, Key) => {
      const r = await s3.send(new GetObjectCommand({ Bucket, Key }));
      if (!r.Body) throw new Error('empty response body');
      return r.Body.transformToByteArray();
    },
  };
}

/** Lambda entry point (SQS event source with ReportBatchItemFailures). */
export async function handler(event: SqsEvent): Promise<BatchResponse> {
  deps ??= depsFromEnv();
  const r = await handleWatchBatch(event, deps);
  log(JSON.stringify({ messages: event.Records.length, failed: r.batchItemFailures.length, objects: r.objects, events: r.events, alerts: r.alerts, sent: r.sent, duplicates: r.duplicates }));
  return { batchItemFailures: r.batchItemFailures };
}
