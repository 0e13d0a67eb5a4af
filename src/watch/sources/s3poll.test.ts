import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3Client } from '../../lake/s3.js';
import { VigilError } from '../../util/errors.js';
import { startS3rver } from '../../../test/helpers/s3rver.js';
import { manyRecords } from '../../../test/helpers/records.js';
import type { Source, SourceItem } from '../source.js';
import { createSource, memoryCheckpoint } from './index.js';

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const BUCKET = 'trail';
const DAY = 86_400_000;
const ymd = (t: number) => new Date(t).toISOString().slice(0, 10).replaceAll('-', '/');
const TODAY = ymd(Date.now());
const YESTERDAY = ymd(Date.now() - DAY);
const LAST_WEEK = ymd(Date.now() - 7 * DAY);
const ctKey = (root: string, account: string, day: string, n: number) =>
  `${root}${account}/CloudTrail/us-east-1/${day}/${account.slice(-12)}_CloudTrail_us-east-1_${day.replaceAll('/', '')}T00${n}0Z_f${n}.json.gz`;

let dir: string;
let s3: { endpoint: string; close(): Promise<void> };
let client: S3Client;
const open: Source[] = [];
const bodies = new Map<string, Buffer>();

async function put(key: string): Promise<void> {
  const body = gzipSync(JSON.stringify({ Records: manyRecords(3, key) }));
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  bodies.set(key, body);
}

const signal = () => new AbortController().signal;
const keysOf = (items: SourceItem[]) => items.map((i) => i.file!.key.slice(`s3://${BUCKET}/`.length)).sort();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-s3poll-'));
  s3 = await startS3rver(join(dir, 's3'), [BUCKET]);
  client = s3Client({ endpoint: s3.endpoint, region: 'us-east-1', credentials });
  await put(ctKey('AWSLogs/', '111111111111', TODAY, 1));
  await put(ctKey('AWSLogs/', '111111111111', YESTERDAY, 1));
  // An organization trail's account.
  await put(ctKey('AWSLogs/o-abcdefghij/', '222222222222', TODAY, 1));
  // Outside the window (last week) and a digest: never handed out.
  await put(ctKey('AWSLogs/', '111111111111', LAST_WEEK, 1));
  await put(`AWSLogs/111111111111/CloudTrail-Digest/us-east-1/${TODAY}/111111111111_CloudTrail-Digest_us-east-1_t_us-east-1_x.json.gz`);
});

