/**
 * Writes records as CloudTrail delivers them to S3: `{"Records":[...]}` files grouped by account, region and
 * delivery window, under `AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/`, plus digest files under
 * `CloudTrail-Digest/`, and optionally a second trail re-delivering some files (the same records twice).
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Rng, hash32 } from './random.js';
import { isoSeconds, type TrailRecord } from './record.js';


export interface AwsLogsOptions {
  /** Most records a file (CloudTrail cuts files by size and time). Default 200. */
  recordsPerFile?: number;
  /** Organisation trail: paths gain `<org-id>/` after `AWSLogs/`. */
  orgId?: string;
  /** Default true (`.json.gz`); false writes plain `.json`. */
  gzip?: boolean;
  /** zlib level (1 fastest .. 9 smallest). Default 6. */
  gzipLevel?: number;
  /**
   * Share of files (0..1) a second trail re-delivers under `<duplicatePrefix>/AWSLogs/...`: the same records in a
   * file of another name, as when two trails log the same account. Default 0.
   */
  duplicateFraction?: number;
  duplicatePrefix?: string;
  /** Delivery window: records of one account and region within it share files. Default 5 minutes. */
  deliveryMinutes?: number;
  /** Write a digest file per account, region and day. Default true. */
  digests?: boolean;
  /** Bucket and trail named in digest files. */
  bucket?: string;
  trailName?: string;
  /** Seed of the random parts of file names. Default 1. */
  seed?: number;
}

export interface AwsLogsResult {
  /** CloudTrail log files written (re-deliveries included, digests not). */
  files: number;
  /** Distinct records written (what a lake should hold). */
  records: number;
  /** Uncompressed JSON bytes of all log files. */
  bytes: number;
  digestFiles: number;
  duplicateFiles: number;
  duplicateRecords: number;
}

const FIVE_MIN = 300_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** `2026/03/02` and `20260302T0915Z` of a time. */
function pathParts(ms: number): { folder: string; stamp: string; day: string } {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = pad(d.getUTCMonth() + 1);
  const day = pad(d.getUTCDate());
  return { folder: `${y}/${m}/${day}`, stamp: `${y}${m}${day}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}Z`, day: `${y}${m}${day}` };
}

/** The S3 key of a CloudTrail log file delivered at `delivered`. */
export function logFileKey(o: { orgId?: string; account: string; region: string; delivered: number; suffix: string; gzip: boolean }): string {
  const p = pathParts(o.delivered);
  const org = o.orgId ? `${o.orgId}/` : '';
  return `AWSLogs/${org}${o.account}/CloudTrail/${o.region}/${p.folder}/${o.account}_CloudTrail_${o.region}_${p.stamp}_${o.suffix}.json${o.gzip ? '.gz' : ''}`;
}

interface Group {
  account: string;
  region: string;
  window: number;
  json: string[];
  first: number;
  last: number;
}

interface DigestEntry {
  key: string;
  hash: string;
  oldest: number;
  newest: number;
}

/**
 * The writer shared by `writeAwsLogs` and the volume archive: feed records (or their JSON) in time order;
 * files are cut when a group reaches `recordsPerFile` or its delivery window closes.
 */
export class AwsLogsWriter {
  private readonly groups = new Map<string, Group>();
  private readonly digests = new Map<string, DigestEntry[]>();
  private readonly previousDigest = new Map<string, { key: string; hash: string }>();
  private readonly pending = new Set<Promise<void>>();
  private readonly o: Required<Omit<AwsLogsOptions, 'orgId'>> & { orgId?: string };
  private seq = 0;
  private readonly dirs = new Set<string>();
  readonly result: AwsLogsResult = { files: 0, records: 0, bytes: 0, digestFiles: 0, duplicateFiles: 0, duplicateRecords: 0 };

  constructor(
    private readonly outDir: string,
    opts: AwsLogsOptions = {},
  ) {
    this.o = {
      recordsPerFile: opts.recordsPerFile ?? 200,
      orgId: opts.orgId,
      gzip: opts.gzip ?? true,
      gzipLevel: opts.gzipLevel ?? 6,
      duplicateFraction: opts.duplicateFraction ?? 0,
      duplicatePrefix: opts.duplicatePrefix ?? 'security-trail',
      deliveryMinutes: opts.deliveryMinutes ?? 5,
      digests: opts.digests ?? true,
      bucket: opts.bucket ?? 'acme-org-cloudtrail',
      trailName: opts.trailName ?? 'organization-trail',
      seed: opts.seed ?? 1,
    };
    if (!(this.o.recordsPerFile >= 1)) throw new RangeError('recordsPerFile must be at least 1');
    if (!(this.o.duplicateFraction >= 0 && this.o.duplicateFraction <= 1)) throw new RangeError('duplicateFraction must be within 0..1');
  }

  /** Adds one record; `json` may be given when the caller already serialised it. */
  async add(r: TrailRecord, json?: string): Promise<void> {
    const t = Date.parse(r.eventTime ?? '');
    const account = r.recipientAccountId ?? r.userIdentity?.accountId ?? 'unknown';
    const region = r.awsRegion ?? 'us-east-1';
    const window = Math.floor(t / (this.o.deliveryMinutes * 60_000));
    const key = `${account}|${region}`;
    let g = this.groups.get(key);
    if (g && g.window !== window) {
      this.groups.delete(key);
      await this.flush(g);
      g = undefined;
    }
    if (!g) {
      g = { account, region, window, json: [], first: t, last: t };
      this.groups.set(key, g);
    }
    g.json.push(json ?? JSON.stringify(r));
    if (t < g.first) g.first = t;
    if (t > g.last) g.last = t;
    if (g.json.length >= this.o.recordsPerFile) {
      this.groups.delete(key);
      await this.flush(g);
    }
  }

