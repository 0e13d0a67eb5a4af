/**
 * `vigil watch` end to end on 127.0.0.1 (issue #7, "Done when" #1): log files in an S3-compatible server (s3rver),
 * their S3 notifications in the simulated SQS, a webhook receiver checking the HMAC signature, and the daemon as
 * a child process. The first run kills itself (SIGKILL) right after its 2nd lake commit, before acking that batch
 * (VIGIL_FAULT=kill-after-commit:2); the restart finishes the queue. Then: every expected alert arrived exactly
 * once at the receiver (raw deliveries, not deduplicated here) and every event is once in the lake.
 *
 * The archive is the volume generator's organisation trail with its planted intrusion (real rules fire). The
 * expected alerts come from an in-process reference run of the same pipeline over the same files in the same
 * order, without a crash.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { stringify } from 'yaml';
import { writeVolumeArchive } from '../src/synth/volume.js';
import { s3Client } from '../src/lake/s3.js';
import { startSimulatedSqs, type SimulatedSqs } from '../src/aws/sim/sqs.js';
import { Store } from '../src/store/store.js';
import { ConfigSchema } from '../src/config/schema.js';
import { buildPack, loadRules } from '../src/detect/index.js';
import { Pipeline, WatchMetrics, loadWatchDeps, type Notice, type SourceItem } from '../src/watch/index.js';
import { startSignedReceiver } from '../src/watch/sinks/testing.js';
import { startS3rver } from './helpers/s3rver.js';
import { startVigil } from './helpers/cli.js';

const BUCKET = 'trail';
const SECRET = 'e2e-hmac-key';
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let dir: string;
let s3: { endpoint: string; close(): Promise<void> };
let sim: SimulatedSqs;
let receiver: { url: string; deliveries: string[]; bodies: Map<string, Notice>; badSignatures: number; close(): Promise<void> };
/** Local copies of the uploaded files, in the order their notifications were sent. */
let files: { key: string; path: string; records: number }[] = [];
let events = 0;

/** Collects every delivery (notice id), checking the signature; a 401 for a bad one. */
async function startReceiver() {
  const deliveries: string[] = [];
  const bodies = new Map<string, Notice>();
  const server = await startSignedReceiver(SECRET, (n) => {
    deliveries.push(n.id);
    bodies.set(n.id, n as unknown as Notice);
  });
  return {
    url: server.url,
    deliveries,
    bodies,
    get badSignatures() {
      return server.badSignatures();
    },
    close: server.close,
  };
}

