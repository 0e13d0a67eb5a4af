/** What a principal is granted, action by action: policy wildcards expanded against the catalogue, then evaluated. */
import type { ActionCatalog } from './catalog.js';
import { decide, type PolicySet } from './evaluate.js';

export type Grant = 'allowed' | 'conditional';

/** Every action the set allows (unconditionally or under conditions), in the catalogue's spelling. */
export function grantedActions(set: PolicySet, catalog: ActionCatalog): Map<string, Grant> {
  const candidates = new Set<string>();
  for (const st of set.identity) {
    if (st.effect !== 'Allow') continue;
    if (st.actions) for (const p of st.actions) for (const a of catalog.expand(p)) candidates.add(a);
    else {
      const excluded = new Set(st.notActions!.flatMap((p) => catalog.expand(p)).map((a) => a.toLowerCase()));
      for (const a of catalog.all()) if (!excluded.has(a.toLowerCase())) candidates.add(a);
    }
  }
  const out = new Map<string, Grant>();
  for (const a of candidates) {
    const d = decide(set, a);
    if (d === 'allowed' || d === 'conditional') out.set(a, d);
  }
  return out;
}

/** Memoises grants per distinct policy set (many principals share the same policies). */
export class GrantCache {
  private readonly cache = new Map<string, Map<string, Grant>>();
  constructor(private readonly catalog: ActionCatalog) {}

  get(set: PolicySet): Map<string, Grant> {
    // Where a statement came from does not change what it grants.
    const key = JSON.stringify([set.identity, set.boundary ?? null, set.scps ?? null], (k, v: unknown) => (k === 'source' ? undefined : v));
    let hit = this.cache.get(key);
    if (!hit) this.cache.set(key, (hit = grantedActions(set, this.catalog)));
    return hit;
  }
}