  /** Writes what is buffered, the digests, and waits for every file. */
  async finish(): Promise<AwsLogsResult> {
    for (const g of [...this.groups.values()]) await this.flush(g);
    this.groups.clear();
    await Promise.all(this.pending);
    if (this.o.digests) await this.writeDigests();
    return this.result;
  }

  private async flush(g: Group): Promise<void> {
    const body = `{"Records":[${g.json.join(',')}]}`;
    const n = g.json.length;
    // Delivered a little after the last record, at the next five-minute mark.
    const delivered = (Math.floor(g.last / FIVE_MIN) + 1) * FIVE_MIN;
    const seq = this.seq++;
    const suffix = (tag: string) => new Rng(hash32(this.o.seed, tag, g.account, g.region, g.first, seq)).alnum(16);
    const key = logFileKey({ orgId: this.o.orgId, account: g.account, region: g.region, delivered, suffix: suffix('primary'), gzip: this.o.gzip });
    this.result.files++;
    this.result.records += n;
    const bytes = Buffer.byteLength(body);
    this.result.bytes += bytes;
    if (this.o.digests) {
      const dkey = `${g.account}|${g.region}|${pathParts(g.first).day}`;
      const list = this.digests.get(dkey) ?? [];
      list.push({ key, hash: createHash('sha256').update(body).digest('hex'), oldest: g.first, newest: g.last });
      this.digests.set(dkey, list);
    }
    const targets = [key];
    if (this.o.duplicateFraction > 0 && hash32(this.o.seed, 'dup', key) / 4294967296 < this.o.duplicateFraction) {
      targets.push(`${this.o.duplicatePrefix}/${logFileKey({ orgId: this.o.orgId, account: g.account, region: g.region, delivered, suffix: suffix('duplicate'), gzip: this.o.gzip })}`);
      this.result.files++;
      this.result.duplicateFiles++;
      this.result.duplicateRecords += n;
      this.result.bytes += bytes;
    }
    await this.write(targets, body);
  }

  /**
   * Compresses in this thread (one call per file is cheaper than zlib's chunked async path; the volume archive
   * gets its parallelism from worker threads) and keeps a few writes in flight.
   */
  private async write(keys: string[], body: string): Promise<void> {
    while (this.pending.size >= 8) await Promise.race(this.pending);
    const data = this.o.gzip ? gzipSync(body, { level: this.o.gzipLevel }) : Buffer.from(body);
    const p = (async () => {
      for (const k of keys) await this.put(k, data);
    })();
    const tracked = p.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  private async put(key: string, data: Buffer | string): Promise<void> {
    const path = join(this.outDir, key);
    const dir = dirname(path);
    if (!this.dirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.dirs.add(dir);
    }
    await writeFile(path, data);
  }

  /** One digest a day per account and region, chained to the previous one as CloudTrail chains them. */
  private async writeDigests(): Promise<void> {
    const keys = [...this.digests.keys()].sort();
    for (const dkey of keys) {
      const files = this.digests.get(dkey)!;
      const [account, region, day] = dkey.split('|') as [string, string, string];
      const end = Date.parse(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T23:59:59Z`);
      const start = end - 86_399_000;
      const stamp = pathParts(end).stamp.replace('Z', '59Z');
      const org = this.o.orgId ? `${this.o.orgId}/` : '';
      const key = `AWSLogs/${org}${account}/CloudTrail-Digest/${region}/${pathParts(end).folder}/${account}_CloudTrail-Digest_${region}_${this.o.trailName}_${region}_${stamp}.json${this.o.gzip ? '.gz' : ''}`;
      const prev = this.previousDigest.get(`${account}|${region}`);
      const rng = new Rng(hash32(this.o.seed, 'digest', key));
      const digest = {
        awsAccountId: account,
        digestStartTime: isoSeconds(start),
        digestEndTime: isoSeconds(end),
        digestS3Bucket: this.o.bucket,
        digestS3Object: key,
        digestPublicKeyFingerprint: rng.hex(32),
        digestSignatureAlgorithm: 'SHA256withRSA',
        newestEventTime: isoSeconds(Math.max(...files.map((f) => f.newest))),
        oldestEventTime: isoSeconds(Math.min(...files.map((f) => f.oldest))),
        previousDigestS3Bucket: prev ? this.o.bucket : null,
        previousDigestS3Object: prev?.key ?? null,
        previousDigestHashValue: prev?.hash ?? null,
        previousDigestHashAlgorithm: prev ? 'SHA-256' : null,
        previousDigestSignature: prev ? rng.hex(512) : null,
        logFiles: files.map((f) => ({ s3Bucket: this.o.bucket, s3Object: f.key, hashValue: f.hash, hashAlgorithm: 'SHA-256', newestEventTime: isoSeconds(f.newest), oldestEventTime: isoSeconds(f.oldest) })),
      };
      const body = JSON.stringify(digest);
      this.previousDigest.set(`${account}|${region}`, { key, hash: createHash('sha256').update(body).digest('hex') });
      await this.put(key, this.o.gzip ? gzipSync(body, { level: this.o.gzipLevel }) : body);
      this.result.digestFiles++;
    }
    this.digests.clear();
  }
}

/** Writes `records` (in time order) under `outDir` in CloudTrail's S3 delivery layout. */
export async function writeAwsLogs(records: Iterable<TrailRecord>, outDir: string, opts: AwsLogsOptions = {}): Promise<AwsLogsResult> {
  const writer = new AwsLogsWriter(outDir, opts);
  for (const r of records) await writer.add(r);
  return writer.finish();
}
