/** Reading history back: finding a resource by ARN, id or name, its timeline, and who created it. */
import type { Store } from '../store/store.js';
import { UsageError } from '../util/errors.js';
import { KINDS } from './kinds/index.js';
import type { Change, ResourceHistory, ResourceInfo } from './types.js';

/** A short id that names several resources (the same user name in two accounts, a role and a user...). */
export class AmbiguousRefError extends UsageError {
  constructor(
    readonly ref: string,
    readonly candidates: ResourceInfo[],
  ) {
    super(`${ref} matches ${candidates.length} resources: ${candidates.map((c) => c.key).join(', ')}`);
    this.name = 'AmbiguousRefError';
  }
}

const RESOURCE_SQL = `SELECT key, type, id, arn, account, region, state::VARCHAR AS state, created_by, created_at, deleted,
  last_change_at, seed_snapshot, seed_time FROM history_resources`;

function toInfo(r: Record<string, unknown>): ResourceInfo {
  return {
    key: String(r.key),
    type: String(r.type),
    id: String(r.id),
    arn: String(r.arn ?? ''),
    account: String(r.account),
    region: String(r.region),
    state: JSON.parse(String(r.state ?? '{}')),
    createdBy: (r.created_by as string | null) ?? null,
    createdAt: (r.created_at as string | null) ?? null,
    deleted: r.deleted === true,
    lastChangeAt: (r.last_change_at as string | null) ?? null,
    seedSnapshot: (r.seed_snapshot as string | null) ?? null,
    seedTime: (r.seed_time as string | null) ?? null,
  };
}

/**
 * The resources a reference names: an ARN (exact, else the id inside it), a history key, or an id/name
 * (sg-…, i-…, AKIA…, a user, role, bucket or trail name).
 */
export async function findResources(store: Store, ref: string): Promise<ResourceInfo[]> {
  const q = async (where: string, params: (string | null)[]) => (await store.all(`${RESOURCE_SQL} WHERE ${where} ORDER BY key`, params)).map(toInfo);
  if (ref.startsWith('arn:')) {
    const exact = await q('arn = ? OR seed_arn = ?', [ref, ref]);
    if (exact.length) return exact;
    const account = ref.split(':')[4] || null;
    for (const kind of KINDS) {
      const hit = kind.idFromArn(ref);
      if (!hit) continue;
      const found = await q('type = ? AND id = ? AND (? IS NULL OR account = ?) AND (? IS NULL OR region = ?)', [kind.type, hit.id, account, account, hit.region ?? null, hit.region ?? null]);
      if (found.length) return found;
    }
    return [];
  }
  const byKey = await q('key = ?', [ref]);
  return byKey.length ? byKey : q('id = ?', [ref]);
}

/** Exactly one resource, or undefined; several → AmbiguousRefError listing them. */
export async function findResource(store: Store, ref: string): Promise<ResourceInfo | undefined> {
  const found = await findResources(store, ref);
  if (found.length > 1) throw new AmbiguousRefError(ref, found);
  return found[0];
}

const CHANGE_SQL = `SELECT resource_key, type, resource_id, arn, account, region, event_id, time, action, event_name, event_source,
  principal_arn, principal_type, principal_key, source_ip, user_agent, tool, tool_detail, request::VARCHAR AS request FROM history_changes`;

function toChange(r: Record<string, unknown>): Change {
  const s = (k: string) => (r[k] as string | null) ?? null;
  return {
    resourceKey: String(r.resource_key),
    type: String(r.type),
    resourceId: String(r.resource_id),
    arn: String(r.arn),
    account: String(r.account),
    region: String(r.region),
    eventId: String(r.event_id),
    time: String(r.time),
    action: r.action as Change['action'],
    eventName: String(r.event_name),
    eventSource: String(r.event_source),
    principalArn: s('principal_arn'),
    principalType: s('principal_type'),
    principalKey: s('principal_key'),
    sourceIp: s('source_ip'),
    userAgent: s('user_agent'),
    tool: String(r.tool),
    toolDetail: s('tool_detail'),
    request: JSON.parse(String(r.request ?? '{}')),
  };
}

const ACTION_RANK = `CASE action WHEN 'create' THEN 0 WHEN 'delete' THEN 2 WHEN 'schedule-delete' THEN 2 ELSE 1 END`;

export async function timeline(store: Store, key: string): Promise<Change[]> {
  return (await store.all(`${CHANGE_SQL} WHERE resource_key = ? ORDER BY time, ${ACTION_RANK}, event_id`, [key])).map(toChange);
}

export async function history(store: Store, ref: string): Promise<ResourceHistory | undefined> {
  const resource = await findResource(store, ref);
  return resource && { resource, changes: await timeline(store, resource.key) };
}

/** The change that created the resource (the latest create, should a name have been reused). */
export async function creation(store: Store, resource: ResourceInfo): Promise<Change | undefined> {
  const row = await store.one(`${CHANGE_SQL} WHERE resource_key = ? AND action = 'create' ORDER BY time DESC, event_id DESC LIMIT 1`, [resource.key]);
  return row && toChange(row);
}

export interface OwnerAnswer {
  resource: ResourceInfo;
  owner: Change | null;
  /** Why there is no owner, when there is none. */
  unknown: string | null;
}

/** Who created a resource, or why that is unknown (created before the lake's first event). */
export async function owner(store: Store, ref: string): Promise<OwnerAnswer | undefined> {
  const resource = await findResource(store, ref);
  if (!resource) return undefined;
  const made = await creation(store, resource);
  if (made) return { resource, owner: made, unknown: null };
  const lake = await store.one<{ first: string | null }>('SELECT min(eventtime) AS first FROM cloudtrail_logs');
  const firstEvent = (await store.one<{ t: string | null }>('SELECT min(time) AS t FROM history_changes WHERE resource_key = ?', [resource.key]))?.t ?? null;
  const firstSeen = resource.seedSnapshot ? `first seen in snapshot ${resource.seedSnapshot}` : firstEvent ? `first seen in an event at ${firstEvent}` : 'first seen: never';
  const before = lake?.first ? `created before the lake's first event at ${lake.first}` : 'the lake holds no events';
  return { resource, owner: null, unknown: `unknown: ${before} (${firstSeen})` };
}
