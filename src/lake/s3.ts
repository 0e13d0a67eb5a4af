/**
 * The S3 source: lists a trail bucket the way CloudTrail lays it out and downloads log files in parallel.
 *
 * Listing follows the delivery layout (layout.ts) with Delimiter '/': organization ids, accounts and regions are
 * discovered under AWSLogs/, then years, months and days, keeping at each level only what the filter wants; only
 * the day prefixes kept are listed in full (in parallel, each paginated). CloudTrail-Digest and other services'
 * folders (vpcflowlogs, elasticloadbalancing ...) are never listed. A prefix outside the layout is listed
 * recursively, and each key is still pruned by its own path.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, S3Client, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity } from '@smithy/types';
import pLimit from 'p-limit';
import { UsageError, oneLine } from '../util/errors.js';
import { ACCOUNT_ID, ORG_ID, REGION, dayWindow, keepPath, parseLogPath, type LogFilter } from './layout.js';

export interface S3Object {
  key: string;
  /** s3://bucket/key — the manifest key. */
  url: string;
  size: number;
  etag: string;
  lastModified?: Date;
}

export interface S3Options {
  /** A ready client (tests, custom middleware); otherwise one is built from the options below. */
  client?: S3Client;
  profile?: string;
  region?: string;
  /** S3-compatible endpoint (MinIO, s3rver ...); implies path-style addressing unless forcePathStyle is false. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Static credentials instead of the standard chain. */
  credentials?: AwsCredentialIdentity;
  /** Parallel list and get requests (default 16). */
  concurrency?: number;
  /** Keys per listing page (S3's default and maximum: 1000). */
  pageSize?: number;
}

export interface S3Listing {
  objects: S3Object[];
  /** CloudTrail-Digest files met while listing (digest folders are not listed when the layout is followed). */
  digests: number;
  /** Log files listed but outside the filter (accounts, regions, days). */
  pruned: number;
  /** Folders (org ids, accounts, regions, years, months, days) skipped by the filter without being listed. */
  prunedPrefixes: number;
  /** Keys listed that are neither log files nor in the layout (README, folder markers ...). */
  ignored: number;
  /** ListObjectsV2 requests made. */
  requests: number;
}

const DEFAULT_CONCURRENCY = 16;

/** s3://bucket/prefix → bucket and prefix. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m || !m[1]) throw new UsageError(`${url}: not an s3://bucket/prefix URL`);
  return { bucket: m[1], prefix: m[2]! };
}

export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** An S3 client on the standard credential chain (or the given credentials), sized for `concurrency` sockets. */
export function s3Client(opts: S3Options = {}): S3Client {
  if (opts.client) return opts.client;
  const sockets = opts.concurrency ?? DEFAULT_CONCURRENCY;
  return new S3Client({
    region: opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    credentials: opts.credentials ?? fromNodeProviderChain(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: opts.forcePathStyle ?? true } : {}),
    // A trail bucket may live in another region than the one configured.
    followRegionRedirects: true,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: sockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: sockets }),
    }),
  });
}

/** Names a log file can have; anything else outside the layout is ignored (as for local directories). */
const LOG_NAME = /\.(json|jsonl|ndjson)(\.gz)?$|\.gz$/i;

/** Where a prefix sits in the layout, from the segments after `AWSLogs/`. */
type Level =
  | { kind: 'root' }
  | { kind: 'org'; orgId: string }
  | { kind: 'account'; account: string }
  | { kind: 'regions' }
  | { kind: 'region' }
  | { kind: 'year'; year: string }
  | { kind: 'month'; month: string }
  /** List everything below, pruning each key by its path. */
  | { kind: 'all' };

/** The level of a folder prefix (ending in '/'), or undefined when it is not inside an AWSLogs/ layout. */
function levelOf(prefix: string): Level | undefined {
  const at = prefix.lastIndexOf('AWSLogs/');
  if (at < 0 || (at > 0 && prefix[at - 1] !== '/')) return undefined;
  const segs = prefix.slice(at + 'AWSLogs/'.length).split('/').filter(Boolean);
  let i = 0;
  if (segs.length === i) return { kind: 'root' };
  if (ORG_ID.test(segs[i]!)) {
    if (segs.length === ++i) return { kind: 'org', orgId: segs[i - 1]! };
  }
  if (!ACCOUNT_ID.test(segs[i]!)) return { kind: 'all' };
  if (segs.length === ++i) return { kind: 'account', account: segs[i - 1]! };
  if (segs[i] !== 'CloudTrail') return { kind: 'all' };
  if (segs.length === ++i) return { kind: 'regions' };
  if (segs.length === ++i) return { kind: 'region' };
  if (segs.length === ++i) return { kind: 'year', year: segs[i - 1]! };
  if (segs.length === ++i) return { kind: 'month', month: `${segs[i - 2]}-${segs[i - 1]}` };
  return { kind: 'all' };
}

