import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PurgeQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { s3Client } from '../../lake/s3.js';
import { startSimulatedSqs, type SimulatedSqs } from '../../aws/sim/sqs.js';
import { VigilError } from '../../util/errors.js';
import { startS3rver } from '../../../test/helpers/s3rver.js';
import { manyRecords } from '../../../test/helpers/records.js';
import type { Source, SourceItem } from '../source.js';
import { createSource } from './index.js';

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const BUCKET = 'trail';
const key = (n: number) => `AWSLogs/111111111111/CloudTrail/eu-west-1/2024/03/01/111111111111_CloudTrail_eu-west-1_20240301T00${n}0Z_abc${n}.json.gz`;
const DIGEST = 'AWSLogs/111111111111/CloudTrail-Digest/eu-west-1/2024/03/01/111111111111_CloudTrail-Digest_eu-west-1_t_eu-west-1_20240301T000000Z.json.gz';

let dir: string;
let s3: { endpoint: string; close(): Promise<void> };
let sim: SimulatedSqs;
let sqs: SQSClient;
const bodies = new Map<string, Buffer>();
const etags = new Map<string, string>();
let logs: string[] = [];
const open: Source[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-sqs-src-'));
  s3 = await startS3rver(join(dir, 's3'), [BUCKET]);
  sim = await startSimulatedSqs();
  sqs = new SQSClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials });
  const client = s3Client({ endpoint: s3.endpoint, region: 'us-east-1', credentials });
  for (const k of [key(1), key(2), DIGEST]) {
    const body = gzipSync(JSON.stringify({ Records: manyRecords(5, k) }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: k, Body: body }));
    bodies.set(k, body);
    etags.set(k, (await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: k }))).ETag!.replaceAll('"', ''));
  }
  client.destroy();
  sim.createQueue('events');
});

afterAll(async () => {
  for (const s of open) await s.close();
  sqs.destroy();
  await sim.close();
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  logs = [];
  await sqs.send(new PurgeQueueCommand({ QueueUrl: sim.queueUrl('events') }));
});

function source(extra: Record<string, unknown> = {}): Source {
  const src = createSource(
    { type: 'sqs', queue: sim.queueUrl('events'), s3Endpoint: s3.endpoint, waitSeconds: 1, visibilitySeconds: 2, retryDelaySeconds: 0, ...extra },
    { aws: { region: 'us-east-1' }, workDir: join(dir, 'work'), log: (l) => logs.push(l), credentials },
  );
  open.push(src);
  return src;
}

const send = (body: unknown) => sqs.send(new SendMessageCommand({ QueueUrl: sim.queueUrl('events'), MessageBody: typeof body === 'string' ? body : JSON.stringify(body) }));

