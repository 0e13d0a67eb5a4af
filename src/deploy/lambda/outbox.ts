/**
 * The outbox deliverer: the outbox table's stream (new items only) → each notice delivered to every sink that
 * accepts it (webhooks, Slack...: the `sinks:` list, kept with its URLs in Secrets Manager). A receipt per
 * notice and sink in the dedup table makes retries skip sinks already served. On a failure the record's
 * sequence number is returned: Lambda retries the stream from there (then the on-failure queue keeps it).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Notice } from '../../watch/notice.js';
import { oneLine } from '../../util/errors.js';
import type { BatchResponse, StreamEvent } from './events.js';
import { lambdaEnv, log } from './runtime.js';
import { WatchTables } from './tables.js';

/** A delivery target, as src/watch/sinks creates them. */
export interface Sink {
  name: string;
  accepts(n: Notice): boolean;
  deliver(n: Notice): Promise<{ ref?: string }>;
}

export interface OutboxDeps {
  tables: WatchTables;
  sinks: () => Promise<Sink[]>;
  log?: (line: string) => void;
}

export interface OutboxSummary extends BatchResponse {
  delivered: number;
  skipped: number;
}

export async function handleOutboxStream(event: StreamEvent, deps: OutboxDeps): Promise<OutboxSummary> {
  const say = deps.log ?? log;
  let delivered = 0;
  let skipped = 0;
  const news = event.Records.filter((r) => r.eventName === 'INSERT' && r.dynamodb?.NewImage?.notice?.S);
  if (!news.length) return { batchItemFailures: [], delivered, skipped };
  const sinks = await deps.sinks();
  for (const r of news) {
    const seq = r.dynamodb!.SequenceNumber ?? '';
    let n: Notice;
    try {
      n = JSON.parse(r.dynamodb!.NewImage!.notice!.S!) as Notice;
    } catch {
      say(`outbox record ${seq}: notice is not JSON (skipped)`);
      continue;
    }
    for (const s of sinks) {
      if (!s.accepts(n)) continue;
      try {
        if (await deps.tables.delivered(n.id, s.name)) {
          skipped++;
          continue;
        }
        const { ref } = await s.deliver(n);
        await deps.tables.recordDelivery(n.id, s.name, ref);
        delivered++;
      } catch (e) {
        // Streams are ordered: report the first failure; Lambda retries from this record on.
        say(`notice ${n.id} → sink ${s.name}: ${oneLine(e)}`);
        return { batchItemFailures: [{ itemIdentifier: seq }], delivered, skipped };
      }
    }
  }
  return { batchItemFailures: [], delivered, skipped };
}

/** The sinks list out of the secret's JSON: `[...]` or `{ "sinks": [...] }`. */
export function sinksConfigOf(secret: string, secretName: string): Record<string, unknown>[] {
  let doc: unknown;
  try {
    doc = JSON.parse(secret);
  } catch {
    throw new Error(`secret ${secretName}: not JSON (expected [{ name, type, url... }] or { "sinks": [...] })`);
  }
  const list = Array.isArray(doc) ? doc : doc && typeof doc === 'object' ? (doc as { sinks?: unknown }).sinks : undefined;
  if (list === undefined) return [];
  if (!Array.isArray(list) || !list.every((s) => s && typeof s === 'object' && typeof (s as { name?: unknown }).name === 'string'))
    throw new Error(`secret ${secretName}: sinks must be a list of objects with a name`);
  return list as Record<string, unknown>[];
}

/** Sinks from the secret, re-read at most every 5 minutes (so a rotated URL is picked up without a deploy). */
export function secretSinks(read: () => Promise<string>, make: (config: Record<string, unknown>[]) => Sink[] | Promise<Sink[]>, secretName: string, now = () => Date.now()) {
  let cached: { at: number; sinks: Sink[] } | undefined;
  return async (): Promise<Sink[]> => {
    if (!cached || now() - cached.at > 5 * 60_000) cached = { at: now(), sinks: await make(sinksConfigOf(await read(), secretName)) };
    return cached.sinks;
  };
}

let deps: OutboxDeps | undefined;

async function depsFromEnv(): Promise<OutboxDeps> {
  const env = lambdaEnv(['DEDUP_TABLE', 'OUTBOX_TABLE', 'HISTORY_TABLE', 'DEDUP_TTL_SECONDS', 'SINKS_SECRET_ARN']);
  const sm = new SecretsManagerClient({});
  // Resolved by the bundler: src/watch/sinks when it is there, else a factory that makes no sinks (SNS only).
  const factory = await import('vigil:sinks');
  if (!factory.available) log('no sinks module in this build: notices go to the SNS topic only');
  const read = async () => (await sm.send(new GetSecretValueCommand({ SecretId: env.SINKS_SECRET_ARN }))).SecretString ?? '[]';
  return {
    tables: new WatchTables(new DynamoDBClient({}), { dedup: env.DEDUP_TABLE, outbox: env.OUTBOX_TABLE, history: env.HISTORY_TABLE }, Number(env.DEDUP_TTL_SECONDS)),
    sinks: secretSinks(read, (c) => factory.createSinks(c), 'sinks secret'),
  };
}

/** Lambda entry point (DynamoDB stream event source with ReportBatchItemFailures). */
export async function handler(event: StreamEvent): Promise<BatchResponse> {
  deps ??= await depsFromEnv();
  const r = await handleOutboxStream(event, deps);
  log(JSON.stringify({ records: event.Records.length, delivered: r.delivered, skipped: r.skipped, failed: r.batchItemFailures.length }));
  return { batchItemFailures: r.batchItemFailures };
}