const lastSeg = (p: string) => p.split('/').filter(Boolean).pop() ?? '';

class Lister {
  readonly out: S3Listing = { objects: [], digests: 0, pruned: 0, prunedPrefixes: 0, ignored: 0, requests: 0 };
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly from?: string;
  private readonly to?: string;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly filter: LogFilter,
    concurrency: number,
    private readonly pageSize?: number,
  ) {
    this.limit = pLimit(concurrency);
    ({ from: this.from, to: this.to } = dayWindow(filter));
  }

  /** One paginated listing; with a delimiter, returns the sub-folders (objects at that level are classified). */
  private async list(prefix: string, delimiter?: string): Promise<string[]> {
    // A Set: a page boundary inside a common prefix can repeat it on the next page.
    const folders = new Set<string>();
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await this.limit(() => {
        this.out.requests++;
        return this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, Delimiter: delimiter, ContinuationToken: token, MaxKeys: this.pageSize }),
        );
      });
      for (const o of page.Contents ?? []) this.classify(o.Key!, o.Size ?? 0, o.ETag ?? '', o.LastModified);
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) folders.add(p.Prefix);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return [...folders];
  }

  private classify(key: string, size: number, etag: string, lastModified?: Date): void {
    if (key.endsWith('/')) return;
    const parsed = parseLogPath(key);
    if (parsed?.digest) this.out.digests++;
    else if (parsed && !keepPath(parsed, this.filter)) this.out.pruned++;
    else if (!parsed && !LOG_NAME.test(key)) this.out.ignored++;
    else this.out.objects.push({ key, url: s3Url(this.bucket, key), size, etag: etag.replaceAll('"', ''), lastModified });
  }

  /** Keeps the sub-folders the filter wants, counting the others. */
  private keep(folders: string[], wanted: (name: string) => boolean): string[] {
    const kept = folders.filter((f) => wanted(lastSeg(f)));
    this.out.prunedPrefixes += folders.length - kept.length;
    return kept;
  }

  private inList(list: string[] | undefined, v: string): boolean {
    return !list?.length || list.includes(v);
  }

  /** Whether some day of [lo, hi] ('YYYY-MM-DD' prefixes compared as text) meets the filter's day window. */
  private overlaps(lo: string, hi: string): boolean {
    return (!this.from || hi >= this.from) && (!this.to || lo <= this.to);
  }

  async walk(prefix: string): Promise<void> {
    const level = levelOf(prefix);
    if (!level) return this.walkUnknown(prefix);
    const next = (folders: string[]) => Promise.all(folders.map((f) => this.walk(f))).then(() => undefined);
    switch (level.kind) {
      case 'all':
        await this.list(prefix);
        return;
      case 'root':
        return next(this.keep(await this.list(prefix, '/'), (n) => ORG_ID.test(n) || (ACCOUNT_ID.test(n) && this.inList(this.filter.accounts, n))));
      case 'org':
        return next(this.keep(await this.list(prefix, '/'), (n) => ACCOUNT_ID.test(n) && this.inList(this.filter.accounts, n)));
      case 'account':
        if (!this.inList(this.filter.accounts, level.account)) return void this.out.prunedPrefixes++;
        // Only CloudTrail/ holds events; CloudTrail-Digest/, CloudTrail-Insight/ and other services are skipped.
        return next(this.keep(await this.list(prefix, '/'), (n) => n === 'CloudTrail'));
      case 'regions':
        return next(this.keep(await this.list(prefix, '/'), (n) => REGION.test(n) && this.inList(this.filter.regions, n)));
      case 'region':
        if (!this.inList(this.filter.regions, lastSeg(prefix))) return void this.out.prunedPrefixes++;
        // Without a time window, one recursive listing of the region is the cheapest.
        if (!this.from && !this.to) return void (await this.list(prefix));
        return next(this.keep(await this.list(prefix, '/'), (y) => /^\d{4}$/.test(y) && this.overlaps(`${y}-01-01`, `${y}-12-31`)));
      case 'year':
        return next(this.keep(await this.list(prefix, '/'), (m) => /^\d{2}$/.test(m) && this.overlaps(`${level.year}-${m}-01`, `${level.year}-${m}-31`)));
      case 'month':
        // Each day kept is then listed whole (level 'all'), in parallel with the others.
        return next(this.keep(await this.list(prefix, '/'), (d) => /^\d{2}$/.test(d) && this.overlaps(`${level.month}-${d}`, `${level.month}-${d}`)));
    }
  }

  async walkAll(prefix: string): Promise<void> {
    await this.list(prefix);
  }

  /**
   * Outside the layout: look up to two folders down for AWSLogs/ (a trail's own key prefix). Where a folder holds
   * AWSLogs/, only that is followed (its siblings are other logs sharing the bucket); elsewhere every folder is
   * listed whole and its keys pruned by their paths.
   */
  private async walkUnknown(prefix: string, depth = 0): Promise<void> {
    const folders = await this.list(prefix, '/');
    const layout = folders.filter((f) => lastSeg(f) === 'AWSLogs');
    if (layout.length) {
      this.out.prunedPrefixes += folders.length - layout.length;
      await Promise.all(layout.map((f) => this.walk(f)));
    } else {
      await Promise.all(folders.map((f) => (depth < 1 ? this.walkUnknown(f, depth + 1) : this.list(f))));
    }
  }
}

