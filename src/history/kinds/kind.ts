/**
 * A resource kind, data first: which events act on it, how each finds the resource's id, what it did (action),
 * what of the request to keep, and how it changes the state. One module per kind; index.ts lists them.
 */
import { at } from '../event.js';
import type { Action, Json, TrailRecord } from '../types.js';

export interface Target {
  id: string;
  /** The resource's ARN when the event states it (better than one built from the id). */
  arn?: string;
  /** The region, when the event names the resource by an ARN in another region (trails). */
  region?: string;
}

export interface EventSpec {
  action: Action;
  /** The resources the event acted on (several for RunInstances); none when the event does not say. */
  targets: (rec: TrailRecord) => (Target | undefined)[];
  /** What to keep with the change: picked fields only, never secrets. Default: nothing. */
  request?: (rec: TrailRecord, target: Target) => Json;
  /** State after the change. Default: create starts from the request, modify merges it in, others keep the state. */
  apply?: (state: Json, request: Json) => Json;
}

export interface Kind {
  /** As collect names it (src/collect/resources.ts), so snapshots seed the same resources. */
  type: string;
  eventSource: string;
  /** IAM and S3: one per account, region `global`. */
  global: boolean;
  arn(id: string, account: string, region: string, partition: string): string;
  events: Record<string, EventSpec>;
  /** A snapshot resource of this type (its configuration as collected) → its id and state. */
  fromSnapshot(configuration: Json, arn: string): { id: string; state: Json } | undefined;
  /** The id (and region) inside an ARN of this kind, for `vigil history <arn>`. */
  idFromArn(arn: string): { id: string; region?: string } | undefined;
}

/** A target from one request or response path (the first that holds a string). */
export function idAt(...paths: string[]): (rec: TrailRecord) => (Target | undefined)[] {
  return (rec) => {
    for (const p of paths) {
      const v = at(rec, p);
      if (typeof v === 'string' && v) return [{ id: v }];
    }
    return [];
  };
}

/** A created resource: its id at the first of `idPaths` that holds one, its ARN (if stated) at `arnPath`. */
export function createdAt(idPaths: string[], arnPath: string): (rec: TrailRecord) => (Target | undefined)[] {
  return (rec) => idAt(...idPaths)(rec).map((t) => t && { id: t.id, ...(typeof at(rec, arnPath) === 'string' ? { arn: at(rec, arnPath) } : {}) });
}

/** A kind's fromSnapshot: the id in the collected item's `idField`, and the state `state` makes of the item. */
export function fromItem(idField: string, state: (c: Json) => Json): Kind['fromSnapshot'] {
  return (c) => (typeof c?.[idField] === 'string' ? { id: c[idField], state: state(c) } : undefined);
}

/** Picks these request parameters (those present) into the change's request summary. */
export function pick(...keys: string[]): (rec: TrailRecord) => Json {
  return (rec) => {
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const v = at(rec, `requestParameters.${k}`);
      if (v !== undefined && v !== null) out[k.split('.').pop()!] = v;
    }
    return out;
  };
}

/** Sets one state field from the request (e.g. a bucket's policy), or clears it. */
export const setField = (field: string, from?: string) => (state: Json, req: Json) => ({ ...state, [field]: from ? req?.[from] ?? null : null });

/** The last path segment after `marker` in an ARN (`user/`, `key/`...): `arn:aws:iam::1:user/a/b` → `b`. */
export function afterMarker(arn: string, service: string, marker: string): string | undefined {
  const parts = arn.split(':');
  if (parts[0] !== 'arn' || parts[2] !== service || parts.length < 6) return undefined;
  const rest = parts.slice(5).join(':');
  if (!rest.startsWith(marker)) return undefined;
  return rest.slice(marker.length).split('/').pop() || undefined;
}

export const regionOfArn = (arn: string) => arn.split(':')[3] || undefined;

/**
 * A kind's ARN both ways, for ARNs shaped `arn:<partition>:<service>:<region>:<account>:<marker><id>` (IAM: no
 * region; the id is the last path segment, so `user/ci/deploy` reads as `deploy`).
 */
export function arnScheme(service: string, marker: string, global = false): Pick<Kind, 'arn' | 'idFromArn'> {
  return {
    arn: (id, account, region, partition) => `arn:${partition}:${service}:${global ? '' : region}:${account}:${marker}${id}`,
    idFromArn: (arn) => {
      const id = afterMarker(arn, service, marker);
      return id ? { id, ...(global ? {} : { region: regionOfArn(arn) }) } : undefined;
    },
  };
}
