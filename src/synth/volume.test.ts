import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeVolumeArchive } from './volume.js';
import type { AwsLogsResult } from './awslogs.js';
import { readArchive, type ArchiveFile } from './archive.js';
import type { TrailRecord } from './record.js';

const EVENTS = 20_000;

describe('writeVolumeArchive', () => {
  let root: string;
  let threaded: AwsLogsResult;
  let files: ArchiveFile[];
  let records: TrailRecord[];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'vigil-volume-'));
    threaded = await writeVolumeArchive(join(root, 'w'), { events: EVENTS, seed: 5, workers: 2 });
    files = readArchive(join(root, 'w')).filter((f) => !f.key.includes('Digest'));
    records = files.flatMap((f) => (JSON.parse(f.text) as { Records: TrailRecord[] }).Records);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes at least the requested events, ~1.5 KB each, ~200 a gzip file, in the AWSLogs layout', () => {
    expect(threaded.records).toBe(records.length);
    expect(records.length).toBeGreaterThanOrEqual(EVENTS);
    expect(records.length).toBeLessThan(EVENTS * 1.05);
    const avg = threaded.bytes / threaded.records;
    expect(avg).toBeGreaterThan(1200);
    expect(avg).toBeLessThan(1800);
    const perFile = records.length / files.length;
    expect(perFile).toBeGreaterThan(170);
    expect(perFile).toBeLessThanOrEqual(200);
    for (const f of files) expect(f.key).toMatch(/^AWSLogs\/\d{12}\/CloudTrail\/[a-z0-9-]+\/\d{4}\/\d\d\/\d\d\/\d{12}_CloudTrail_[a-z0-9-]+_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/);
    expect(threaded.digestFiles).toBeGreaterThan(0);
  });

  it('varies the content as a real organisation does (principals, IPs, events, parameters)', () => {
    const distinct = (f: (r: TrailRecord) => unknown) => new Set(records.map(f)).size;
    expect(distinct((r) => r.userIdentity?.arn)).toBeGreaterThan(300);
    expect(distinct((r) => r.sourceIPAddress)).toBeGreaterThan(300);
    expect(distinct((r) => r.eventName)).toBeGreaterThan(60);
    expect(distinct((r) => JSON.stringify(r.requestParameters))).toBeGreaterThan(EVENTS / 4);
    expect(distinct((r) => r.recipientAccountId)).toBe(5);
    expect(distinct((r) => r.awsRegion)).toBe(3);
    expect(new Set(records.map((r) => r.eventID)).size).toBe(records.length);
  });

  it('is deterministic: the same seed gives the same bytes whether generated on workers or in this thread', async () => {
    const opts = { events: 4_000, seed: 9, days: 3 };
    const inline = await writeVolumeArchive(join(root, 'i'), { ...opts, workers: 0 });
    const workers = await writeVolumeArchive(join(root, 'j'), { ...opts, workers: 2 });
    expect(inline).toEqual(workers);
    const a = readArchive(join(root, 'i'));
    const b = readArchive(join(root, 'j'));
    expect(a.length).toBe(inline.files + inline.digestFiles);
    expect(b.map((f) => f.key)).toEqual(a.map((f) => f.key));
    expect(b.every((f, i) => f.text === a[i]!.text)).toBe(true);
    const other = await writeVolumeArchive(join(root, 'k'), { ...opts, seed: 10, workers: 0 });
    expect(readArchive(join(root, 'k')).map((f) => f.key)).not.toEqual(a.map((f) => f.key));
    expect(other.records).toBeGreaterThanOrEqual(4_000);
  });
});
