/**
 * Seeding from a snapshot: the collected configuration of each resource history knows is its state as of the
 * snapshot's time; changes after that time are applied on top. A newer snapshot replaces an older seed.
 */
import type { Store } from '../store/store.js';
import { listSnapshots } from '../collect/store.js';
import { UsageError } from '../util/errors.js';
import { isoSeconds } from '../util/time.js';
import { resourceKey } from './event.js';
import { KINDS, kindOf } from './kinds/index.js';
import { insertRows, rebuild, RESOURCE_TYPES } from './record.js';
import { setMeta } from './schema.js';

/** The latest snapshot's id, or undefined when nothing was collected. */
export async function latestSnapshotId(store: Store): Promise<string | undefined> {
  return (await listSnapshots(store)).at(-1)?.id;
}

/** The columns a seed sets; the rest (state, creation, ...) are rebuilt from seed and changes. */
const SEED_COLUMNS = ['key', 'type', 'id', 'arn', 'account', 'region', 'seed_snapshot', 'seed_time', 'seed_state', 'seed_arn'];

export async function seed(store: Store, snapshotId?: string): Promise<number> {
  const snapshots = await listSnapshots(store);
  const snap = snapshotId ? snapshots.find((s) => s.id === snapshotId) : snapshots.at(-1);
  if (!snap) {
    if (snapshotId) throw new UsageError(`no snapshot ${snapshotId} in ${store.path} (see \`vigil inventory snapshots\`)`);
    return 0;
  }
  const time = isoSeconds(new Date(snap.time));
  const types = KINDS.map((k) => k.type);
  const rows = await store.all<{ arn: string; type: string; account: string; region: string; configuration: string | null }>(
    `SELECT arn, type, account, region, configuration::VARCHAR AS configuration FROM resources
     WHERE snapshot_id = ? AND type IN (${types.map(() => '?').join(', ')})`,
    [snap.id, ...types],
  );
  const seeds: Record<string, unknown>[] = [];
  for (const r of rows) {
    const kind = kindOf(r.type)!;
    const found = kind.fromSnapshot(JSON.parse(r.configuration ?? 'null'), r.arn);
    if (!found) continue;
    const region = kind.global ? 'global' : (kind.idFromArn(r.arn)?.region ?? r.region);
    const key = resourceKey(kind.type, r.account, region, found.id);
    seeds.push({ key, type: kind.type, id: found.id, arn: r.arn, account: r.account, region, seed_snapshot: snap.id, seed_time: time, seed_state: found.state, seed_arn: r.arn });
  }
  await store.transaction(async () => {
    const types = Object.fromEntries(SEED_COLUMNS.map((c) => [c, RESOURCE_TYPES[c]!]));
    await insertRows(store, 'INSERT', 'history_resources', types, seeds,
      `ON CONFLICT (key) DO UPDATE SET seed_snapshot = excluded.seed_snapshot, seed_time = excluded.seed_time,
         seed_state = excluded.seed_state, seed_arn = excluded.seed_arn
       WHERE history_resources.seed_time IS NULL OR history_resources.seed_time <= excluded.seed_time`);
    await rebuild(store, seeds.map((s) => s.key as string));
    await setMeta(store, 'seeded_snapshot', snap.id);
  });
  return seeds.length;
}
