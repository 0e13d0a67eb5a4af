/**
 * Snapshots in the store: one row per snapshot (where its files are, accounts, regions, coverage), its
 * coverage gaps, and the normalised resources. Raw responses stay on disk in CloudMapper's layout under
 * `<store's folder>/snapshots/<id>/`.
 */
import { dirname, join, resolve } from 'node:path';
import { registerSchema, type Store } from '../store/store.js';
import { openCloudMapperDir } from '../snapshot/cloudmapper-dir.js';
import type { SnapshotReader } from '../snapshot/types.js';
import { UsageError } from '../util/errors.js';
import type { CoverageGap } from './collector.js';
import { extractResources } from './resources.js';

registerSchema(async (store) => {
  await store.run(`CREATE TABLE IF NOT EXISTS snapshots (
    id VARCHAR PRIMARY KEY, time TIMESTAMPTZ, source VARCHAR, dir VARCHAR,
    accounts JSON, regions JSON, calls INTEGER, ok INTEGER, gaps INTEGER, coverage JSON)`);
  await store.run(`CREATE TABLE IF NOT EXISTS snapshot_gaps (
    snapshot_id VARCHAR, account VARCHAR, region VARCHAR, call VARCHAR, param VARCHAR, status VARCHAR, error VARCHAR)`);
  await store.run(`CREATE TABLE IF NOT EXISTS resources (
    snapshot_id VARCHAR, arn VARCHAR, type VARCHAR, account VARCHAR, region VARCHAR, name VARCHAR, tags JSON, configuration JSON)`);
});

/** Where a store keeps snapshot files. */
export function snapshotsDir(store: Store): string {
  return store.path === ':memory:' ? resolve('.vigil/snapshots') : join(dirname(store.path), 'snapshots');
}

export function newSnapshotId(time = new Date()): string {
  return `${time.toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 6)}`;
}

export interface SavedSnapshot {
  id: string;
  time: string;
  resources: number;
  gaps: number;
}

/** Records a snapshot whose files are in `dir`: its row, gaps and normalised resources land together. */
export async function saveSnapshot(
  store: Store,
  dir: string,
  info: { source: string; calls?: number; ok?: number; gaps?: CoverageGap[]; coverage?: unknown },
): Promise<SavedSnapshot> {
  const snap = openCloudMapperDir(dir);
  const resources = extractResources(snap);
  const gaps = info.gaps ?? [];
  const accounts = snap.accounts();
  const regions = [...new Set(accounts.flatMap((a) => snap.regions(a.id)))].sort();
  await store.transaction(async () => {
    await store.run('DELETE FROM snapshots WHERE id = ?', [snap.id]);
    await store.run('DELETE FROM snapshot_gaps WHERE snapshot_id = ?', [snap.id]);
    await store.run('DELETE FROM resources WHERE snapshot_id = ?', [snap.id]);
    await store.run('INSERT INTO snapshots VALUES (?, ?::TIMESTAMPTZ, ?, ?, ?::JSON, ?::JSON, ?, ?, ?, ?::JSON)', [
      snap.id,
      snap.time,
      info.source,
      resolve(dir),
      JSON.stringify(accounts),
      JSON.stringify(regions),
      info.calls ?? 0,
      info.ok ?? 0,
      gaps.length,
      JSON.stringify(info.coverage ?? {}),
    ]);
    for (let i = 0; i < gaps.length; i += 200) {
      const chunk = gaps.slice(i, i + 200);
      await store.run(
        `INSERT INTO snapshot_gaps VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((g) => [snap.id, g.account, g.region, g.call, g.param ?? null, g.status, g.error]),
      );
    }
    for (let i = 0; i < resources.length; i += 200) {
      const chunk = resources.slice(i, i + 200);
      await store.run(
        `INSERT INTO resources VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?::JSON, ?::JSON)').join(', ')}`,
        chunk.flatMap((r) => [snap.id, r.arn, r.type, r.account, r.region, r.name, JSON.stringify(r.tags), JSON.stringify(r.configuration ?? null)]),
      );
    }
  });
  return { id: snap.id, time: snap.time, resources: resources.length, gaps: gaps.length };
}

export interface SnapshotRow {
  id: string;
  time: string;
  source: string;
  dir: string;
  calls: number;
  ok: number;
  gaps: number;
}

/** A store opened read-only before any collection has no snapshot tables: that is "no snapshots", not an error. */
export async function hasSnapshotTables(store: Store): Promise<boolean> {
  return !!(await store.one("SELECT 1 AS x FROM information_schema.tables WHERE table_name = 'snapshots'"));
}

export async function listSnapshots(store: Store): Promise<SnapshotRow[]> {
  if (!(await hasSnapshotTables(store))) return [];
  return store.all<SnapshotRow & Record<string, unknown>>('SELECT id, time, source, dir, calls, ok, gaps FROM snapshots ORDER BY time, id');
}

/** The snapshot `id` (default: the latest) as the audit and the access review read it. */
export async function openSnapshot(store: Store, id?: string): Promise<SnapshotReader> {
  const row = !(await hasSnapshotTables(store))
    ? undefined
    : id
    ? await store.one<{ id: string; dir: string }>('SELECT id, dir FROM snapshots WHERE id = ?', [id])
    : await store.one<{ id: string; dir: string }>('SELECT id, dir FROM snapshots ORDER BY time DESC, id DESC LIMIT 1');
  if (!row) throw new UsageError(id ? `no snapshot ${id} in ${store.path} (see \`vigil inventory snapshots\`)` : `no snapshot in ${store.path} yet (run \`vigil collect\`)`);
  return openCloudMapperDir(row.dir, { id: row.id });
}
