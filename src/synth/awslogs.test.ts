import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOrg, type TrailRecord } from './org.js';
import { writeAwsLogs, type AwsLogsResult } from './awslogs.js';
import { readArchive, type ArchiveFile } from './archive.js';

const ORG = { seed: 3, start: '2026-03-02', days: 2, eventsPerDay: 600, intrusion: false, sharedAdminRole: true };
const LOG = /^(?:(security-trail)\/)?AWSLogs\/(?:(o-[a-z0-9]{10,32})\/)?(\d{12})\/CloudTrail\/([a-z]{2}-[a-z]+-\d)\/(\d{4})\/(\d\d)\/(\d\d)\/(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8}T\d{4}Z)_([A-Za-z0-9]{16})\.json\.gz$/;
const DIGEST = /^AWSLogs\/(\d{12})\/CloudTrail-Digest\/([a-z0-9-]+)\/(\d{4})\/(\d\d)\/(\d\d)\/\1_CloudTrail-Digest_\2_organization-trail_\2_(\d{8}T\d{6}Z)\.json\.gz$/;

const stampTime = (s: string) => Date.parse(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:00Z`);

describe('writeAwsLogs', () => {
  let root: string;
  let input: TrailRecord[];
  let result: AwsLogsResult;
  let files: ArchiveFile[];
  const logs = () => files.filter((f) => f.key.includes('/CloudTrail/'));
  const primaries = () => logs().filter((f) => f.key.startsWith('AWSLogs/'));
  const duplicates = () => logs().filter((f) => f.key.startsWith('security-trail/'));

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'vigil-synth-'));
    input = [...generateOrg(ORG)];
    result = await writeAwsLogs(input, join(root, 'a'), { recordsPerFile: 50, duplicateFraction: 0.2 });
    files = readArchive(join(root, 'a'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes every record once under the primary trail, in the S3 delivery layout', () => {
    const seen: TrailRecord[] = [];
    for (const f of primaries()) {
      const m = LOG.exec(f.key);
      expect(m, f.key).not.toBeNull();
      const [, , , account, region, y, mo, d, account2, region2, stamp] = m!;
      expect(account2).toBe(account);
      expect(region2).toBe(region);
      expect(stamp!.slice(0, 8)).toBe(`${y}${mo}${d}`);
      const body = JSON.parse(f.text) as { Records: TrailRecord[] };
      expect(Object.keys(body)).toEqual(['Records']);
      expect(body.Records.length).toBeGreaterThan(0);
      expect(body.Records.length).toBeLessThanOrEqual(50);
      const delivered = stampTime(stamp!);
      for (const r of body.Records) {
        expect(r.recipientAccountId).toBe(account);
        expect(r.awsRegion).toBe(region);
        // delivered after the record, within the five-minute window that holds it
        const t = Date.parse(r.eventTime!);
        expect(delivered).toBeGreaterThan(t);
        expect(delivered - t).toBeLessThanOrEqual(300_000);
      }
      seen.push(...body.Records);
    }
    expect(seen).toHaveLength(input.length);
    expect(new Set(seen.map((r) => r.eventID))).toEqual(new Set(input.map((r) => r.eventID)));
    expect(result.records).toBe(input.length);
    expect(result.files).toBe(logs().length);
    expect(result.bytes).toBe(logs().reduce((s, f) => s + Buffer.byteLength(f.text), 0));
    // more than one account and region, several delivery windows
    expect(new Set(primaries().map((f) => f.key.split('/').filter((_, i) => i === 1 || i === 3).join('/'))).size).toBeGreaterThan(3);
  });

  it('re-delivers a share of files under a second trail prefix, records byte-identical', () => {
    const dups = duplicates();
    expect(dups.length).toBe(result.duplicateFiles);
    expect(dups.length / primaries().length).toBeGreaterThan(0.1);
    expect(dups.length / primaries().length).toBeLessThan(0.3);
    const bodies = new Map(primaries().map((f) => [f.text, f.key]));
    let recs = 0;
    for (const d of dups) {
      expect(LOG.exec(d.key)?.[1]).toBe('security-trail');
      const twin = bodies.get(d.text);
      expect(twin, d.key).toBeDefined();
      // same account, region and delivery time; a different file name
      expect(d.key.replace(/^security-trail\//, '').replace(/_[A-Za-z0-9]{16}\.json\.gz$/, '')).toBe(twin!.replace(/_[A-Za-z0-9]{16}\.json\.gz$/, ''));
      expect(d.key.endsWith(twin!.slice(-24))).toBe(false);
      recs += (JSON.parse(d.text) as { Records: unknown[] }).Records.length;
    }
    expect(recs).toBe(result.duplicateRecords);
  });

  it('writes a digest per account, region and day, hashing each log file and chained to the previous digest', () => {
    const digests = files.filter((f) => f.key.includes('CloudTrail-Digest'));
    expect(digests.length).toBe(result.digestFiles);
    const hashes = new Map(primaries().map((f) => [f.key, createHash('sha256').update(f.text).digest('hex')]));
    const covered = new Set<string>();
    const days = new Set<string>();
    let chained = 0;
    const byKey = new Map(digests.map((d) => [d.key, d]));
    for (const d of digests) {
      const m = DIGEST.exec(d.key);
      expect(m, d.key).not.toBeNull();
      const doc = JSON.parse(d.text) as Record<string, unknown> & { logFiles: { s3Object: string; hashValue: string; hashAlgorithm: string }[] };
      expect(doc).toMatchObject({ awsAccountId: m![1], digestS3Object: d.key, digestSignatureAlgorithm: 'SHA256withRSA' });
      expect(days.has(`${m![1]}|${m![2]}|${m![3]}${m![4]}${m![5]}`)).toBe(false);
      days.add(`${m![1]}|${m![2]}|${m![3]}${m![4]}${m![5]}`);
      for (const lf of doc.logFiles) {
        expect(lf.hashAlgorithm).toBe('SHA-256');
        expect(lf.hashValue).toBe(hashes.get(lf.s3Object));
        expect(lf.s3Object).toMatch(new RegExp(`^AWSLogs/${m![1]}/CloudTrail/${m![2]}/`));
        covered.add(lf.s3Object);
      }
      if (doc.previousDigestS3Object) {
        const prev = byKey.get(doc.previousDigestS3Object as string)!;
        expect(doc.previousDigestHashValue).toBe(createHash('sha256').update(prev.text).digest('hex'));
        chained++;
      }
    }
    expect(covered).toEqual(new Set(hashes.keys()));
    expect(chained).toBeGreaterThan(0);
  });

  it('is deterministic, and honours orgId and gzip=false', async () => {
    await writeAwsLogs(input, join(root, 'b'), { recordsPerFile: 50, duplicateFraction: 0.2 });
    const again = readArchive(join(root, 'b'));
    expect(again.map((f) => f.key)).toEqual(files.map((f) => f.key));
    expect(again.every((f, i) => f.text === files[i]!.text)).toBe(true);

    const plain = await writeAwsLogs(input.slice(0, 300), join(root, 'c'), { orgId: 'o-a1b2c3d4e5', gzip: false, digests: false });
    const c = readArchive(join(root, 'c'));
    expect(c.length).toBe(plain.files);
    for (const f of c) expect(f.key).toMatch(/^AWSLogs\/o-a1b2c3d4e5\/\d{12}\/CloudTrail\/[a-z0-9-]+\/\d{4}\/\d\d\/\d\d\/\d{12}_CloudTrail_[a-z0-9-]+_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json$/);
    expect(c.reduce((s, f) => s + (JSON.parse(f.text) as { Records: unknown[] }).Records.length, 0)).toBe(300);
  });
});
