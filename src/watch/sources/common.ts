/** What the watch sources share: their context, stats, abortable waits, and checkpoints written on ack. */
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Config } from '../../config/schema.js';
import type { CheckpointCtx } from '../deps.js';
import type { SourceStats } from '../source.js';

export type { CheckpointCtx };

export interface SourceCtx {
  aws: Config['aws'];
  /** Where downloaded objects are written (removed again once their item is acked or nacked). */
  workDir: string;
  log: (line: string) => void;
  /** Durable state (S3 poller, directory); default: in memory, lost on restart. */
  checkpoint?: CheckpointCtx;
  /** Static credentials (simulated AWS, tests) instead of the standard chain. */
  credentials?: AwsCredentialIdentity;
  /** Standard input for the stdin source (tests); default process.stdin. */
  input?: NodeJS.ReadableStream;
}

/** A checkpoint kept in memory: for tests, and for sources run without a store. */
export function memoryCheckpoint(): CheckpointCtx & { values: Map<string, unknown> } {
  const values = new Map<string, unknown>();
  return {
    values,
    async get(name) {
      const v = values.get(name);
      return v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as unknown);
    },
    async set(name, value) {
      values.set(name, JSON.parse(JSON.stringify(value ?? null)) as unknown);
    },
  };
}

export function newStats(): SourceStats {
  return { received: 0, acked: 0, nacked: 0, errors: 0, lagSeconds: 0 };
}

/** Waits ms, or less when the signal aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * A checkpoint value written behind the acks: at most one write in flight and one queued, so a burst of acks costs
 * two writes. A write lost to a crash only means items handed out again, which the lake manifest recognises.
 */
export class CoalescedWriter {
  private writing?: Promise<void>;
  private dirty = false;

  constructor(
    private readonly checkpoint: CheckpointCtx,
    private readonly key: string,
    private readonly value: () => unknown,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** Schedules a write of the current value; resolves when a write that includes it has finished. */
  save(): Promise<void> {
    this.dirty = true;
    this.writing ??= this.loop().finally(() => (this.writing = undefined));
    return this.writing;
  }

  private async loop(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      try {
        await this.checkpoint.set(this.key, this.value());
      } catch (e) {
        this.onError(e);
      }
    }
  }

  async flush(): Promise<void> {
    await this.writing;
  }
}

/** Reports a problem once per key (a bad message seen on every redelivery is logged the first time). */
export class OnceLog {
  private readonly seen = new Set<string>();
  constructor(private readonly log: (line: string) => void, private readonly max = 10_000) {}

  report(key: string, line: string): boolean {
    if (this.seen.has(key)) return false;
    if (this.seen.size >= this.max) this.seen.clear();
    this.seen.add(key);
    this.log(line);
    return true;
  }
}

/** An AWS error's name as the SDK gives it (QueueDoesNotExist, NoSuchBucket ...). */
export function errorName(e: unknown): string {
  const err = e as { name?: string; Code?: string };
  return err.name ?? err.Code ?? '';
}

/** AWS errors no retry can fix: the queue or bucket is wrong, or vigil may not use it. */
export function isPermanent(e: unknown): boolean {
  const err = e as { $fault?: string; $metadata?: { httpStatusCode?: number } };
  const codes = `${(e as { name?: string }).name} ${(e as { Code?: string }).Code}`;
  if (/QueueDoesNotExist|NonExistentQueue|NoSuchBucket|InvalidAddress|AccessDenied|InvalidSecurity|InvalidClientTokenId/.test(codes)) return true;
  const status = err.$metadata?.httpStatusCode;
  return err.$fault === 'client' && (status === 403 || status === 404);
}
