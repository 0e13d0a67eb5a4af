/**
 * The contract between the watch daemon and where new CloudTrail arrives (SQS with S3 notifications or
 * EventBridge events, S3 polling, a local directory, stdin). A source hands out items; the daemon stores each
 * item's events and queues its alerts, then acks it. An item that is never acked comes back (SQS visibility
 * timeout, checkpoints that only advance on ack), which is what makes delivery at-least-once and, with the
 * lake's manifest and the outbox's stable ids, effectively once.
 */
import type { LogFile } from '../lake/sources.js';

export interface SourceItem {
  /** Unique within the source (S3 key, message id + index, path) — for logs and metrics. */
  id: string;
  /** A log file, already on local disk (`file.path` set), keyed as the lake's manifest expects. */
  file?: LogFile;
  /** Events that arrived without a file (EventBridge messages, stdin NDJSON). */
  events?: Record<string, unknown>[];
  /** When vigil learnt of it (ms since epoch): the start of file-to-alert latency. */
  arrivedAt: number;
  /** Marks the item done (its events stored, its alerts in the outbox). Idempotent. */
  ack(): Promise<void>;
  /** Gives the item back for a later retry (e.g. resets an SQS message's visibility). */
  nack(reason: string): Promise<void>;
}

export interface SourceStats {
  received: number;
  acked: number;
  nacked: number;
  errors: number;
  /** Seconds between the newest item's creation upstream (S3 event time, file mtime) and its receipt. */
  lagSeconds: number;
}

export interface Source {
  readonly name: string;
  /**
   * Waits for the next items (long poll); returns [] when nothing came within the poll or `signal` aborted.
   * Errors reaching AWS are counted in stats and retried, not thrown, unless the source cannot work at all
   * (bad queue URL, no such directory), which throws a VigilError naming the setting.
   */
  next(signal: AbortSignal): Promise<SourceItem[]>;
  /** True when the source can never produce more (stdin at EOF, a one-shot directory scan). */
  readonly done: boolean;
  readonly stats: SourceStats;
  close(): Promise<void>;
}