/**
 * Lists the CloudTrail log files under s3://bucket/prefix that can hold events the filter wants. `prefix` may be
 * empty, a folder above AWSLogs/, or any folder inside the layout (an org, an account, a region, a day ...).
 */
export async function listS3Logs(url: string, filter: LogFilter, opts: S3Options = {}): Promise<S3Listing> {
  const { bucket, prefix } = parseS3Url(url);
  const client = s3Client(opts);
  const lister = new Lister(client, bucket, filter, opts.concurrency ?? DEFAULT_CONCURRENCY, opts.pageSize);
  try {
    // A log file's key lists just that file; any other prefix is read as a folder.
    if (LOG_NAME.test(prefix)) await lister.walkAll(prefix);
    else await lister.walk(prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`);
  } catch (err) {
    throw new UsageError(`${url}: cannot list: ${oneLine(err)}`);
  } finally {
    if (!opts.client) client.destroy();
  }
  lister.out.objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return lister.out;
}

/** What downloadS3Objects needs of an object: its URL, and optionally its size and ETag (checked). */
export interface S3ObjectRef {
  url: string;
  size?: number;
  etag?: string;
}

export type S3Download<T extends S3ObjectRef> = { object: T; path: string } | { object: T; error: string };

/** A local file name for an object: unique per URL, keeping the key's base name (so `.json.gz` stays). */
export function localName(url: string): string {
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 16);
  return `${hash}-${basename(url).replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/**
 * Downloads objects into destDir, `concurrency` at a time, each streamed straight to disk (written to a
 * `.part` file, renamed when whole). Yields each object as it lands, with its path or a one-line error; a failed
 * object never stops the others. Stopping the iteration early stops starting new downloads.
 */
export async function* downloadS3Objects<T extends S3ObjectRef>(
  objects: readonly T[],
  destDir: string,
  opts: S3Options = {},
): AsyncGenerator<S3Download<T>> {
  mkdirSync(destDir, { recursive: true });
  const client = s3Client(opts);
  const concurrency = Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY);
  const done: S3Download<T>[] = [];
  let wake: (() => void) | undefined;
  let next = 0;
  let running = 0;
  let stopped = false;

  const startMore = () => {
    while (!stopped && running < concurrency && next < objects.length) {
      const object = objects[next++]!;
      running++;
      void downloadOne(client, object, destDir).then((r) => {
        running--;
        done.push(r);
        wake?.();
        startMore();
      });
    }
  };

  try {
    startMore();
    let yielded = 0;
    while (yielded < objects.length) {
      if (done.length === 0) await new Promise<void>((r) => (wake = r));
      wake = undefined;
      while (done.length) {
        yielded++;
        yield done.shift()!;
      }
    }
  } finally {
    stopped = true;
    while (running > 0) await new Promise<void>((r) => (wake = r));
    // Downloads finished after the consumer stopped are not handed over: remove their files.
    for (const d of done) if ('path' in d) rmSync(d.path, { force: true });
    if (!opts.client) client.destroy();
  }
}

const ATTEMPTS = 3;

async function downloadOne<T extends S3ObjectRef>(client: S3Client, object: T, destDir: string): Promise<S3Download<T>> {
  const { bucket, prefix: key } = parseS3Url(object.url);
  const path = join(destDir, localName(object.url));
  const part = `${path}.part`;
  let last = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const res = await client.send(
        // IfMatch: an object replaced since it was listed fails instead of being read under the old ETag.
        new GetObjectCommand({ Bucket: bucket, Key: key, ...(object.etag ? { IfMatch: `"${object.etag.replaceAll('"', '')}"` } : {}) }),
      );
      await pipeline(res.Body as Readable, createWriteStream(part));
      const bytes = statSync(part).size;
      if (object.size !== undefined && bytes !== object.size) throw new Error(`got ${bytes} bytes, listed ${object.size}`);
      renameSync(part, path);
      return { object, path };
    } catch (err) {
      rmSync(part, { force: true });
      last = oneLine(err) || (err as { name?: string }).name || 'unknown error';
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // Not found, forbidden or changed since listing: retrying cannot help.
      if (status === 403 || status === 404 || status === 412) break;
    }
  }
  return { object, error: last };
}