afterAll(async () => {
  for (const s of open) await s.close();
  client.destroy();
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

function source(checkpoint = memoryCheckpoint(), extra: Record<string, unknown> = {}): Source {
  const src = createSource(
    { type: 's3', url: `s3://${BUCKET}/`, endpoint: s3.endpoint, intervalSeconds: 0.05, ...extra },
    { aws: { region: 'us-east-1' }, workDir: join(dir, 'work'), log: () => undefined, credentials, checkpoint },
  );
  open.push(src);
  return src;
}

describe('S3 polling source', () => {
  it("hands out yesterday's and today's objects of every account once, then only new ones, resuming from its checkpoint", async () => {
    const checkpoint = memoryCheckpoint();
    const src = source(checkpoint);
    const first = await src.next(signal());
    expect(keysOf(first)).toEqual(
      [ctKey('AWSLogs/', '111111111111', TODAY, 1), ctKey('AWSLogs/', '111111111111', YESTERDAY, 1), ctKey('AWSLogs/o-abcdefghij/', '222222222222', TODAY, 1)].sort(),
    );
    for (const it of first) {
      const k = it.file!.key.slice(`s3://${BUCKET}/`.length);
      expect(readFileSync(it.file!.path!).equals(bodies.get(k)!)).toBe(true);
      expect(it.file!.version).toMatch(/^[0-9a-f]{32}$/);
    }
    // Not acked yet, but in flight: not handed out twice.
    expect(await src.next(signal())).toEqual([]);
    for (const it of first.slice(0, 2)) await it.ack();
    await first[2]!.nack('lake commit failed');
    // The nacked one comes back, the acked ones do not.
    const second = await src.next(signal());
    expect(keysOf(second)).toEqual(keysOf([first[2]!]));
    await second[0]!.ack();

    await put(ctKey('AWSLogs/', '111111111111', TODAY, 2));
    const third = await src.next(signal());
    expect(keysOf(third)).toEqual([ctKey('AWSLogs/', '111111111111', TODAY, 2)]);
    expect(await src.next(signal())).toEqual([]);

    // A restarted poller with the same checkpoint: the acked keys stay done; the one not acked comes back.
    await src.close();
    const again = source(checkpoint);
    expect(keysOf(await again.next(signal()))).toEqual([ctKey('AWSLogs/', '111111111111', TODAY, 2)]);
    expect(src.stats).toMatchObject({ received: 5, acked: 3, nacked: 1 });
  });

  it('drops acked keys of days that left the window from its checkpoint', async () => {
    const checkpoint = memoryCheckpoint();
    const old = ctKey('AWSLogs/', '111111111111', LAST_WEEK, 9);
    await checkpoint.set('acked', { keys: { [old]: LAST_WEEK.replaceAll('/', '-') } });
    const src = source(checkpoint);
    const items = await src.next(signal());
    await items[0]!.ack();
    const saved = (await checkpoint.get('acked')) as { keys: Record<string, string> };
    expect(Object.keys(saved.keys)).toEqual([items[0]!.file!.key.slice(`s3://${BUCKET}/`.length)]);
  });

  it('hands out at most maxFiles per poll and polls again at once for the rest', async () => {
    const src = source(memoryCheckpoint(), { maxFiles: 2, intervalSeconds: 30 });
    const t = Date.now();
    const a = await src.next(signal());
    const b = await src.next(signal());
    expect(a).toHaveLength(2);
    expect(b.length).toBeGreaterThanOrEqual(1);
    expect(new Set([...keysOf(a), ...keysOf(b)]).size).toBe(a.length + b.length);
    expect(Date.now() - t).toBeLessThan(10_000);
  });

  it('lists only the window\'s day folders of each known region at each poll, and finds new accounts when it looks again', async () => {
    const lists: string[] = [];
    const counted = (src: Source) => {
      (src as unknown as { s3: S3Client }).s3.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'ListObjectsV2Command') lists.push((args.input as { Prefix?: string }).Prefix ?? '');
          return next(args);
        },
        { step: 'initialize', name: 'countLists' },
      );
      return src;
    };
    const src = counted(source(memoryCheckpoint(), { discoverMinutes: 60 }));
    for (const it of await src.next(signal())) await it.ack();
    lists.length = 0;
    expect(await src.next(signal())).toEqual([]);
    // Two region folders (an account, an org trail's account) × two days; no year, month or account listing.
    const days = [YESTERDAY, TODAY];
    expect(lists.sort()).toEqual(
      ['AWSLogs/111111111111/CloudTrail/us-east-1/', 'AWSLogs/o-abcdefghij/222222222222/CloudTrail/us-east-1/'].flatMap((r) => days.map((d) => `${r}${d}/`)).sort(),
    );
    // A new account is found when the accounts are looked for again (here: at every poll).
    const added = ctKey('AWSLogs/', '333333333333', TODAY, 1);
    await put(added);
    expect(await src.next(signal())).toEqual([]);
    const eager = source(memoryCheckpoint(), { discoverMinutes: 0 });
    expect(keysOf(await eager.next(signal()))).toContain(added);
  });

  it('lists a prefix outside the layout whole', async () => {
    await put('exports/2024/export-1.json.gz');
    const logs: string[] = [];
    const src = createSource(
      { type: 's3', url: `s3://${BUCKET}/exports/`, endpoint: s3.endpoint, intervalSeconds: 0.05 },
      { aws: { region: 'us-east-1' }, workDir: join(dir, 'work'), log: (l) => logs.push(l), credentials, checkpoint: memoryCheckpoint() },
    );
    open.push(src);
    expect(keysOf(await src.next(signal()))).toEqual(['exports/2024/export-1.json.gz']);
    expect(logs).toEqual([expect.stringContaining('not a CloudTrail layout')]);
  });

  it('fails with the setting named when the bucket does not exist', async () => {
    const src = source(memoryCheckpoint(), { url: 's3://no-such-bucket/AWSLogs/' });
    await expect(src.next(signal())).rejects.toThrow(VigilError);
  });
});
