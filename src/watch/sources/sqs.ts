/**
 * The SQS source: long-polls a queue fed by S3 event notifications (direct or through SNS) or by EventBridge.
 * Objects named by a message are downloaded into workDir and handed out as files; EventBridge CloudTrail events are
 * handed out as events. A message is deleted only once every item it produced is acked; a nack hands it back after
 * a short backoff; while items are in flight their messages' visibility is extended (heartbeat). A message that
 * cannot be understood is counted, reported once, and left alone, so the queue's redrive policy moves it to its
 * dead-letter queue after maxReceiveCount receives.
 */
import { join } from 'node:path';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { S3Client } from '@aws-sdk/client-s3';
import { downloadS3Objects, s3Client, s3Url } from '../../lake/s3.js';
import { VigilError, oneLine } from '../../util/errors.js';
import type { Source, SourceItem } from '../source.js';
import { errorName, isPermanent, newStats, OnceLog, sleep, type SourceCtx } from './common.js';
import type { SqsSourceConfig } from './config.js';
import { BadMessage, parseMessage, type MessagePart } from './messages.js';
import { LocalFiles, type LocalFile } from './files.js';

/** A received message whose items are out. */
interface InFlight {
  id: string;
  receiptHandle: string;
  receiveCount: number;
  /** Items not yet acked or nacked. */
  pending: number;
  /** Nacked (handed back): later acks of its other items no longer delete it. */
  released: boolean;
}

const MAX_BACKOFF_S = 300;
const MAX_ERROR_WAIT_MS = 30_000;

/** The region in an SQS queue URL (https://sqs.<region>.amazonaws.com/...). */
function regionOfUrl(url: string): string | undefined {
  return /^https?:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com\//.exec(url)?.[1];
}

const isUrl = (q: string) => /^https?:\/\//.test(q);

