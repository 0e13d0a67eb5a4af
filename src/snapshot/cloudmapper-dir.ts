/**
 * A SnapshotReader over a directory in CloudMapper's layout (see layout.ts): a whole collection
 * (`account-data/<account-name>/<region>/...`, as CloudMapper's `collect` and vigil's collector write it) or one
 * account's folder (`<region>/...`). Responses are read lazily, on first use, and kept.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { VigilError, ExitCode } from '../util/errors.js';
import {
  ERRORS_FILE,
  META_FILE,
  REGION_NAME,
  partitionOfRegion,
  unquotePlus,
  type CallError,
  type SnapshotMeta,
} from './layout.js';
import type { CallResult, Partition, SnapshotAccount, SnapshotReader } from './types.js';

export interface CloudMapperDirOptions {
  /** Snapshot id (default: from vigil-snapshot.json, else `cloudmapper:<folder name>`). */
  id?: string;
  /** ISO time of the collection (default: from vigil-snapshot.json, else the folder's modification time). */
  time?: string;
  /** Account id and name for a single account's folder, when neither config.json nor STS tells. */
  accountId?: string;
  accountName?: string;
}

/** Spellings CloudMapper itself wrote files under: the canonical name → the alternatives to try. */
const ALIASES: Record<string, string[]> = {
  'accessanalyzer-list-analyzers': ['accessanalzyer-list-analyzers'],
};

interface RegionIndex {
  /** `name` or `name\0param` → file path. */
  files: Map<string, string>;
  params: Map<string, Set<string>>;
  errors: Map<string, CallError>;
}

interface AccountIndex {
  account: SnapshotAccount;
  regions: Map<string, RegionIndex>;
}

export function openCloudMapperDir(dir: string, opts: CloudMapperDirOptions = {}): SnapshotReader {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new VigilError(`${dir}: no such directory`, ExitCode.usage);
  }
  const meta = readMeta(root);
  const folders = accountFolders(root, meta, opts);
  const accounts = new Map<string, AccountIndex>();
  for (const f of folders) {
    const regions = new Map<string, RegionIndex>();
    for (const region of regionDirs(f.path)) regions.set(region, indexRegion(join(f.path, region)));
    const account = { id: f.id ?? stsAccount(f.path) ?? f.name, name: f.name, partition: f.partition ?? partitionOf(regions) };
    accounts.set(account.id, { account, regions });
  }
  if (accounts.size === 0) {
    throw new VigilError(`${dir}: not a CloudMapper collection (no account-data/<account>/<region>/ or <region>/ folders)`, ExitCode.usage);
  }
  const cache = new Map<string, CallResult>();

  const regionOf = (accountId: string, region: string) => accounts.get(accountId)?.regions.get(region);
  const lookup = (accountId: string, region: string, name: string, param?: string): CallResult | undefined => {
    const r = regionOf(accountId, region);
    if (!r) return undefined;
    const key = param === undefined ? name : `${name}\0${param}`;
    const path = r.files.get(key);
    if (path !== undefined) {
      let hit = cache.get(path);
      if (!hit) {
        hit = readResponse(path);
        cache.set(path, hit);
      }
      return hit;
    }
    return r.errors.get(param === undefined ? name : `${name}/${param}`);
  };

  return {
    id: opts.id ?? meta?.id ?? `cloudmapper:${basename(root)}`,
    time: opts.time ?? meta?.time ?? statSync(root).mtime.toISOString(),
    accounts: () => [...accounts.values()].map((a) => ({ ...a.account })),
    regions: (accountId) => [...(accounts.get(accountId)?.regions.keys() ?? [])].sort(),
    call(accountId, region, name, param) {
      for (const n of [name, ...(ALIASES[name] ?? [])]) {
        const hit = lookup(accountId, region, n, param);
        if (hit) return hit;
      }
      return undefined;
    },
    params(accountId, region, name) {
      const r = regionOf(accountId, region);
      if (!r) return [];
      for (const n of [name, ...(ALIASES[name] ?? [])]) {
        const p = r.params.get(n);
        if (p) return [...p].sort();
      }
      return [];
    },
  };
}

interface Folder {
  path: string;
  name: string;
  id?: string;
  partition?: Partition;
}

function readMeta(root: string): SnapshotMeta | undefined {
  const path = join(root, META_FILE);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SnapshotMeta;
  } catch (err) {
    throw new VigilError(`${path}: unreadable snapshot description (${(err as Error).message.split('\n')[0]})`, ExitCode.usage);
  }
}