const s3Record = (k: string, size?: number, eventName = 'ObjectCreated:Put') => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: 'eu-west-1',
  eventTime: new Date().toISOString(),
  eventName,
  s3: { s3SchemaVersion: '1.0', bucket: { name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` }, object: { key: k, size: size ?? bodies.get(k)!.length, eTag: etags.get(k) } },
});

const snsWrap = (message: unknown) => ({
  Type: 'Notification',
  MessageId: 'c9b4a0f3-0000-4000-8000-000000000001',
  TopicArn: 'arn:aws:sns:eu-west-1:111111111111:trail-topic',
  Subject: 'Amazon S3 Notification',
  Message: JSON.stringify(message),
  Timestamp: new Date().toISOString(),
});

/** Receives until n items came (or the attempts run out). */
async function receiveItems(src: Source, n: number, attempts = 5): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for (let i = 0; i < attempts && items.length < n; i++) items.push(...(await src.next(new AbortController().signal)));
  return items;
}

/** Raw receive of what is visible in the queue now (no wait), leaving it in flight for 1 s. */
const visibleNow = async () =>
  (await sqs.send(new ReceiveMessageCommand({ QueueUrl: sim.queueUrl('events'), MaxNumberOfMessages: 10, VisibilityTimeout: 1 }))).Messages ?? [];

describe('SQS source', () => {
  it('downloads objects of direct and SNS-wrapped S3 notifications, skips digests and test events, deletes messages once acked', async () => {
    await send({ Records: [s3Record(key(1)), s3Record(DIGEST)] });
    await send(snsWrap({ Records: [s3Record(key(2))] }));
    await send({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: new Date().toISOString(), Bucket: BUCKET });
    const src = source();
    const items = await receiveItems(src, 2);
    expect(items.map((i) => i.file?.key).sort()).toEqual([`s3://${BUCKET}/${key(1)}`, `s3://${BUCKET}/${key(2)}`]);
    for (const it of items) {
      const k = it.file!.key.slice(`s3://${BUCKET}/`.length);
      // The lake manifest's key scheme: s3 URL, ETag as version; the bytes are the object's.
      expect(it.file!.version).toBe(etags.get(k));
      expect(it.file!.size).toBe(bodies.get(k)!.length);
      expect(readFileSync(it.file!.path!).equals(bodies.get(k)!)).toBe(true);
    }
    // The test event needed nothing: deleted at once. The two notifications stay until acked.
    expect(sim.depth('events')).toBe(2);
    for (const it of items) await it.ack();
    expect(sim.depth('events')).toBe(0);
    for (const it of items) expect(existsSync(it.file!.path!)).toBe(false);
    expect(src.stats).toMatchObject({ received: 2, acked: 2, errors: 0 });
  });

  it('deletes a message only when all its items are acked', async () => {
    await send({ Records: [s3Record(key(1)), s3Record(key(2))] });
    const src = source();
    const items = await receiveItems(src, 2);
    expect(items).toHaveLength(2);
    await items[0]!.ack();
    await items[0]!.ack(); // idempotent
    expect(sim.depth('events')).toBe(1);
    await items[1]!.ack();
    expect(sim.depth('events')).toBe(0);
  });

  it('gives a nacked message back at once with retryDelaySeconds 0, and it is received again', async () => {
    await send({ Records: [s3Record(key(1))] });
    const src = source();
    const [first] = await receiveItems(src, 1);
    await first!.nack('lake commit failed');
    const [again] = await receiveItems(src, 1);
    expect(again!.file!.key).toBe(first!.file!.key);
    expect(src.stats.nacked).toBe(1);
    await again!.ack();
    expect(sim.depth('events')).toBe(0);
  });

  it('hands EventBridge CloudTrail events out as events', async () => {
    const record = manyRecords(1, 'eb')[0]!;
    await send({ version: '0', id: 'e1', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', account: '111111111111', time: record.eventTime, region: 'us-east-1', resources: [], detail: record });
    const src = source();
    const [item] = await receiveItems(src, 1);
    expect(item!.file).toBeUndefined();
    expect(item!.events).toHaveLength(1);
    expect(item!.events![0]).toMatchObject({ eventID: record.eventID, eventName: record.eventName });
    await item!.ack();
    expect(sim.depth('events')).toBe(0);
  });

  it('counts a message it cannot understand, reports it once, and leaves it for the redrive policy', async () => {
    await send('this is not json');
    const src = source({ visibilitySeconds: 1 });
    expect(await src.next(new AbortController().signal)).toEqual([]);
    expect(src.stats.errors).toBe(1);
    expect(logs.filter((l) => l.includes('not JSON'))).toHaveLength(1);
    expect(sim.depth('events')).toBe(1);
    // Received again after its visibility timeout (so not in a hot loop): counted, not reported again.
    const t = Date.now();
    while (src.stats.errors < 2 && Date.now() - t < 5000) expect(await src.next(new AbortController().signal)).toEqual([]);
    expect(Date.now() - t).toBeGreaterThanOrEqual(900);
    expect(src.stats.errors).toBe(2);
    expect(logs.filter((l) => l.includes('not JSON'))).toHaveLength(1);
    expect(sim.depth('events')).toBe(1);
  });

  it('keeps messages of items in flight invisible (heartbeat), and an abandoned one comes back after its visibility timeout', async () => {
    await send({ Records: [s3Record(key(1))] });
    const src = source({ visibilitySeconds: 1 });
    const [item] = await receiveItems(src, 1);
    // Three visibility timeouts later, still in flight: nobody else sees it.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await visibleNow()).toHaveLength(0);
    await item!.ack();
    expect(sim.depth('events')).toBe(0);

    // A consumer that stops extending (a frozen or killed daemon): the message comes back once its timeout passes.
    await send({ Records: [s3Record(key(2))] });
    const frozen = source({ visibilitySeconds: 1 });
    (frozen as unknown as { sqs: SQSClient }).sqs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName?.startsWith('ChangeMessageVisibility')) throw new Error('frozen');
        return next(args);
      },
      { step: 'initialize', name: 'freeze' },
    );
    const [held] = await receiveItems(frozen, 1);
    expect(held!.file!.key).toContain(key(2));
    expect(await visibleNow()).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 1300));
    const back = await visibleNow();
    expect(back.map((m) => m.Body)).toEqual([expect.stringContaining(key(2))]);
  });

  it('gives a message back when one of its objects is missing', async () => {
    await send({ Records: [s3Record(key(1)), { ...s3Record(key(2)), s3: { bucket: { name: BUCKET }, object: { key: 'AWSLogs/gone.json.gz', size: 10 } } }] });
    const src = source({ retryDelaySeconds: 30 });
    expect(await src.next(new AbortController().signal)).toEqual([]);
    expect(src.stats.errors).toBe(1);
    expect(logs.join('\n')).toMatch(/gone\.json\.gz: .*message given back/);
    expect(sim.depth('events')).toBe(1);
  });

  it('gets through throttling (the SDK retries)', async () => {
    await send({ Records: [s3Record(key(1))] });
    const src = source();
    const before = sim.stats.throttled;
    sim.throttleNext(2);
    const items = await receiveItems(src, 1);
    expect(sim.stats.throttled - before).toBe(2);
    expect(items).toHaveLength(1);
    await items[0]!.ack();
    expect(sim.depth('events')).toBe(0);
    expect(src.stats.errors).toBe(0);
  });

  it('fails with the setting named when the queue does not exist', async () => {
    const src = source({ queue: 'no-such-queue', endpoint: sim.endpoint });
    await expect(src.next(new AbortController().signal)).rejects.toThrow(VigilError);
    await expect(src.next(new AbortController().signal)).rejects.toThrow(/no-such-queue.*QueueDoesNotExist/);
  });

  it('returns at once with nothing when the signal aborts a long poll', async () => {
    const src = source({ waitSeconds: 20 });
    const ac = new AbortController();
    const t = Date.now();
    setTimeout(() => ac.abort(), 200);
    expect(await src.next(ac.signal)).toEqual([]);
    expect(Date.now() - t).toBeLessThan(2000);
  });
});
