/**
 * The least-privilege policy for what a principal used: one statement per service and resource scope, scoped to
 * the ARNs the events carried when every event of the action carried one that fits the action's resource types
 * (else `*`), split into several managed policies past IAM's 6,144-character limit.
 */
import { arnFitsAction, loadCatalog } from '../iam/catalog.js';
import { toDocument, type PolicyDocument, type Statement } from '../iam/policy.js';
import type { LakeSource } from '../athena/lake.js';
import { actionsForEvent } from './mapping.js';
import { resolveRequest, type ReviewRequest } from './review.js';
import type { Granted } from './granted.js';
import { eventResources, type EventResources } from './used.js';

/** IAM's limit for a customer managed policy, counted without whitespace. */
export const MANAGED_POLICY_MAX_CHARS = 6144;
/** Past this many distinct ARNs for one action, scope it to `*` rather than list them. */
export const MAX_ARNS_PER_ACTION = 20;

export interface GeneratedPolicy {
  documents: PolicyDocument[];
  /** Used actions left out: not in the IAM catalogue (so not valid in a policy). */
  skipped: string[];
  /** Action → the resources it is scoped to. */
  scopes: Map<string, string[]>;
}

/** Action → resource scope, from the resource aggregates of the principal's successful events. */
export async function actionScopes(rows: EventResources[]): Promise<{ scopes: Map<string, string[]>; skipped: string[] }> {
  const catalog = await loadCatalog();
  const arns = new Map<string, Set<string>>();
  const wildcard = new Set<string>();
  const skipped = new Set<string>();
  for (const r of rows) {
    for (const raw of actionsForEvent(r.eventsource, r.eventname)) {
      if (!catalog.has(raw)) {
        skipped.add(raw);
        continue;
      }
      const action = catalog.canonical(raw);
      const fit: string[] = [];
      for (const arn of r.arns) if (await arnFitsAction(action, arn)) fit.push(arn);
      if (r.without > 0 || fit.length === 0 || r.distinct > r.arns.length) wildcard.add(action);
      const set = arns.get(action) ?? new Set<string>();
      for (const a of fit) set.add(a);
      arns.set(action, set);
    }
  }
  const scopes = new Map<string, string[]>();
  for (const [action, set] of arns) {
    scopes.set(action, wildcard.has(action) || set.size === 0 || set.size > MAX_ARNS_PER_ACTION ? ['*'] : [...set].sort());
  }
  return { scopes, skipped: [...skipped].sort() };
}

const sidOf = (service: string, n: number) => `${service.replace(/[^A-Za-z0-9]/g, '')}${n}`.replace(/^./, (c) => c.toUpperCase());

/** Statements grouped by service, then by identical resource scope. */
export function statementsFor(scopes: Map<string, string[]>): Statement[] {
  const groups = new Map<string, { service: string; actions: string[]; resources: string[] }>();
  for (const [action, resources] of [...scopes.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const service = action.slice(0, action.indexOf(':'));
    const key = `${service}\0${resources.join('\0')}`;
    const g = groups.get(key) ?? { service, actions: [], resources };
    g.actions.push(action);
    groups.set(key, g);
  }
  const counters = new Map<string, number>();
  return [...groups.values()].map((g) => {
    const n = (counters.get(g.service) ?? 0) + 1;
    counters.set(g.service, n);
    return { effect: 'Allow', sid: sidOf(g.service, n), actions: g.actions, resources: g.resources, source: 'generated' };
  });
}

const size = (doc: PolicyDocument) => JSON.stringify(doc).replace(/\s+/g, '').length;

/** Splits statements into documents that each fit `max` characters (a statement too big alone is split too). */
export function packDocuments(statements: Statement[], max = MANAGED_POLICY_MAX_CHARS): PolicyDocument[] {
  const docs: Statement[][] = [];
  let current: Statement[] = [];
  const fits = (sts: Statement[]) => size(toDocument(sts)) <= max;
  const pending = [...statements];
  while (pending.length) {
    const st = pending.shift()!;
    if (fits([...current, st])) {
      current.push(st);
      continue;
    }
    if (current.length) {
      docs.push(current);
      current = [];
      pending.unshift(st);
      continue;
    }
    // Alone and still too big: halve its actions (or its resources) and try again.
    const halve = (xs: string[]) => [xs.slice(0, Math.ceil(xs.length / 2)), xs.slice(Math.ceil(xs.length / 2))];
    if (st.actions!.length > 1) {
      const [a, b] = halve(st.actions!);
      pending.unshift({ ...st, actions: a!, sid: `${st.sid}a` }, { ...st, actions: b!, sid: `${st.sid}b` });
    } else if (st.resources!.length > 1) {
      const [a, b] = halve(st.resources!);
      pending.unshift({ ...st, resources: a!, sid: `${st.sid}a` }, { ...st, resources: b!, sid: `${st.sid}b` });
    } else throw new Error(`statement ${st.sid} cannot fit in ${max} characters`);
  }
  if (current.length) docs.push(current);
  return docs.map(toDocument);
}

export async function generatePolicy(lake: LakeSource, g: Granted, req: ReviewRequest): Promise<GeneratedPolicy> {
  const { actor } = await resolveRequest(lake, g, req);
  const { scopes, skipped } = await actionScopes(await eventResources(lake, actor, req.window, MAX_ARNS_PER_ACTION + 1));
  return { documents: packDocuments(statementsFor(scopes)), skipped, scopes };
}
