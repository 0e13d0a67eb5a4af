/** Inventory history: the resources of a snapshot, and what changed between two snapshots. */
import type { Store } from '../store/store.js';
import { UsageError } from '../util/errors.js';
import type { Resource } from './resources.js';
import { listSnapshots } from './store.js';

/** A row of the resource table, as read back. */
export type ResourceRow = Resource;

async function snapshotIds(store: Store): Promise<string[]> {
  return (await listSnapshots(store)).map((r) => r.id);
}

async function resolveId(store: Store, id: string | undefined, fallbackFromEnd: number): Promise<string> {
  const ids = await snapshotIds(store);
  if (id) {
    if (!ids.includes(id)) throw new UsageError(`no snapshot ${id} in ${store.path}`);
    return id;
  }
  const pick = ids[ids.length - 1 - fallbackFromEnd];
  if (!pick) throw new UsageError(`${store.path} holds ${ids.length} snapshot(s); need ${fallbackFromEnd + 1} (run \`vigil collect\`)`);
  return pick;
}

export async function listResources(store: Store, opts: { snapshot?: string; types?: string[] } = {}): Promise<{ snapshot: string; resources: ResourceRow[] }> {
  const snapshot = await resolveId(store, opts.snapshot, 0);
  const types = opts.types ?? [];
  const rows = await store.all(
    `SELECT arn, type, account, region, name, tags::VARCHAR AS tags, configuration::VARCHAR AS configuration FROM resources
     WHERE snapshot_id = ? ${types.length ? `AND type IN (${types.map(() => '?').join(', ')})` : ''} ORDER BY type, account, region, name`,
    [snapshot, ...types],
  );
  return { snapshot, resources: rows.map(parseRow) };
}

function parseRow(r: Record<string, unknown>): ResourceRow {
  return {
    arn: String(r.arn),
    type: String(r.type),
    account: String(r.account),
    region: String(r.region),
    name: String(r.name),
    tags: JSON.parse(String(r.tags ?? '{}')) as Record<string, string>,
    configuration: JSON.parse(String(r.configuration ?? 'null')),
  };
}

export interface ResourceChange {
  arn: string;
  type: string;
  account: string;
  region: string;
  name: string;
  /** Changed field paths (`Tags`, `PolicyVersionList[0].VersionId`...) with old and new values. */
  fields: { path: string; old: unknown; new: unknown }[];
}

export interface InventoryDiff {
  old: string;
  new: string;
  added: ResourceRow[];
  removed: ResourceRow[];
  changed: ResourceChange[];
}

/** Default: the last two snapshots. */
export async function diffSnapshots(store: Store, oldId?: string, newId?: string, types?: string[]): Promise<InventoryDiff> {
  const newer = await resolveId(store, newId, 0);
  const older = await resolveId(store, oldId, 1);
  const [a, b] = await Promise.all([listResources(store, { snapshot: older, types }), listResources(store, { snapshot: newer, types })]);
  const key = (r: ResourceRow) => `${r.type}|${r.arn}`;
  const before = new Map(a.resources.map((r) => [key(r), r]));
  const after = new Map(b.resources.map((r) => [key(r), r]));
  const diff: InventoryDiff = { old: older, new: newer, added: [], removed: [], changed: [] };
  for (const [k, r] of after) {
    const prev = before.get(k);
    if (!prev) diff.added.push(r);
    else {
      const fields = changedFields({ ...(prev.configuration as object), Tags: prev.tags }, { ...(r.configuration as object), Tags: r.tags }, '');
      if (fields.length) diff.changed.push({ arn: r.arn, type: r.type, account: r.account, region: r.region, name: r.name, fields });
    }
  }
  for (const [k, r] of before) if (!after.has(k)) diff.removed.push(r);
  return diff;
}

/** Leaf-level differences between two JSON values. */
export function changedFields(a: unknown, b: unknown, path: string): { path: string; old: unknown; new: unknown }[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const obj = (v: unknown) => v !== null && typeof v === 'object';
  if (!obj(a) || !obj(b) || Array.isArray(a) !== Array.isArray(b)) return [{ path: path || '(root)', old: a, new: b }];
  const out: { path: string; old: unknown; new: unknown }[] = [];
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  for (const k of [...new Set([...ka, ...kb])]) {
    const sub = Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
    out.push(...changedFields((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], sub));
  }
  return out;
}
