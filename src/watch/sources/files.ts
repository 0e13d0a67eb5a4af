/**
 * Downloaded objects on local disk, counted by reference: a file stays while some item handed out still needs it
 * (the same object named twice shares one file) and is removed when the last one is acked or nacked.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';

export interface LocalFile {
  path: string;
  size: number;
  /** The object's ETag (the lake manifest's version of an S3 object). */
  version: string;
}

export class LocalFiles {
  private readonly entries = new Map<string, LocalFile & { refs: number }>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** The file of url when it is on disk, with one more reference; undefined when it must be downloaded. */
  acquire(url: string): LocalFile | undefined {
    const e = this.entries.get(url);
    if (!e) return undefined;
    e.refs++;
    return e;
  }

  /** Registers a file just downloaded, with `refs` references. */
  add(url: string, path: string, version: string, refs = 1): LocalFile {
    const e = { path, size: statSync(path).size, version, refs };
    this.entries.set(url, e);
    return e;
  }

  get(url: string): LocalFile | undefined {
    return this.entries.get(url);
  }

  release(url: string): void {
    const e = this.entries.get(url);
    if (!e || --e.refs > 0) return;
    this.entries.delete(url);
    rmSync(e.path, { force: true });
  }

  clear(): void {
    for (const e of this.entries.values()) rmSync(e.path, { force: true });
    this.entries.clear();
  }
}
