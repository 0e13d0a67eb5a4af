import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { downloadS3Objects, listS3Logs, s3Client, type S3Download, type S3Object, type S3Options } from './s3.js';
import { UsageError } from '../util/errors.js';
import { fixtureFiles } from './queries/fixtures/load.js';
import { patchS3rver, S3rver, type S3rverInstance } from '../../test/helpers/s3rver.js';

patchS3rver();

const BUCKET = 'trail';
const A1 = '111111111111';
const A2 = '222222222222';
const A3 = '333333333333';
const ORG = 'o-abcdefghij';

let dir: string;
let server: S3rverInstance;
let endpoint: string;
/** Every object uploaded: key → sha256 of its bytes. */
const uploaded = new Map<string, string>();
/** Prefixes of the ListObjectsV2 requests made through `client()`. */
let listed: string[] = [];

/** A client built like vigil builds its own (endpoint, path style, static credentials), with a request counter. */
function client(): S3Client {
  const c = s3Client({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  c.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'ListObjectsV2Command') listed.push((args.input as { Prefix?: string }).Prefix ?? '');
      return next(args);
    },
    { step: 'initialize', name: 'countLists' },
  );
  return c;
}

const opts = (extra: Partial<S3Options> = {}): S3Options => ({ client: client(), concurrency: 4, ...extra });
const ctKey = (root: string, account: string, region: string, day: string, n: number) =>
  `${root}AWSLogs/${account}/CloudTrail/${region}/${day.replaceAll('-', '/')}/${account}_CloudTrail_${region}_${day.replaceAll('-', '')}T0${n}05Z_x${n}.json.gz`;

async function put(s3: S3Client, key: string, body: Buffer): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  uploaded.set(key, createHash('sha256').update(body).digest('hex'));
}

const DAYS = ['2023-12-31', '2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04', '2024-03-05'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-s3-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 'data'), configureBuckets: [{ name: BUCKET }] });
  const addr = await server.run();
  endpoint = `http://127.0.0.1:${addr.port}`;
  // Real records (stratus-red-team detonations), delivered as CloudTrail does: gzip {"Records":[...]}.
  const records = [...fixtureFiles().values()].flat();
  const body = (i: number) => gzipSync(JSON.stringify({ Records: records.slice(i % 200, (i % 200) + 20) }));
  const s3 = client();
  const puts: Promise<void>[] = [];
  let i = 0;
  for (const account of [A1, A2])
    for (const region of ['us-east-1', 'eu-west-1'])
      for (const day of DAYS)
        for (const n of [1, 2]) {
          puts.push(put(s3, ctKey('', account, region, day, n), body(i++)));
          const digest = `AWSLogs/${account}/CloudTrail-Digest/${region}/${day.replaceAll('-', '/')}/${account}_CloudTrail-Digest_${region}_t_${region}_${day.replaceAll('-', '')}T0${n}0000Z.json.gz`;
          puts.push(put(s3, digest, gzipSync('{"digest":true}')));
        }
  // An organization trail under its own key prefix, across a month end (2024 is a leap year).
  for (const account of [A1, A3]) for (const day of ['2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02']) puts.push(put(s3, ctKey(`org/`, `${ORG}/${account}`, 'us-east-1', day, 1), body(i++)));
  // Other services' logs in the same bucket, and an export outside the layout.
  puts.push(put(s3, `AWSLogs/${A1}/vpcflowlogs/us-east-1/2024/03/02/flow.log.gz`, gzipSync('flow')));
  puts.push(put(s3, 'exports/2024/export-1.json.gz', body(i)));
  puts.push(put(s3, 'exports/2024/README.txt', Buffer.from('not a log')));
  // A bigger object (~3 MB incompressible) so downloads stream through many chunks.
  puts.push(put(s3, ctKey('', A2, 'us-east-1', '2024-03-03', 9), randomBytes(3 * 1024 * 1024)));
  await Promise.all(puts);
  s3.destroy();
}, 30_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const keysOf = (l: { objects: { key: string }[] }) => l.objects.map((o) => o.key).sort();
const logKeys = (pred: (k: string) => boolean) => [...uploaded.keys()].filter((k) => pred(k)).sort();

