/**
 * Format detection and normalisation of CloudTrail log files. The common case — a delivery file
 * `{"Records":[...]}` (gzip or plain) — is read by DuckDB directly (fast path). Every other shape
 * (bare arrays, NDJSON, EventBridge/CloudWatch Events envelopes, Logstash/Elasticsearch exports without
 * eventTime) is parsed here and rewritten as a Records file so one SQL path loads everything.
 */
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip, gunzipSync, constants } from 'node:zlib';
import { isoSeconds } from '../util/time.js';

export type LogFormat = 'records' | 'array' | 'ndjson' | 'eventbridge' | 'single';
export type Compression = 'gzip' | 'none';

export interface Sniffed {
  compression: Compression;
  /** 'records' when the file starts with {"Records": — the fast path; otherwise undecided until parsed. */
  fastPath: boolean;
  /**
   * No line break inside what was read of the file (delivery files are one line of JSON). DuckDB reads such a
   * file as newline-delimited JSON, markedly faster than scanning for the end of an unstructured document.
   */
  oneLine: boolean;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** A file's problem, stated in one line (the caller prefixes the file name). */
export class BadLogFile extends Error {}

/** Looks at a file's first bytes: compression, and whether DuckDB can read it as a Records file. */
export async function sniffFile(path: string, size: number): Promise<Sniffed> {
  if (size === 0) throw new BadLogFile('empty file');
  const fh = await open(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(Math.min(size, 16 * 1024));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const gz = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  const text = gz ? gunzipHead(head) : head.toString('utf8');
  const start = text.trimStart();
  if (start.length === 0) throw new BadLogFile(gz ? 'empty file (gzip of nothing)' : 'empty file (only whitespace)');
  if (start[0] !== '{' && start[0] !== '[') throw new BadLogFile(`not JSON (starts with ${JSON.stringify(start.slice(0, 12))})`);
  return { compression: gz ? 'gzip' : 'none', fastPath: /^\{\s*"Records"\s*:\s*\[/.test(start), oneLine: !/\n\s*\S/.test(start) };
}

/**
 * The start of a gzip file, decompressed from its first KB (a corrupt header is reported as such): some KB of
 * JSON, enough to tell the format. More costs more than the read itself, over thousands of files.
 */
function gunzipHead(head: Buffer): string {
  try {
    // Z_SYNC_FLUSH: decompress what these bytes hold without requiring the end of the stream.
    return gunzipSync(head.subarray(0, 1024), { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
  } catch (e) {
    throw new BadLogFile(`corrupt gzip (${(e as Error).message})`);
  }
}

/** Known wrappers around a CloudTrail record: EventBridge `detail`, exports' `record`/`_source`. */
const ENVELOPE_KEYS = ['detail', 'record', '_source'] as const;

function isRecord(o: unknown): o is Record<string, unknown> {
  return typeof o === 'object' && o !== null && !Array.isArray(o);
}

function looksLikeCloudTrail(o: Record<string, unknown>): boolean {
  return typeof o.eventName === 'string' && typeof o.eventSource === 'string';
}

/** Unwraps one element into a CloudTrail record, or says why it is not one. */
function normaliseElement(el: unknown, where: string): { record: Record<string, unknown>; envelope: boolean } {
  if (!isRecord(el)) throw new BadLogFile(`${where}: not a JSON object`);
  let rec = el;
  let envelope = false;
  if (!looksLikeCloudTrail(rec)) {
    for (const k of ENVELOPE_KEYS) {
      const inner = rec[k];
      if (isRecord(inner) && looksLikeCloudTrail(inner)) {
        rec = inner;
        envelope = true;
        break;
      }
    }
  }
  if (!looksLikeCloudTrail(rec)) throw new BadLogFile(`${where}: not a CloudTrail record (no eventName/eventSource)`);
  const out: Record<string, unknown> = { ...rec };
  if (typeof out.eventTime !== 'string') {
    // Exports such as Logstash's carry the time only as @timestamp (with milliseconds).
    const ts = out['@timestamp'] ?? (isRecord(el) ? (el as Record<string, unknown>).time : undefined);
    if (typeof ts !== 'string' || Number.isNaN(Date.parse(ts))) throw new BadLogFile(`${where}: no eventTime or @timestamp`);
    out.eventTime = isoSeconds(new Date(ts));
  }
  if (typeof out.eventID !== 'string') {
    // Without an id the record could not be de-duplicated; a hash of its content is stable across re-ingests.
    out.eventID = 'vigil-' + createHash('sha256').update(JSON.stringify(rec)).digest('hex').slice(0, 32);
  }
  return { record: out, envelope };
}

export interface ParsedLog {
  format: LogFormat;
  records: Record<string, unknown>[];
}

const gunzipAsync = promisify(gunzip);

/**
 * Parses a whole file of any supported shape into CloudTrail records (all or nothing, with the reason).
 * `detect` tells gzip by its magic bytes. The file's faults are BadLogFile; failing to read it at all (I/O) is
 * not, so a caller can retry that. Unzipping runs on libuv's threads, beside the caller's parsing.
 */
export async function parseLogFile(path: string, compression: Compression | 'detect', maxBytes = Infinity): Promise<ParsedLog> {
  let buf = await readFile(path);
  const gzipped = compression === 'detect' ? buf[0] === 0x1f && buf[1] === 0x8b : compression === 'gzip';
  try {
    if (gzipped) buf = await gunzipAsync(buf);
    if (buf.length > maxBytes) throw new BadLogFile(`oversized file (${buf.length} bytes > lake.maxObjectBytes)`);
    return parseLogText(buf.toString('utf8'));
  } catch (e) {
    if (e instanceof BadLogFile) throw e;
    if (e instanceof RangeError || (e as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG') throw new BadLogFile('oversized file');
    throw new BadLogFile(`corrupt gzip (${(e as Error).message})`);
  }
}

export function parseLogText(text: string): ParsedLog {
  const trimmed = text.trim();
  if (!trimmed) throw new BadLogFile('empty file');
  let whole: unknown;
  let wholeError: Error | undefined;
  try {
    whole = JSON.parse(trimmed);
  } catch (e) {
    wholeError = e as Error;
  }
  if (wholeError === undefined) {
    if (Array.isArray(whole)) return fromElements('array', whole);
    if (isRecord(whole) && Array.isArray(whole.Records)) return fromElements('records', whole.Records);
    if (isRecord(whole)) {
      const { record, envelope } = normaliseElement(whole, 'document');
      return { format: envelope ? 'eventbridge' : 'single', records: [record] };
    }
    throw new BadLogFile('not a CloudTrail document (a JSON scalar)');
  }
  // Not one JSON document: NDJSON, one record a line.
  const lines = trimmed.split('\n');
  if (lines.length < 2) throw new BadLogFile(`truncated or invalid JSON (${wholeError.message})`);
  const els: unknown[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    try {
      els.push(JSON.parse(line));
    } catch (e) {
      throw new BadLogFile(`line ${i + 1}: invalid JSON (${(e as Error).message})`);
    }
  }
  return fromElements('ndjson', els);
}

function fromElements(format: LogFormat, els: unknown[]): ParsedLog {
  const records: Record<string, unknown>[] = [];
  let envelopes = 0;
  els.forEach((el, i) => {
    const { record, envelope } = normaliseElement(el, format === 'ndjson' ? `line ${i + 1}` : `record ${i + 1}`);
    if (envelope) envelopes++;
    records.push(record);
  });
  return { format: envelopes > 0 && envelopes === els.length && format !== 'records' ? 'eventbridge' : format, records };
}
