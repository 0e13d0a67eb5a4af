/**
 * The directory source: log files appearing anywhere under a directory (.json, .json.gz, .ndjson, .jsonl; the
 * names `vigil lake ingest` takes from directories). A file is handed out once its size and mtime are the same in
 * two scans, so one still being written is not read half-way. Items carry the lake's own keys (absolute path,
 * mtime as version), so the manifest recognises a file ingested by `lake ingest` and the other way round.
 * The checkpoint holds each acked file's size and mtime; a file changed since is handed out again.
 */
import { resolve } from 'node:path';
import { listLocal, type LogFile } from '../../lake/sources.js';
import { UsageError, VigilError, oneLine } from '../../util/errors.js';
import type { Source, SourceItem } from '../source.js';
import { CoalescedWriter, newStats, sleep, type CheckpointCtx, type SourceCtx } from './common.js';
import type { DirSourceConfig } from './config.js';

const CHECKPOINT = 'acked';

/** A file's state as compared between scans and stored on ack. */
const mark = (f: LogFile) => `${f.size}:${f.version}`;

export class DirSource implements Source {
  readonly name: string;
  readonly done = false;
  readonly stats = newStats();
  private readonly root: string;
  private readonly writer: CoalescedWriter;
  /** Acked files: absolute path → mark. */
  private acked = new Map<string, string>();
  /** What the last scan saw of files not yet handed out: path → mark. */
  private seen = new Map<string, string>();
  private readonly inflight = new Set<string>();
  private loaded = false;
  private scanned = false;
  private lastScan = 0;

  constructor(
    private readonly cfg: DirSourceConfig,
    private readonly ctx: SourceCtx & { checkpoint: CheckpointCtx },
  ) {
    this.root = resolve(cfg.path);
    this.name = cfg.name ?? `dir:${cfg.path}`;
    this.writer = new CoalescedWriter(ctx.checkpoint, CHECKPOINT, () => Object.fromEntries(this.acked), (e) => {
      this.stats.errors++;
      ctx.log(`${this.name}: checkpoint not saved: ${oneLine(e)}`);
    });
  }

  /** Scans until some file is stable, or a scan finds nothing waiting; scans are intervalSeconds apart. */
  async next(signal: AbortSignal): Promise<SourceItem[]> {
    if (!this.loaded) {
      this.acked = new Map(Object.entries(((await this.ctx.checkpoint.get(CHECKPOINT)) ?? {}) as Record<string, string>));
      this.loaded = true;
    }
    for (;;) {
      await sleep(this.lastScan + this.cfg.intervalSeconds * 1000 - Date.now(), signal);
      if (signal.aborted) return [];
      this.lastScan = Date.now();
      const files = await this.scan();
      if (!files) return [];
      const ready: LogFile[] = [];
      let waiting = 0;
      const seen = new Map<string, string>();
      for (const f of files) {
        const m = mark(f);
        // Empty files are not waited for (they may stay empty); they are taken once written.
        if (f.size === 0 || this.inflight.has(f.key) || this.acked.get(f.key) === m) continue;
        if (this.seen.get(f.key) === m) ready.push(f);
        else waiting++;
        seen.set(f.key, m);
      }
      this.seen = seen;
      this.forgetMissing(files);
      if (ready.length) return this.items(ready);
      if (!waiting) return [];
    }
  }

  private async scan(): Promise<LogFile[] | undefined> {
    try {
      const files = (await listLocal([this.root], {})).files;
      this.scanned = true;
      return files;
    } catch (e) {
      // A directory that is not there at the start is a wrong setting; one that goes away later, an incident.
      if (!this.scanned) throw e instanceof UsageError ? new UsageError(`${this.name}: ${e.message}`) : new VigilError(`${this.name}: ${oneLine(e)}`);
      this.stats.errors++;
      this.ctx.log(`${this.name}: scan failed: ${oneLine(e)}; retrying`);
      return undefined;
    }
  }

  /** Files removed from the directory leave the checkpoint (it stays as large as the directory, no larger). */
  private forgetMissing(files: LogFile[]): void {
    if (!this.acked.size) return;
    const present = new Set(files.map((f) => f.key));
    let dropped = 0;
    for (const k of this.acked.keys()) if (!present.has(k) && this.acked.delete(k)) dropped++;
    if (dropped) void this.writer.save();
  }

  private items(files: LogFile[]): SourceItem[] {
    const arrivedAt = Date.now();
    this.stats.received += files.length;
    const newest = Math.max(...files.map((f) => Number(f.version)));
    this.stats.lagSeconds = Math.max(0, (arrivedAt - newest) / 1000);
    return files.map((f) => {
      this.inflight.add(f.key);
      this.seen.delete(f.key);
      let settled = false;
      const settle = () => {
        if (settled) return false;
        settled = true;
        this.inflight.delete(f.key);
        return true;
      };
      return {
        id: f.key,
        file: f,
        arrivedAt,
        ack: async () => {
          if (!settle()) return;
          this.stats.acked++;
          this.acked.set(f.key, mark(f));
          await this.writer.save();
        },
        nack: async () => {
          // Seen again (still stable) at the next scan.
          if (settle()) this.stats.nacked++;
        },
      };
    });
  }

  async close(): Promise<void> {
    await this.writer.flush();
  }
}