describe('listS3Logs', () => {
  it('lists every log file of a trail bucket, and never digests, other services or folders beside AWSLogs/', async () => {
    listed = [];
    const l = await listS3Logs(`s3://${BUCKET}`, {}, opts());
    expect(keysOf(l)).toEqual(logKeys((k) => /^AWSLogs\/.*\/CloudTrail\//.test(k)));
    expect(l.objects.every((o) => o.url === `s3://${BUCKET}/${o.key}` && o.size > 0 && /^[0-9a-f]{32}$/.test(o.etag))).toBe(true);
    expect(listed.some((p) => /CloudTrail-Digest|vpcflowlogs|^org\/|^exports\//.test(p))).toBe(false);
    expect(l.requests).toBe(listed.length);
    expect(l.digests).toBe(0);
  });

  it('prunes by listing only the wanted accounts, regions and days (until + 1 day)', async () => {
    listed = [];
    const filter = { since: new Date('2024-03-02T00:00:00Z'), until: new Date('2024-03-03T12:00:00Z'), accounts: [A1], regions: ['us-east-1'] };
    const l = await listS3Logs(`s3://${BUCKET}/AWSLogs/`, filter, opts());
    const days = ['2024/03/02', '2024/03/03', '2024/03/04'];
    expect(keysOf(l)).toEqual(logKeys((k) => k.startsWith(`AWSLogs/${A1}/CloudTrail/us-east-1/`) && days.some((d) => k.includes(`/${d}/`))));
    const base = `AWSLogs/${A1}/CloudTrail/us-east-1/`;
    // Exactly these listings: discovery with Delimiter down to the month, then the three days in full.
    expect([...listed].sort()).toEqual(
      ['AWSLogs/', `AWSLogs/${A1}/`, `AWSLogs/${A1}/CloudTrail/`, base, `${base}2024/`, `${base}2024/03/`, ...days.map((d) => `${base}${d}/`)].sort(),
    );
    // Account 2, eu-west-1, CloudTrail-Digest, vpcflowlogs, 2023, and the days 01 and 05 were never listed.
    expect(l.prunedPrefixes).toBe(7);
    expect(l.digests).toBe(0);
  });

  it('follows an organization trail under a key prefix, across a month end', async () => {
    listed = [];
    const filter = { since: new Date('2024-02-29T06:00:00Z'), until: new Date('2024-02-29T23:00:00Z'), accounts: [A3] };
    const l = await listS3Logs(`s3://${BUCKET}/org`, filter, opts());
    expect(keysOf(l)).toEqual(logKeys((k) => k.startsWith(`org/AWSLogs/${ORG}/${A3}/`) && /\/2024\/(02\/29|03\/01)\//.test(k)));
    expect(listed).not.toContain(`org/AWSLogs/${ORG}/${A1}/`);
    expect(listed.filter((p) => /\/\d{2}\/\d{2}\/$/.test(p)).sort()).toEqual([
      `org/AWSLogs/${ORG}/${A3}/CloudTrail/us-east-1/2024/02/29/`,
      `org/AWSLogs/${ORG}/${A3}/CloudTrail/us-east-1/2024/03/01/`,
    ]);
  });

  it('lists a region whole when no time window is given, and pages with continuation tokens', async () => {
    listed = [];
    const url = `s3://${BUCKET}/AWSLogs/${A2}/CloudTrail/eu-west-1/`;
    const paged = await listS3Logs(url, {}, opts({ pageSize: 3 }));
    const want = logKeys((k) => k.startsWith(`AWSLogs/${A2}/CloudTrail/eu-west-1/`));
    expect(keysOf(paged)).toEqual(want);
    expect(paged.requests).toBeGreaterThanOrEqual(Math.ceil(want.length / 3));
    expect(new Set(listed)).toEqual(new Set([`AWSLogs/${A2}/CloudTrail/eu-west-1/`]));
  });

  it('prunes key by key outside the layout discovery (a digest folder, a day folder, an export)', async () => {
    const digests = await listS3Logs(`s3://${BUCKET}/AWSLogs/${A1}/CloudTrail-Digest/`, {}, opts());
    expect(digests.objects).toEqual([]);
    expect(digests.digests).toBe(logKeys((k) => k.startsWith(`AWSLogs/${A1}/CloudTrail-Digest/`)).length);

    const day = await listS3Logs(`s3://${BUCKET}/AWSLogs/${A1}/CloudTrail/us-east-1/2024/03/05/`, { until: new Date('2024-03-01T00:00:00Z') }, opts());
    expect(day.objects).toEqual([]);
    expect(day.pruned).toBe(2);

    const exp = await listS3Logs(`s3://${BUCKET}/exports/`, { accounts: [A1] }, opts());
    expect(keysOf(exp)).toEqual(['exports/2024/export-1.json.gz']);
    expect(exp.ignored).toBe(1);
  });

  it('reports bad URLs and unlistable buckets as usage errors naming the URL', async () => {
    await expect(listS3Logs('s3:/nope', {}, opts())).rejects.toThrow(UsageError);
    await expect(listS3Logs(`s3://no-such-bucket/AWSLogs/`, {}, opts())).rejects.toThrow(/s3:\/\/no-such-bucket\/AWSLogs\/: cannot list/);
  });
});

describe('downloadS3Objects', () => {
  it('downloads in parallel to files that keep their .json.gz names and equal the objects', async () => {
    const l = await listS3Logs(`s3://${BUCKET}/AWSLogs/${A2}/CloudTrail/us-east-1/`, { since: new Date('2024-03-03T00:00:00Z') }, opts());
    expect(l.objects.length).toBe(7); // 03, 04, 05 × 2, plus the 3 MB object
    const dest = join(dir, 'dl-1');
    const got: string[] = [];
    for await (const d of downloadS3Objects(l.objects, dest, opts({ concurrency: 3 }))) {
      if (!('path' in d)) throw new Error(d.error);
      expect(d.path.endsWith('.json.gz')).toBe(true);
      expect(createHash('sha256').update(readFileSync(d.path)).digest('hex')).toBe(uploaded.get(d.object.key));
      got.push(d.object.key);
    }
    expect(got.sort()).toEqual(keysOf(l));
    expect(readdirSync(dest).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('reports a vanished or changed object with a one-line error and still delivers the others', async () => {
    const l = await listS3Logs(`s3://${BUCKET}/AWSLogs/${A1}/CloudTrail/eu-west-1/2024/03/`, { until: new Date('2024-03-01T00:00:00Z') }, opts());
    expect(l.objects.length).toBe(4); // 01 and 02
    const [gone, kept, other] = l.objects as [(typeof l.objects)[0], (typeof l.objects)[0], (typeof l.objects)[0]];
    const s3 = client();
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: gone.key }));
    s3.destroy();
    const changed = { ...other, size: other.size + 1 };
    const results: S3Download<S3Object>[] = [];
    for await (const d of downloadS3Objects([gone, kept, changed], join(dir, 'dl-2'), opts())) results.push(d);
    const byOutcome = (o: object) => results.filter((r) => r.object === o)[0]!;
    expect('error' in byOutcome(gone) && byOutcome(gone)).toMatchObject({ error: expect.stringMatching(/NoSuchKey|not exist|404/i) });
    expect('path' in byOutcome(kept)).toBe(true);
    expect(byOutcome(changed)).toMatchObject({ error: expect.stringContaining(`listed ${other.size + 1}`) });
    expect(readdirSync(join(dir, 'dl-2'))).toHaveLength(1);
  });

  it('stops starting downloads when the consumer stops, leaving no partial files', async () => {
    const l = await listS3Logs(`s3://${BUCKET}/AWSLogs/${A2}/`, {}, opts());
    const dest = join(dir, 'dl-3');
    let n = 0;
    for await (const d of downloadS3Objects(l.objects, dest, opts({ concurrency: 2 }))) {
      expect('path' in d).toBe(true);
      if (++n === 2) break;
    }
    const files = readdirSync(dest);
    expect(files.filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(files.length).toBe(2);
  });
});
