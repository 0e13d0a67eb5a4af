/**
 * The S3 polling source, for trails without notifications: every interval it lists, for each account/region folder
 * (organization trails too; found by delimiter listing, again every discoverMinutes), the day folders of the last
 * `lookbackDays` days and today, and hands out the objects not acked before.
 * The acked keys are the checkpoint (kept per day, dropped once the day leaves the window), so a restarted daemon
 * resumes without reading old files again; keys handed out but not acked come back at the next poll.
 */
import { join } from 'node:path';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { dayOf, nextDay, parseLogPath, type LogFilter } from '../../lake/layout.js';
import { downloadS3Objects, listS3Logs, parseS3Url, s3Client, s3Url, type S3Object } from '../../lake/s3.js';
import { VigilError, oneLine } from '../../util/errors.js';
import type { Source, SourceItem } from '../source.js';
import { CoalescedWriter, errorName, isPermanent, newStats, sleep, type CheckpointCtx, type SourceCtx } from './common.js';
import type { S3PollSourceConfig } from './config.js';
import { LocalFiles } from './files.js';
import { regionFolders } from './s3layout.js';

const DAY_MS = 86_400_000;
const CHECKPOINT = 'acked';

/** The checkpoint: acked keys with their delivery day ('' outside the layout: never dropped). */
interface Acked {
  keys: Record<string, string>;
}

export class S3PollSource implements Source {
  readonly name: string;
  readonly done = false;
  readonly stats = newStats();
  private readonly s3: S3Client;
  private readonly files: LocalFiles;
  private readonly writer: CoalescedWriter;
  private acked = new Map<string, string>();
  private readonly inflight = new Set<string>();
  private loaded = false;
  private checked = false;
  private lastPoll = 0;
  /** Region folders to poll (undefined: not found yet, or the prefix is not in the layout). */
  private regions?: string[];
  private discoveredAt = 0;
  /** More new objects than maxFiles were found: poll again at once. */
  private backlog = false;
  private closed = false;

  constructor(
    private readonly cfg: S3PollSourceConfig,
    private readonly ctx: SourceCtx & { checkpoint: CheckpointCtx },
  ) {
    this.name = cfg.name ?? cfg.url;
    const { aws } = ctx;
    this.s3 = s3Client({ endpoint: cfg.endpoint ?? aws.endpoint, region: aws.region, profile: aws.profile, credentials: ctx.credentials, concurrency: cfg.concurrency });
    this.files = new LocalFiles(join(ctx.workDir, 's3poll'));
    this.writer = new CoalescedWriter(ctx.checkpoint, CHECKPOINT, () => ({ keys: Object.fromEntries(this.acked) }) satisfies Acked, (e) => {
      this.stats.errors++;
      ctx.log(`${this.name}: checkpoint not saved: ${oneLine(e)}`);
    });
  }

  async next(signal: AbortSignal): Promise<SourceItem[]> {
    if (this.closed) return [];
    if (!this.loaded) {
      const saved = (await this.ctx.checkpoint.get(CHECKPOINT)) as Acked | undefined;
      this.acked = new Map(Object.entries(saved?.keys ?? {}));
      this.loaded = true;
    }
    if (!this.backlog) await sleep(this.lastPoll + this.cfg.intervalSeconds * 1000 - Date.now(), signal);
    if (signal.aborted) return [];
    this.lastPoll = Date.now();
    if (!this.checked) await this.check();
    const since = new Date(Date.now() - this.cfg.lookbackDays * DAY_MS);
    const filter: LogFilter = { since, accounts: this.cfg.accounts, regions: this.cfg.regions };
    let objects: S3Object[];
    try {
      objects = await this.list(filter);
    } catch (e) {
      this.stats.errors++;
      this.ctx.log(`${this.name}: listing failed: ${oneLine(e)}; retrying at the next poll`);
      return [];
    }
    this.forgetBefore(dayOf(since));
    const fresh = objects.filter((o) => !this.acked.has(o.key) && !this.inflight.has(o.key));
    this.backlog = fresh.length > this.cfg.maxFiles;
    return this.download(fresh.slice(0, this.cfg.maxFiles), signal);
  }