/** CloudMapper's config.json ({accounts: [{id, name, default}]}), in the folder or beside account-data. */
function cloudMapperAccounts(...dirs: string[]): { id: string; name: string; default?: boolean }[] {
  for (const d of dirs) {
    for (const f of ['config.json', 'config.json.demo']) {
      const path = join(d, f);
      if (!existsSync(path)) continue;
      try {
        const cfg = JSON.parse(readFileSync(path, 'utf8')) as { accounts?: { id?: unknown; name?: unknown; default?: boolean }[] };
        return (cfg.accounts ?? [])
          .filter((a) => a.id !== undefined)
          .map((a) => ({ id: String(a.id), name: String(a.name ?? a.id), default: a.default }));
      } catch {
        // A CloudMapper config we cannot read only costs us account names; ids still come from STS.
      }
    }
  }
  return [];
}

function accountFolders(root: string, meta: SnapshotMeta | undefined, opts: CloudMapperDirOptions): Folder[] {
  if (meta?.accounts?.length) {
    return meta.accounts.map((a) => ({ path: join(root, a.folder), name: a.name, id: a.id, partition: a.partition }));
  }
  const accountData = join(root, 'account-data');
  if (existsSync(accountData) && statSync(accountData).isDirectory()) {
    const known = cloudMapperAccounts(root);
    return readdirSync(accountData, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => {
        const byName = known.find((a) => a.name === e.name);
        return { path: join(accountData, e.name), name: e.name, id: byName?.id ?? (/^\d{12}$/.test(e.name) ? e.name : undefined) };
      });
  }
  if (regionDirs(root).length === 0) return [];
  // One account's folder: config.json beside it, or in the collection root above account-data/.
  const known = cloudMapperAccounts(root, dirname(dirname(root)));
  const name = opts.accountName ?? basename(root);
  const chosen = known.find((a) => a.name === name) ?? known.find((a) => a.default) ?? (known.length === 1 ? known[0] : undefined);
  return [{ path: root, name: opts.accountName ?? chosen?.name ?? name, id: opts.accountId ?? chosen?.id }];
}

function regionDirs(path: string): string[] {
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => e.isDirectory() && REGION_NAME.test(e.name))
    .map((e) => e.name);
}

function stsAccount(accountPath: string): string | undefined {
  for (const region of regionDirs(accountPath)) {
    const path = join(accountPath, region, 'sts-get-caller-identity.json');
    if (!existsSync(path)) continue;
    const r = readResponse(path);
    const id = r.status === 'ok' ? (r.data as { Account?: unknown } | null)?.Account : undefined;
    if (id !== undefined) return String(id);
  }
  return undefined;
}

function partitionOf(regions: Map<string, RegionIndex>): Partition {
  const first = [...regions.keys()].sort()[0];
  return first ? partitionOfRegion(first) : 'aws';
}

function indexRegion(path: string): RegionIndex {
  const index: RegionIndex = { files: new Map(), params: new Map(), errors: new Map() };
  for (const e of readdirSync(path, { withFileTypes: true })) {
    if (e.isFile() && e.name === ERRORS_FILE) continue;
    if (e.isFile() && e.name.endsWith('.json')) index.files.set(e.name.slice(0, -5), join(path, e.name));
    else if (e.isDirectory()) indexParams(index, e.name, join(path, e.name), []);
  }
  const errorsPath = join(path, ERRORS_FILE);
  if (existsSync(errorsPath)) {
    let errors: Record<string, CallError>;
    try {
      errors = JSON.parse(readFileSync(errorsPath, 'utf8')) as Record<string, CallError>;
    } catch (err) {
      throw new VigilError(`${errorsPath}: unreadable error record (${(err as Error).message.split('\n')[0]})`, ExitCode.usage);
    }
    for (const [key, e] of Object.entries(errors)) {
      const slash = key.indexOf('/');
      if (slash > 0) {
        // The key's parameter part is url-encoded like a file name; readers use decoded parameters.
        const name = key.slice(0, slash);
        const param = key.slice(slash + 1).split('/').map(unquotePlus).join('/');
        index.errors.set(`${name}/${param}`, { status: e.status, error: String(e.error) });
        addParam(index, name, param);
      } else {
        index.errors.set(key, { status: e.status, error: String(e.error) });
      }
    }
  }
  return index;
}

function indexParams(index: RegionIndex, name: string, path: string, segments: string[]): void {
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const segs = [...segments, unquotePlus(e.name)];
    if (e.isDirectory()) indexParams(index, name, join(path, e.name), segs);
    else if (e.isFile()) {
      const param = segs.join('/');
      index.files.set(`${name}\0${param}`, join(path, e.name));
      addParam(index, name, param);
    }
  }
}

function addParam(index: RegionIndex, name: string, param: string): void {
  let set = index.params.get(name);
  if (!set) index.params.set(name, (set = new Set()));
  set.add(param);
}

function readResponse(path: string): CallResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { status: 'error', error: `${path}: ${(err as Error).message.split('\n')[0]}` };
  }
  if (text.trim() === '') return { status: 'ok', data: null };
  try {
    return { status: 'ok', data: JSON.parse(text) };
  } catch (err) {
    return { status: 'error', error: `${path}: not JSON (${(err as Error).message.split('\n')[0]})` };
  }
}
