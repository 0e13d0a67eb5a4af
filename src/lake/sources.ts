/**
 * Turns the user's sources (files, directories, globs, `-`) into the list of log files to consider,
 * pruned by the S3 delivery layout found in their paths. S3 sources are listed by s3.ts.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, statSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UsageError } from '../util/errors.js';
import { keepPath, parseLogPath, type LogFilter } from './layout.js';

/** A log file to ingest: where to read it locally, and the key the manifest remembers it by. */
export interface LogFile {
  /** Manifest key: absolute path, s3://bucket/key or stdin:<sha256>. */
  key: string;
  /** Local path to read (for S3: filled in once downloaded). */
  path?: string;
  size: number;
  /** mtime in ms for files, ETag for S3 objects, content hash for stdin. */
  version: string;
}

export interface Listing {
  files: LogFile[];
  digests: number;
  pruned: number;
  /** Files in directories skipped because their names are not log files (README, .txt ...). */
  ignored: number;
}

/** Names taken from directories; a file named explicitly is always taken. */
const LOG_NAME = /\.(json|jsonl|ndjson)(\.gz)?$|\.gz$/i;

function isDigest(path: string): boolean {
  return /CloudTrail-Digest/.test(path);
}

function fileEntry(path: string): LogFile {
  const st = statSync(path);
  return { key: resolve(path), path: resolve(path), size: st.size, version: String(Math.trunc(st.mtimeMs)) };
}

function walk(dir: string, out: string[]): void {
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    // Symbolic links are followed (archives are often assembled from links).
    const kind = ent.isSymbolicLink() ? statSync(p, { throwIfNoEntry: false }) : ent;
    if (kind?.isDirectory()) walk(p, out);
    else if (kind?.isFile()) out.push(p);
  }
}

/** Lists local sources (files, directories at any depth, globs), applying layout pruning and skipping digests. */
export async function listLocal(sources: string[], filter: LogFilter): Promise<Listing> {
  const listing: Listing = { files: [], digests: 0, pruned: 0, ignored: 0 };
  const seen = new Set<string>();
  const consider = (path: string, explicit: boolean) => {
    const abs = resolve(path);
    if (seen.has(abs)) return;
    seen.add(abs);
    if (isDigest(abs)) {
      listing.digests++;
      return;
    }
    if (!explicit && !LOG_NAME.test(abs)) {
      listing.ignored++;
      return;
    }
    const parsed = parseLogPath(abs);
    if (parsed && !keepPath(parsed, filter)) {
      listing.pruned++;
      return;
    }
    listing.files.push(fileEntry(abs));
  };
  for (const src of sources) {
    if (isDynamicPattern(src)) {
      const matches = await glob(src, { absolute: true, onlyFiles: true, dot: false });
      if (matches.length === 0) throw new UsageError(`${src}: the pattern matches no files`);
      matches.sort().forEach((m) => consider(m, false));
    } else if (!existsSync(src)) {
      throw new UsageError(`${src}: no such file or directory`);
    } else if (statSync(src).isDirectory()) {
      const all: string[] = [];
      walk(src, all);
      all.sort().forEach((f) => consider(f, false));
    } else {
      consider(src, true);
    }
  }
  return listing;
}

/** Copies standard input to a file in dir; its key is the content's hash, so the same input is ingested once. */
export async function stdinToFile(dir: string, input: NodeJS.ReadableStream = process.stdin): Promise<LogFile> {
  const tmp = join(dir, `stdin-${process.pid}.log`);
  const hash = createHash('sha256');
  let size = 0;
  input.on('data', (c: Buffer) => {
    hash.update(c);
    size += c.length;
  });
  await pipeline(input, createWriteStream(tmp));
  const digest = hash.digest('hex');
  return { key: `stdin:${digest}`, path: tmp, size, version: digest };
}
