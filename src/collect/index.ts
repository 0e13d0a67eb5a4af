/** Collection's API: collect into the store, import a CloudMapper collection, open and compare snapshots. */
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/store.js';
import { openCloudMapperDir } from '../snapshot/cloudmapper-dir.js';
import { META_FILE } from '../snapshot/layout.js';
import { UsageError } from '../util/errors.js';
import { collect, type CollectOptions, type CollectResult } from './collector.js';
import { newSnapshotId, saveSnapshot, snapshotsDir, type SavedSnapshot } from './store.js';
import { writeFileSync } from 'node:fs';

export { collect, type CollectOptions, type CollectResult, type CoverageGap, type CollectProgress } from './collector.js';
export { openSnapshot, listSnapshots, saveSnapshot, snapshotsDir } from './store.js';
export { listResources, diffSnapshots, type InventoryDiff, type ResourceRow } from './inventory.js';
export { extractResources, RESOURCE_TYPES } from './resources.js';

/** Collects a snapshot into the store's snapshots folder and records it. */
export async function collectSnapshot(store: Store, opts: Omit<CollectOptions, 'dir' | 'id'> & { id?: string }): Promise<CollectResult & { saved: SavedSnapshot }> {
  const time = opts.time ?? new Date().toISOString();
  const id = opts.id ?? newSnapshotId(new Date(time));
  const dir = join(snapshotsDir(store), id);
  const result = await collect({ ...opts, id, time, dir });
  const saved = await saveSnapshot(store, dir, { source: 'collect', calls: result.calls, ok: result.ok, gaps: result.gaps, coverage: result.meta.coverage });
  return { ...result, saved };
}

/**
 * A CloudMapper collection (its `account-data/` folder's parent, or one account's folder) as a vigil snapshot:
 * copied under the store's snapshots folder, so the snapshot outlives the original.
 */
export async function importCloudMapper(store: Store, source: string, opts: { id?: string; time?: string } = {}): Promise<SavedSnapshot> {
  if (!existsSync(source)) throw new UsageError(`${source}: no such directory`);
  const probe = openCloudMapperDir(source, opts);
  const id = opts.id ?? newSnapshotId();
  const dir = join(snapshotsDir(store), id);
  mkdirSync(dir, { recursive: true });
  const accounts = probe.accounts();
  const meta = { id, time: opts.time ?? probe.time, source: `cloudmapper:${source}`, accounts: [] as unknown[] };
  for (const a of accounts) {
    const folder = `account-data/${a.name.replace(/[^\w.@+-]/g, '_')}`;
    for (const region of probe.regions(a.id)) {
      cpSync(join(accountRoot(source, a.name, accounts.length), region), join(dir, folder, region), { recursive: true });
    }
    meta.accounts.push({ ...a, folder, regions: probe.regions(a.id) });
  }
  writeFileSync(join(dir, META_FILE), JSON.stringify(meta, null, 2));
  return saveSnapshot(store, dir, { source: `cloudmapper:${source}` });
}

function accountRoot(source: string, name: string, count: number): string {
  const nested = join(source, 'account-data', name);
  if (existsSync(nested)) return nested;
  if (count === 1) return source;
  throw new UsageError(`${source}: cannot find account folder ${name}`);
}