export class SqsSource implements Source {
  readonly name: string;
  readonly done = false;
  readonly stats = newStats();
  private readonly sqs: SQSClient;
  private readonly s3: S3Client;
  private readonly files: LocalFiles;
  private readonly bad: OnceLog;
  private queueUrl?: string;
  private readonly inflight = new Map<string, InFlight>();
  private heartbeat?: NodeJS.Timeout;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly cfg: SqsSourceConfig,
    private readonly ctx: Required<Pick<SourceCtx, 'checkpoint'>> & SourceCtx,
  ) {
    this.name = cfg.name ?? `sqs://${cfg.queue}`;
    const { aws } = ctx;
    // A queue URL names its own endpoint; a name needs aws.endpoint (or AWS).
    const endpoint = cfg.endpoint ?? (isUrl(cfg.queue) ? (regionOfUrl(cfg.queue) ? undefined : new URL(cfg.queue).origin) : aws.endpoint);
    this.sqs = new SQSClient({
      region: (isUrl(cfg.queue) ? regionOfUrl(cfg.queue) : undefined) ?? aws.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      credentials: ctx.credentials ?? fromNodeProviderChain(aws.profile ? { profile: aws.profile } : {}),
      ...(endpoint ? { endpoint } : {}),
    });
    this.s3 = s3Client({
      endpoint: cfg.s3Endpoint ?? aws.endpoint,
      region: aws.region,
      profile: aws.profile,
      credentials: ctx.credentials,
      concurrency: cfg.concurrency,
    });
    this.files = new LocalFiles(join(ctx.workDir, 'sqs'));
    this.bad = new OnceLog(ctx.log);
  }

  async next(signal: AbortSignal): Promise<SourceItem[]> {
    if (this.closed || signal.aborted) return [];
    let messages: Message[];
    try {
      const url = await this.resolveQueue();
      const res = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: this.cfg.maxMessages,
          WaitTimeSeconds: this.cfg.waitSeconds,
          VisibilityTimeout: this.cfg.visibilitySeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        }),
        { abortSignal: signal },
      );
      messages = res.Messages ?? [];
      this.failures = 0;
    } catch (e) {
      if (signal.aborted) return [];
      if (isPermanent(e)) throw new VigilError(`${this.name}: queue ${this.cfg.queue}: ${errorName(e) || 'error'}: ${oneLine(e)}`);
      await this.backoff('receive', e, signal);
      return [];
    }
    if (!messages.length) return [];
    this.startHeartbeat();
    try {
      return await this.itemsOf(messages);
    } catch (e) {
      // Unexpected (local disk ...): the messages not handed out come back after their visibility timeout.
      await this.backoff('handling received messages', e, signal);
      return [];
    }
  }

  private async resolveQueue(): Promise<string> {
    if (this.queueUrl) return this.queueUrl;
    if (isUrl(this.cfg.queue)) {
      // Checks the queue exists (and may be read) before anything is received.
      await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.cfg.queue, AttributeNames: ['QueueArn'] }));
      this.queueUrl = this.cfg.queue;
    } else {
      const res = await this.sqs.send(new GetQueueUrlCommand({ QueueName: this.cfg.queue }));
      this.queueUrl = res.QueueUrl!;
    }
    return this.queueUrl;
  }

  private async backoff(what: string, e: unknown, signal: AbortSignal): Promise<void> {
    this.stats.errors++;
    this.failures++;
    const ms = Math.min(MAX_ERROR_WAIT_MS, 500 * 2 ** (this.failures - 1));
    this.ctx.log(`${this.name}: ${what} failed: ${oneLine(e)}; retrying in ${(ms / 1000).toFixed(1)} s`);
    await sleep(ms, signal);
  }

  private async itemsOf(messages: Message[]): Promise<SourceItem[]> {
    const arrivedAt = Date.now();
    const plans: { msg: InFlight; parts: MessagePart[] }[] = [];
    let newest = 0;
    for (const m of messages) {
      const id = m.MessageId ?? '?';
      const msg: InFlight = { id, receiptHandle: m.ReceiptHandle!, receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1), pending: 0, released: false };
      let parts: MessagePart[];
      try {
        parts = parseMessage(m.Body ?? '').parts;
      } catch (e) {
        // Left in the queue untouched: it comes back after the visibility timeout until the redrive policy moves it.
        this.stats.errors++;
        this.bad.report(id, `${this.name}: message ${id}: ${e instanceof BadMessage ? e.message : oneLine(e)}; left for the queue's redrive policy`);
        continue;
      }
      if (!parts.length) {
        // A test event, digests only, deletions: nothing to do but remove it.
        await this.delete(msg).catch((err) => this.ctx.log(`${this.name}: message ${id}: delete failed: ${oneLine(err)}`));
        continue;
      }
      for (const p of parts) newest = Math.max(newest, p.eventTime ?? Number(m.Attributes?.SentTimestamp ?? 0));
      plans.push({ msg, parts });
    }
    if (newest) this.stats.lagSeconds = Math.max(0, (arrivedAt - newest) / 1000);

    const got = await this.download(plans.flatMap((p) => p.parts));
    const items: SourceItem[] = [];
    for (const { msg, parts } of plans) {
      const urls = parts.flatMap((p) => (p.kind === 's3' ? [s3Url(p.bucket, p.key)] : []));
      const failed = urls.find((u) => typeof got.get(u) === 'string');
      if (failed) {
        // One object of the message could not be read: the whole message is handed back, none of its files kept.
        this.stats.errors++;
        this.ctx.log(`${this.name}: message ${msg.id}: ${failed}: ${got.get(failed) as string}; message given back`);
        for (const u of urls) if (typeof got.get(u) !== 'string') this.files.release(u);
        await this.release(msg).catch(() => undefined);
        continue;
      }
      this.inflight.set(msg.id, msg);
      parts.forEach((p, i) => items.push(this.item(msg, p, i, arrivedAt)));
    }
    this.stats.received += items.length;
    return items;
  }

  /**
   * Downloads each distinct object once and takes one reference on its local file per part naming it (a file
   * already on disk for an item in flight, from a duplicate notification, is shared). url → the file, or the reason.
   */
  private async download(parts: MessagePart[]): Promise<Map<string, LocalFile | string>> {
    const out = new Map<string, LocalFile | string>();
    const wanted = new Map<string, { url: string; size?: number; etag?: string; refs: number }>();
    for (const p of parts) {
      if (p.kind !== 's3') continue;
      const url = s3Url(p.bucket, p.key);
      const w = wanted.get(url);
      if (w) w.refs++;
      else {
        const have = this.files.acquire(url);
        if (have) out.set(url, have);
        else wanted.set(url, { url, size: p.size, etag: p.etag, refs: 1 });
      }
    }
    if (!wanted.size) return out;
    for await (const d of downloadS3Objects([...wanted.values()], this.files.dir, { client: this.s3, concurrency: this.cfg.concurrency })) {
      out.set(d.object.url, 'path' in d ? this.files.add(d.object.url, d.path, d.object.etag ?? '', d.object.refs) : d.error);
    }
    return out;
  }

  private item(msg: InFlight, part: MessagePart, index: number, arrivedAt: number): SourceItem {
    msg.pending++;
    let settled = false;
    const url = part.kind === 's3' ? s3Url(part.bucket, part.key) : undefined;
    const settle = () => {
      if (settled) return false;
      settled = true;
      msg.pending--;
      if (url) this.files.release(url);
      return true;
    };
    const base = { id: url ? `${url}@${msg.id}` : `sqs:${msg.id}#${index}`, arrivedAt };
    const common = {
      ack: async () => {
        if (!settle()) return;
        this.stats.acked++;
        if (msg.pending === 0 && !msg.released) await this.delete(msg);
      },
      nack: async (reason: string) => {
        if (!settle()) return;
        this.stats.nacked++;
        if (msg.released) return;
        this.ctx.log(`${this.name}: message ${msg.id} given back: ${reason}`);
        await this.release(msg);
      },
    };
    if (part.kind === 'events') return { ...base, ...common, events: part.records };
    const local = this.files.get(url!)!;
    return { ...base, ...common, file: { key: url!, path: local.path, size: local.size, version: local.version } };
  }

  private async delete(msg: InFlight): Promise<void> {
    // Whatever happens, the message is no longer ours: on failure it comes back after its visibility timeout.
    this.inflight.delete(msg.id);
    await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl!, ReceiptHandle: msg.receiptHandle }));
  }

  /** Hands a message back: visible again after a backoff that doubles with each receive. */
  private async release(msg: InFlight): Promise<void> {
    msg.released = true;
    this.inflight.delete(msg.id);
    const delay = Math.min(MAX_BACKOFF_S, Math.round(this.cfg.retryDelaySeconds * 2 ** Math.max(0, msg.receiveCount - 1)));
    await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl!, ReceiptHandle: msg.receiptHandle, VisibilityTimeout: delay }));
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => void this.extend(), (this.cfg.visibilitySeconds * 1000) / 2);
    this.heartbeat.unref();
  }

  /** Extends the visibility of every message with items in flight, ten per request. */
  private async extend(): Promise<void> {
    const msgs = [...this.inflight.values()].filter((m) => m.pending > 0 && !m.released);
    for (let i = 0; i < msgs.length; i += 10) {
      const chunk = msgs.slice(i, i + 10);
      try {
        const res = await this.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.queueUrl!,
            Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.receiptHandle, VisibilityTimeout: this.cfg.visibilitySeconds })),
          }),
        );
        for (const f of res.Failed ?? []) {
          this.stats.errors++;
          this.ctx.log(`${this.name}: message ${chunk[Number(f.Id)]?.id}: visibility not extended: ${f.Code}`);
        }
      } catch (e) {
        this.stats.errors++;
        this.ctx.log(`${this.name}: visibility heartbeat failed: ${oneLine(e)}`);
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    // Messages still out are handed back at once rather than after their visibility timeout.
    await Promise.all(
      [...this.inflight.values()]
        .filter((m) => !m.released)
        .map((m) =>
          this.sqs
            .send(new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl!, ReceiptHandle: m.receiptHandle, VisibilityTimeout: 0 }))
            .catch(() => undefined),
        ),
    );
    this.inflight.clear();
    this.files.clear();
    this.sqs.destroy();
    this.s3.destroy();
  }
}
