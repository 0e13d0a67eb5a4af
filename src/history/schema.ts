/** History's tables: one row per (resource, event) change, one per resource with its state, and checkpoints. */
import { registerSchema, type Store } from '../store/store.js';

export async function ensureHistorySchema(store: Store): Promise<void> {
  await store.run(`CREATE TABLE IF NOT EXISTS history_changes (
    resource_key VARCHAR,         -- type:account:region:id (region 'global' for IAM and S3)
    event_id VARCHAR,
    time VARCHAR,                 -- eventTime as CloudTrail writes it (ISO seconds, so text order is time order)
    type VARCHAR, resource_id VARCHAR, arn VARCHAR, account VARCHAR, region VARCHAR,
    action VARCHAR,               -- create | modify | delete | start | stop | schedule-delete
    event_name VARCHAR, event_source VARCHAR,
    principal_arn VARCHAR, principal_type VARCHAR,
    principal_key VARCHAR,        -- history key of the IAM user or role that acted (for "created recently")
    source_ip VARCHAR, user_agent VARCHAR, tool VARCHAR, tool_detail VARCHAR,
    request JSON,                 -- picked request fields only, never secrets
    PRIMARY KEY (resource_key, event_id)
  )`);
  await store.run(`CREATE TABLE IF NOT EXISTS history_resources (
    key VARCHAR PRIMARY KEY,
    type VARCHAR, id VARCHAR, arn VARCHAR, account VARCHAR, region VARCHAR,
    state JSON,                   -- the seed (if any) with every later change applied
    created_by VARCHAR, created_at VARCHAR, created_event VARCHAR,
    deleted BOOLEAN, last_change_at VARCHAR,
    seed_snapshot VARCHAR, seed_time VARCHAR, seed_state JSON, seed_arn VARCHAR
  )`);
  await store.run(`CREATE TABLE IF NOT EXISTS history_meta (name VARCHAR PRIMARY KEY, value VARCHAR)`);
}

registerSchema(ensureHistorySchema);

export async function getMeta(store: Store, name: string): Promise<string | undefined> {
  return (await store.one<{ value: string }>('SELECT value FROM history_meta WHERE name = ?', [name]))?.value;
}

export async function setMeta(store: Store, name: string, value: string): Promise<void> {
  await store.run('INSERT OR REPLACE INTO history_meta VALUES (?, ?)', [name, value]);
}
