import picomatch from 'picomatch';
import type { Notice } from '../notice.js';
import type { Route } from './config.js';

const RANK = { critical: 4, high: 3, medium: 2, low: 1, info: 0 } as const;

/** Globs where `!glob` excludes: a value passes when it matches a positive glob (or there are none) and no negative. */
function globList(globs: string[]): (value: string) => boolean {
  const pos = globs.filter((g) => !g.startsWith('!')).map((g) => picomatch(g, { dot: true }));
  const neg = globs.filter((g) => g.startsWith('!')).map((g) => picomatch(g.slice(1), { dot: true }));
  return (v) => (pos.length === 0 || pos.some((m) => m(v))) && !neg.some((m) => m(v));
}

/** A sink's route as a predicate over notices; an empty route accepts everything. */
export function routePredicate(route: Route): (n: Notice) => boolean {
  const rules = route.rules?.length ? globList(route.rules) : undefined;
  const tags = route.tags?.length ? route.tags.map((g) => picomatch(g, { dot: true })) : undefined;
  const accounts = route.accounts?.length ? globList(route.accounts) : undefined;
  const min = route.minSeverity ? RANK[route.minSeverity] : undefined;
  const kinds = route.kinds?.length ? new Set(route.kinds) : undefined;
  return (n) =>
    (min === undefined || (RANK[n.severity] ?? 0) >= min) &&
    (!kinds || kinds.has(n.kind)) &&
    (!rules || rules(n.source)) &&
    (!tags || n.tags.some((t) => tags.some((m) => m(t)))) &&
    (!accounts || (n.account !== null && accounts(n.account)));
}
