/**
 * Durable per-source state (an S3 poller's last key, a directory's seen marks) in the store, so a restarted
 * daemon resumes where the last one acked. Sources advance a checkpoint only on ack.
 */
import { registerSchema, type Store } from '../store/store.js';
import type { CheckpointCtx } from './deps.js';

registerSchema(async (store) => {
  await store.run(`CREATE TABLE IF NOT EXISTS watch_checkpoints (
    source VARCHAR,
    name VARCHAR,
    value JSON,
    updated_at TIMESTAMP,
    PRIMARY KEY (source, name)
  )`);
});

/** The checkpoint context one source gets: names are scoped by the source's name. */
export function checkpointsFor(store: Store, source: string): CheckpointCtx {
  return {
    async get(name) {
      const row = await store.one<{ value: string | null }>(`SELECT value FROM watch_checkpoints WHERE source = ? AND name = ?`, [source, name]);
      return row?.value == null ? undefined : (JSON.parse(row.value) as unknown);
    },
    async set(name, value) {
      await store.run(
        `INSERT OR REPLACE INTO watch_checkpoints (source, name, value, updated_at) VALUES (?, ?, ?, now()::TIMESTAMP)`,
        [source, name, JSON.stringify(value ?? null)],
      );
    },
  };
}
