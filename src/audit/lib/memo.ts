/**
 * Per-snapshot memo: many checks read the same derived data (credential report, authorization details, trails);
 * compute it once per snapshot and key, and drop it with the snapshot.
 */
import type { SnapshotReader } from '../../snapshot/types.js';

const store = new WeakMap<SnapshotReader, Map<string, unknown>>();

export function memo<T>(snap: SnapshotReader, key: string, compute: () => T): T {
  let m = store.get(snap);
  if (!m) {
    m = new Map();
    store.set(snap, m);
  }
  if (!m.has(key)) m.set(key, compute());
  return m.get(key) as T;
}