  /**
   * Lists the window's day folders of each region folder (found again every discoverMinutes, for new accounts and
   * regions); a prefix outside the layout is listed whole.
   */
  private async list(filter: LogFilter): Promise<S3Object[]> {
    const { bucket, prefix } = parseS3Url(this.cfg.url);
    if (!this.discoveredAt || Date.now() - this.discoveredAt >= this.cfg.discoverMinutes * 60_000) {
      const first = !this.discoveredAt;
      this.regions = await regionFolders(this.s3, bucket, prefix, filter, this.cfg.concurrency);
      this.discoveredAt = Date.now();
      if (first && this.regions === undefined) this.ctx.log(`${this.name}: not a CloudTrail layout (AWSLogs/<account>/CloudTrail/<region>/): listed whole at each poll`);
    }
    const opts = { client: this.s3, concurrency: this.cfg.concurrency };
    if (this.regions === undefined) return (await listS3Logs(this.cfg.url, filter, opts)).objects;
    const days: string[] = [];
    for (let d = dayOf(filter.since!); d <= dayOf(new Date()); d = nextDay(d)) days.push(d.replaceAll('-', '/'));
    const limit = pLimit(this.cfg.concurrency);
    const listings = await Promise.all(
      this.regions.flatMap((r) => days.map((d) => limit(() => listS3Logs(s3Url(bucket, `${r}${d}/`), filter, { ...opts, concurrency: 1 })))),
    );
    return listings.flatMap((l) => l.objects);
  }

  /** The first poll checks the bucket can be listed at all; a missing bucket or a denial stops the daemon. */
  private async check(): Promise<void> {
    const { bucket, prefix } = parseS3Url(this.cfg.url);
    try {
      await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }));
      this.checked = true;
    } catch (e) {
      if (isPermanent(e)) throw new VigilError(`${this.name}: cannot list ${this.cfg.url}: ${errorName(e)}: ${oneLine(e)}`);
      // Anything else (network, throttling) is retried by the listing itself.
    }
  }

  /** Acked keys of days before the window are never listed again: dropped from the checkpoint. */
  private forgetBefore(day: string): void {
    let dropped = 0;
    for (const [k, d] of this.acked) if (d && d < day && this.acked.delete(k)) dropped++;
    if (dropped) void this.writer.save();
  }

  private async download(objects: S3Object[], signal: AbortSignal): Promise<SourceItem[]> {
    const items: SourceItem[] = [];
    const arrivedAt = Date.now();
    for await (const d of downloadS3Objects(objects, this.files.dir, { client: this.s3, concurrency: this.cfg.concurrency })) {
      if ('error' in d) {
        this.stats.errors++;
        this.ctx.log(`${this.name}: ${d.object.url}: ${d.error}; retrying at the next poll`);
        continue;
      }
      const o = d.object;
      const local = this.files.add(o.url, d.path, o.etag);
      this.inflight.add(o.key);
      if (o.lastModified) this.stats.lagSeconds = Math.max(0, (arrivedAt - o.lastModified.getTime()) / 1000);
      items.push(this.item(o, local.path, arrivedAt));
      if (signal.aborted) break;
    }
    this.stats.received += items.length;
    return items;
  }

  private item(o: S3Object, path: string, arrivedAt: number): SourceItem {
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      this.inflight.delete(o.key);
      this.files.release(o.url);
      return true;
    };
    return {
      id: o.url,
      file: { key: o.url, path, size: o.size, version: o.etag },
      arrivedAt,
      ack: async () => {
        if (!settle()) return;
        this.stats.acked++;
        this.acked.set(o.key, parseLogPath(o.key)?.date ?? '');
        await this.writer.save();
      },
      nack: async () => {
        // Not acked, not in flight: the next listing hands it out again.
        if (settle()) this.stats.nacked++;
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer.flush();
    this.files.clear();
    this.s3.destroy();
  }
}
