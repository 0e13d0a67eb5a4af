/**
 * IAM's evaluation logic for one principal's identity-side policies: an explicit Deny anywhere wins; otherwise the
 * identity policies must Allow, and so must the permissions boundary (when set) and every SCP level (when
 * collected). Statements with conditions make the result `conditional`: vigil does not know the request context,
 * so such a grant is shown for what it is, never silently counted as granted (nor a conditional Deny as denied).
 */
import type { Statement } from './policy.js';
import { actionMatches, resourceMatches } from './wildcard.js';

export type Decision = 'allowed' | 'conditional' | 'denied' | 'not-granted';

export interface PolicySet {
  /** Inline and managed policies of the principal (and of a user's groups). */
  identity: Statement[];
  /** The permissions boundary, when one is attached. */
  boundary?: Statement[];
  /** SCPs, one entry per level of the organisation (root, OU..., account): each must allow. */
  scps?: Statement[][];
}

type LayerResult = 'denied' | 'allowed' | 'conditional' | 'none';

/**
 * Is `action` allowed on `resource`? Without a resource the question is "on some resource": an Allow scoped to
 * any resource counts, and a Deny counts only when it covers every resource.
 */
export function decide(set: PolicySet, action: string, resource?: string): Decision {
  const layers = [set.identity, ...(set.boundary ? [set.boundary] : []), ...(set.scps ?? [])];
  const results = layers.map((l) => evaluateLayer(l, action, resource));
  if (results.includes('denied')) return 'denied';
  if (results.includes('none')) return 'not-granted';
  return results.includes('conditional') ? 'conditional' : 'allowed';
}

export function evaluateLayer(statements: Statement[], action: string, resource?: string): LayerResult {
  let allow = false;
  let conditionalAllow = false;
  let conditionalDeny = false;
  for (const st of statements) {
    if (!matchesAction(st, action)) continue;
    if (st.effect === 'Deny') {
      if (!denyCovers(st, resource)) continue;
      if (st.condition) conditionalDeny = true;
      else return 'denied';
    } else {
      if (!allowCovers(st, resource)) continue;
      if (st.condition) conditionalAllow = true;
      else allow = true;
    }
  }
  if (allow && !conditionalDeny) return 'allowed';
  return allow || conditionalAllow ? 'conditional' : 'none';
}

export function matchesAction(st: Statement, action: string): boolean {
  if (st.actions) return st.actions.some((p) => actionMatches(p, action));
  return !st.notActions!.some((p) => actionMatches(p, action));
}

const coversEverything = (p: string) => p === '*' || p === 'arn:*';

function allowCovers(st: Statement, resource?: string): boolean {
  if (resource === undefined) {
    if (st.resources) return st.resources.length > 0;
    if (st.notResources) return !st.notResources.some(coversEverything);
    return false;
  }
  return resourceCovers(st, resource);
}

function denyCovers(st: Statement, resource?: string): boolean {
  if (resource === undefined) return !!st.resources?.some(coversEverything);
  return resourceCovers(st, resource);
}

function resourceCovers(st: Statement, resource: string): boolean {
  if (st.resources) return st.resources.some((p) => resourceMatches(p, resource));
  if (st.notResources) return !st.notResources.some((p) => resourceMatches(p, resource));
  return false;
}
