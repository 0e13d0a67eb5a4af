/** Reading back what the writers produced (tests, and checks on a generated archive). */
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface ArchiveFile {
  /** Path relative to the archive root, with `/` separators. */
  key: string;
  /** Uncompressed content. */
  text: string;
}

/** Every `.json` / `.json.gz` file under `dir`, sorted by key, uncompressed. */
export function readArchive(dir: string): ArchiveFile[] {
  const keys = (readdirSync(dir, { recursive: true }) as string[]).filter((k) => /\.json(\.gz)?$/.test(k)).sort();
  return keys.map((k) => {
    const raw = readFileSync(join(dir, k));
    return { key: k.split(sep).join('/'), text: (k.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8') };
  });
}
