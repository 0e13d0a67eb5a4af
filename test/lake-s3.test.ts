/** `vigil lake ingest s3://...` through the real SDK against an S3-compatible server on 127.0.0.1 (s3rver). */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startS3rver } from './helpers/s3rver.js';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { vigil, vigilAsync } from './helpers/cli.js';
import { manyRecords } from './helpers/records.js';

let dir: string;
let server: { endpoint: string; close(): Promise<void> };
let endpoint: string;
const env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-s3-'));
  server = await startS3rver(join(dir, 's3'), ['trail']);
  endpoint = server.endpoint;
  const s3 = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const put = (key: string, body: Buffer) => s3.send(new PutObjectCommand({ Bucket: 'trail', Key: key, Body: body }));
  const recs = manyRecords(1000, 's3');
  let i = 0;
  for (const acct of ['111111111111', '222222222222'])
    for (const day of ['01', '02', '03'])
      for (let f = 0; f < 2; f++) {
        // Events dated as the delivery folder says, so --since filters the same way as the pruning.
        const slice = recs.slice(i * 80, i * 80 + 80).map((r) => ({ ...r, eventTime: `2024-03-${day}T10:00:00Z`, recipientAccountId: acct }));
        i++;
        await put(`logs/AWSLogs/o-abcdefghij/${acct}/CloudTrail/us-east-1/2024/03/${day}/${acct}_CloudTrail_us-east-1_202403${day}T0000Z_${f}.json.gz`, gzipSync(JSON.stringify({ Records: slice })));
      }
  // Re-delivery of one file under another name: its records must be stored once.
  await put('logs/AWSLogs/o-abcdefghij/111111111111/CloudTrail/us-east-1/2024/03/01/dup.json.gz', gzipSync(JSON.stringify({ Records: recs.slice(0, 80).map((r) => ({ ...r, eventTime: "2024-03-01T10:00:00Z", recipientAccountId: "111111111111" })) })));
  await put('logs/AWSLogs/o-abcdefghij/111111111111/CloudTrail-Digest/us-east-1/2024/03/01/d.json.gz', gzipSync('{"digestStartTime":"x"}'));
  await put('logs/AWSLogs/o-abcdefghij/111111111111/CloudTrail/us-east-1/2024/03/02/broken.json.gz', Buffer.from('not gzip'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('vigil lake ingest s3://', () => {
  it('lists, prunes, downloads in parallel and ingests exactly once', async () => {
    const db = join(dir, 'v.duckdb');
    const pruned = await vigilAsync(['lake', 'ingest', 's3://trail/logs/', '--endpoint', endpoint, '--db', join(dir, 'p.duckdb'), '--json', '--since', '2024-03-03', '--accounts', '222222222222'], { env });
    expect(pruned.stderr).not.toMatch(/vigil:/);
    const p = JSON.parse(pruned.stdout);
    expect(p.filesIngested).toBe(2);
    expect(p.inserted).toBe(160);
    // The other account's folder and the days before --since were never listed.
    expect(p.prunedPrefixes).toBeGreaterThan(0);

    const r = await vigilAsync(['lake', 'ingest', 's3://trail/logs/', '--endpoint', endpoint, '--db', db, '--json'], { env });
    expect(r.code).toBe(1); // the broken object makes the run partial
    const out = JSON.parse(r.stdout);
    // Digest folders are recognised in the layout and skipped without listing them.
    expect(out.digestsSkipped).toBe(0);
    expect(out.filesIngested).toBe(13);
    expect(out.filesFailed).toBe(1);
    expect(out.errors[0].key).toBe('s3://trail/logs/AWSLogs/o-abcdefghij/111111111111/CloudTrail/us-east-1/2024/03/02/broken.json.gz');
    expect(out.inserted).toBe(960);
    const again = JSON.parse((await vigilAsync(['lake', 'ingest', 's3://trail/logs/', '--endpoint', endpoint, '--db', db, '--json'], { env })).stdout);
    expect(again.filesIngested).toBe(0);
    expect(again.filesSkipped).toBe(14);
    const rows = JSON.parse(vigil(['lake', 'query', 'SELECT count(*) AS n, count(DISTINCT eventid) AS ids FROM cloudtrail_logs', '--db', db, '--json']).stdout);
    expect(rows[0]).toEqual({ n: 960, ids: 960 });
  });
});
