/**
 * CloudMapper's on-disk layout, shared by the reader (cloudmapper-dir.ts) and the collector's writer, plus
 * vigil's two additions, which CloudMapper ignores:
 *
 * - `<region>/_vigil-errors.json`: the calls that failed in that region, as
 *   `{ "<service>-<call>": {status, error}, "<service>-<call>/<url-encoded param>": {status, error}, ... }`.
 *   A failed call has no response file, so without this a reader could not tell "denied" from "never collected".
 * - `vigil-snapshot.json` at the snapshot's root: id, time, accounts (id, name, partition, folder), regions.
 *
 * Parameter files are named with Python's `urllib.parse.quote_plus` as CloudMapper does; a call that takes
 * several parameters (ecs-describe-tasks: cluster, task) nests one folder per parameter.
 */
import type { CallResult, Partition, SnapshotAccount } from './types.js';

export const ERRORS_FILE = '_vigil-errors.json';
export const META_FILE = 'vigil-snapshot.json';

export type CallError = Exclude<CallResult, { status: 'ok' }>;

export interface SnapshotMeta {
  id: string;
  time: string;
  accounts: (SnapshotAccount & { folder: string; regions: string[] })[];
  /** Free-form extras (collector, coverage summary). */
  [k: string]: unknown;
}

const SAFE = /[A-Za-z0-9_.\-~]/;

/** Python's urllib.parse.quote_plus: what CloudMapper names parameter files with. */
export function quotePlus(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === ' ') out += '+';
    else if (SAFE.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function unquotePlus(s: string): string {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    return s;
  }
}

/**
 * A parameter as one string: the decoded parameters joined by '/' (nested folders for multi-parameter calls).
 * Multi-parameter calls are passed to the writer as arrays.
 */
export function paramPath(param: string | string[]): string {
  return (Array.isArray(param) ? param : [param]).map(quotePlus).join('/');
}

export function paramKey(param: string | string[]): string {
  return Array.isArray(param) ? param.join('/') : param;
}

/** AWS partition of a region name. */
export function partitionOfRegion(region: string): Partition {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

export const REGION_NAME = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