/** The timestamp in a delivery file's name (…_20260105T0135Z_…): the order CloudTrail would deliver them. */
const deliveredAt = (key: string) => /_(\d{8}T\d{4}Z)_/.exec(key)?.[1] ?? key;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-watch-e2e-'));
  const archive = join(dir, 'archive');
  await writeVolumeArchive(archive, { events: 2500, intrusion: true, workers: 0, days: 2 });
  const gz = (readdirSync(archive, { recursive: true }) as string[]).filter((f) => f.endsWith('.json.gz') && !f.includes('Digest'));
  files = gz
    .map((f) => ({ key: relative(archive, join(archive, f)), path: join(archive, f), records: 0 }))
    .sort((a, b) => deliveredAt(a.key).localeCompare(deliveredAt(b.key)) || a.key.localeCompare(b.key));
  for (const f of files) f.records = (JSON.parse(gunzipSync(readFileSync(f.path)).toString()) as { Records: unknown[] }).Records.length;
  events = files.reduce((n, f) => n + f.records, 0);

  s3 = await startS3rver(join(dir, 's3'), [BUCKET]);
  sim = await startSimulatedSqs();
  sim.createQueue('trail-events');
  receiver = await startReceiver();

  const client = s3Client({ endpoint: s3.endpoint, region: 'us-east-1', credentials });
  const sqs = new SQSClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials });
  const notices: Record<string, unknown>[] = [];
  for (const f of files) {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: f.key, Body: readFileSync(f.path) }));
    const etag = (await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: f.key }))).ETag!.replaceAll('"', '');
    notices.push({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: new Date().toISOString(),
      eventName: 'ObjectCreated:Put',
      s3: { s3SchemaVersion: '1.0', bucket: { name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` }, object: { key: f.key, size: statSync(f.path).size, eTag: etag } },
    });
  }
  // One notification a message, sent in delivery order.
  for (const n of notices) await sqs.send(new SendMessageCommand({ QueueUrl: sim.queueUrl('trail-events'), MessageBody: JSON.stringify({ Records: [n] }) }));
  client.destroy();
  sqs.destroy();
}, 60_000);

afterAll(async () => {
  await receiver?.close();
  await sim?.close();
  await s3?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The alerts the pipeline raises over these files in this order, with no crash (in-process, own store). */
async function expectedAlerts(): Promise<Set<string>> {
  // Loaded first: the modules register their tables (resource history) for the store opened next.
  const deps = await loadWatchDeps();
  const store = await Store.open({ path: join(dir, 'reference.duckdb') });
  const lake = await store.connection();
  const ids = new Set<string>();
  const metrics = new WatchMetrics();
  const outbox = { enqueue: async (ns: Notice[]) => ns.forEach((n) => ids.add(n.id)), start() {}, stop: async () => undefined, stats: () => ({}) };
  const config = ConfigSchema.parse({ watch: { batch: { maxFiles: 4, maxWaitMs: 200 } } });
  const p = new Pipeline({ store, lake, config, pack: buildPack(loadRules().rules), outbox, history: deps.history, metrics, log: () => undefined });
  await p.start();
  const items: SourceItem[] = files.map((f) => ({
    id: f.key,
    file: { key: `s3://${BUCKET}/${f.key}`, path: f.path, size: statSync(f.path).size, version: 'ref' },
    arrivedAt: Date.now(),
    ack: async () => undefined,
    nack: async () => undefined,
  }));
  for (let i = 0; i < items.length; i += 10) await p.handle(items.slice(i, i + 10));
  await p.close();
  lake.close();
  store.close();
  expect(Object.fromEntries(metrics.failures)).toEqual({});
  return ids;
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = startVigil(args, env);
    let stderr = '';
    child.stderr!.on('data', (c) => (stderr += c));
    child.stdout!.on('data', () => undefined);
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('vigil watch end to end', () => {
  it('a crash after a lake commit and a restart: every alert delivered exactly once, every event once in the lake', async () => {
    const expected = await expectedAlerts();
    expect(expected.size).toBeGreaterThan(3);

    const db = join(dir, 'watch.duckdb');
    const yaml = join(dir, 'vigil.yaml');
    writeFileSync(
      yaml,
      stringify({
        store: { path: db },
        aws: { region: 'us-east-1' },
        watch: {
          sources: [
            { type: 'sqs', name: 'trail', queue: sim.queueUrl('trail-events'), s3Endpoint: s3.endpoint, waitSeconds: 1, visibilitySeconds: 2, retryDelaySeconds: 0 },
          ],
          batch: { maxFiles: 4, maxWaitMs: 200 },
          warmupMinutes: 4 * 24 * 60,
          drainSeconds: 20,
        },
        sinks: [{ name: 'receiver', type: 'webhook', url: receiver.url, secret: SECRET, rateLimit: 1000, retry: { maxAttempts: 5, baseMs: 50, maxMs: 500 } }],
      }),
    );
    const env = { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_REGION: 'us-east-1' };

    // First run: dies by SIGKILL right after its 2nd lake commit, before that batch is acked.
    const first = await run(['--config', yaml, 'watch'], { ...env, VIGIL_FAULT: 'kill-after-commit:2' });
    expect(first.signal, first.stderr).toBe('SIGKILL');
    const deliveredBefore = receiver.deliveries.length;
    const store0 = await Store.open({ path: db, readOnly: true });
    const committed = Number((await store0.one<{ n: number }>(`SELECT count(*) AS n FROM lake_files WHERE status = 'done'`))!.n);
    store0.close();
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(files.length);

    // The unacked messages come back once their visibility timeout (2 s) ends; then the restart drains the queue.
    await new Promise((r) => setTimeout(r, 2500));
    const second = await run(['--config', yaml, 'watch', '--once'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/warm-up: \d+ events/);

    expect(receiver.badSignatures).toBe(0);
    const counts = new Map<string, number>();
    for (const id of receiver.deliveries) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    const summary = (id: string) => `${id} ${receiver.bodies.get(id)?.summary ?? ''} ${receiver.bodies.get(id)?.time ?? ''}`;
    expect([...counts.keys()].filter((id) => !expected.has(id)).map(summary), 'unexpected alerts').toEqual([]);
    expect([...expected].filter((id) => !counts.has(id)), 'missing alerts').toEqual([]);
    expect(receiver.deliveries.length).toBe(expected.size);
    // Some alerts went out before the crash and were not sent again after it.
    expect(deliveredBefore).toBeGreaterThan(0);

    const store = await Store.open({ path: db, readOnly: true });
    try {
      const lake = (await store.one<{ n: number; ids: number }>(`SELECT count(*) AS n, count(DISTINCT (eventid, recipientaccountid)) AS ids FROM cloudtrail_logs`))!;
      expect(Number(lake.n)).toBe(events);
      expect(Number(lake.ids)).toBe(events);
      const manifest = (await store.one<{ n: number }>(`SELECT count(*) AS n FROM lake_files WHERE status = 'done'`))!;
      expect(Number(manifest.n)).toBe(files.length);
    } finally {
      store.close();
    }
    expect(sim.depth('trail-events')).toBe(0);
  }, 90_000);
});
