/** s3rver (an S3-compatible server in Node) for tests, with two of its bugs fixed so it behaves as S3 does. */
import { createRequire } from 'node:module';

export interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (opts: Record<string, unknown>) => S3rverInstance;
const require = createRequire(import.meta.url);
export const S3rver = require('s3rver') as S3rverClass;

/**
 * Two bugs of s3rver 3.7.1 fixed in this process, so the listing is judged against S3's behaviour:
 * - its continuation tokens use single DES, which OpenSSL 3 (Node 20) no longer has: DES = 3DES with K1=K2=K3;
 * - with a Delimiter it never descends below the first '/', so folders without a direct file are missing from
 *   CommonPrefixes: list without the delimiter, then group keys into common prefixes and page as S3 does.
 */
let patched = false;
export function patchS3rver(): void {
  if (patched) return;
  patched = true;
  const crypto = require('node:crypto') as Record<string, unknown>;
  const des = (fn: 'createCipheriv' | 'createDecipheriv') => {
    const orig = crypto[fn] as (...a: unknown[]) => unknown;
    crypto[fn] = (alg: string, key: Buffer, iv: Buffer, ...rest: unknown[]) =>
      alg === 'des' ? orig('des-ede3-cbc', Buffer.concat([key, key, key]), iv, ...rest) : orig(alg, key, iv, ...rest);
  };
  des('createCipheriv');
  des('createDecipheriv');
  type Listed = { objects: { key: string }[]; commonPrefixes: string[]; isTruncated: boolean };
  type Opts = { delimiter?: string; prefix?: string; maxKeys?: number; startAfter?: string };
  const Store = require('s3rver/lib/stores/filesystem') as { prototype: { listObjects(b: string, o: Opts): Promise<Listed> } };
  const list = Store.prototype.listObjects;
  Store.prototype.listObjects = async function (bucket: string, o: Opts): Promise<Listed> {
    const all = await list.call(this, bucket, { ...o, delimiter: '', maxKeys: Infinity });
    const prefix = o.prefix ?? '';
    const max = o.maxKeys ?? 1000;
    const out: Listed = { objects: [], commonPrefixes: [], isTruncated: false };
    for (const obj of all.objects) {
      const at = o.delimiter ? obj.key.indexOf(o.delimiter, prefix.length) : -1;
      const common = at >= 0 ? obj.key.slice(0, at + 1) : undefined;
      if (common && out.commonPrefixes.includes(common)) continue;
      if (out.objects.length + out.commonPrefixes.length >= max) {
        out.isTruncated = true;
        break;
      }
      if (common) out.commonPrefixes.push(common);
      else out.objects.push(obj);
    }
    return out;
  };
}

/** Starts a patched s3rver on 127.0.0.1 (a free port) with the given buckets. */
export async function startS3rver(directory: string, buckets: string[]): Promise<{ endpoint: string; close(): Promise<void> }> {
  patchS3rver();
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: buckets.map((name) => ({ name, configs: [] })) });
  const { port } = await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, close: () => server.close() };
}
