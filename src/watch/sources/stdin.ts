/**
 * The stdin source: CloudTrail on standard input, gzip or plain. When the first line is a JSON document on its own
 * the input is read as NDJSON (one record, EventBridge event or Records file a line) and records are handed out as
 * they arrive, so `tail -f | vigil watch -` works; otherwise the whole input is one document (a pretty-printed
 * Records file, an array), handed out at EOF. A nacked item's records are handed out again. Done at EOF once every
 * item is acked.
 */
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { BadLogFile, parseLogText } from '../../lake/formats.js';
import { oneLine } from '../../util/errors.js';
import type { Source, SourceItem } from '../source.js';
import { newStats, type SourceCtx } from './common.js';
import type { StdinSourceConfig } from './config.js';

type Rec = Record<string, unknown>;
/** Bad lines reported one by one up to this many; the rest are only counted. */
const MAX_REPORTED = 20;

export class StdinSource implements Source {
  readonly name: string;
  readonly stats = newStats();
  private buffer: Rec[] = [];
  private eof = false;
  private inflight = 0;
  private serial = 0;
  private waiters: (() => void)[] = [];
  private readonly reading: Promise<void>;
  private input?: NodeJS.ReadableStream;

  constructor(
    private readonly cfg: StdinSourceConfig,
    private readonly ctx: SourceCtx,
  ) {
    this.name = cfg.name ?? 'stdin';
    this.input = ctx.input ?? process.stdin;
    this.reading = this.read(this.input).catch((e) => {
      this.stats.errors++;
      ctx.log(`${this.name}: read failed: ${oneLine(e)}`);
    }).finally(() => {
      this.eof = true;
      this.wake();
    });
  }

  get done(): boolean {
    return this.eof && this.buffer.length === 0 && this.inflight === 0;
  }

  async next(signal: AbortSignal): Promise<SourceItem[]> {
    for (;;) {
      if (this.buffer.length) return [this.item(this.buffer.splice(0, this.cfg.maxBatch))];
      if (this.done || signal.aborted) return [];
      await this.waitForChange(signal);
    }
  }

  private item(records: Rec[]): SourceItem {
    const arrivedAt = Date.now();
    this.inflight++;
    this.stats.received++;
    const newest = Math.max(0, ...records.map((r) => Date.parse(String(r.eventTime))).filter((t) => !Number.isNaN(t)));
    if (newest) this.stats.lagSeconds = Math.max(0, (arrivedAt - newest) / 1000);
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      this.inflight--;
      return true;
    };
    return {
      id: `stdin:${++this.serial}`,
      events: records,
      arrivedAt,
      ack: async () => {
        if (!settle()) return;
        this.stats.acked++;
        this.wake();
      },
      nack: async () => {
        if (!settle()) return;
        // Standard input cannot be read again: the records wait here for the next try.
        this.stats.nacked++;
        this.buffer.unshift(...records);
        this.wake();
      },
    };
  }

  private waitForChange(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async read(input: NodeJS.ReadableStream): Promise<void> {
    const it = (input as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
    const head = await it.next();
    if (head.done) return;
    const first = Buffer.from(head.value);
    const rest = async function* () {
      yield first;
      for (let r = await it.next(); !r.done; r = await it.next()) yield Buffer.from(r.value);
    };
    const gz = first[0] === 0x1f && first[1] === 0x8b;
    const bytes: AsyncIterable<Buffer> = gz ? Readable.from(rest()).pipe(createGunzip()) : rest();
    const decoder = new StringDecoder('utf8');
    let mode: 'lines' | 'whole' | undefined;
    let partial = '';
    let whole = '';
    let lineNo = 0;
    for await (const chunk of bytes) {
      const text = decoder.write(chunk);
      if (mode === 'whole') {
        whole += text;
        continue;
      }
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        lineNo++;
        if (mode === 'whole') {
          whole += `${line}\n`;
          continue;
        }
        if (!line.trim()) continue;
        if (mode === undefined) mode = isJson(line) ? 'lines' : 'whole';
        if (mode === 'whole') whole += `${line}\n`;
        else this.addText(line, `line ${lineNo}`);
      }
      if (mode === 'whole') {
        whole += partial;
        partial = '';
      }
      this.wake();
    }
    const tail = partial + decoder.end();
    if (mode === 'whole' || (mode === undefined && !isJson(tail))) this.addText(whole + tail, 'input');
    else if (tail.trim()) this.addText(tail, `line ${lineNo + 1}`);
  }

  private reported = 0;

  private addText(text: string, where: string): void {
    if (!text.trim()) return;
    try {
      this.buffer.push(...parseLogText(text).records);
    } catch (e) {
      if (!(e instanceof BadLogFile)) throw e;
      this.stats.errors++;
      if (++this.reported <= MAX_REPORTED) this.ctx.log(`${this.name}: ${where}: ${e.message}; skipped`);
      else if (this.reported === MAX_REPORTED + 1) this.ctx.log(`${this.name}: more bad input; counted in errors, not reported`);
    }
  }

  async close(): Promise<void> {
    // Stops waiting for input that may never come (a terminal, an idle pipe).
    if (!this.eof && this.input && 'destroy' in this.input) (this.input as Readable).destroy();
    this.wake();
    await Promise.race([this.reading, new Promise((r) => setTimeout(r, 100))]);
  }
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
