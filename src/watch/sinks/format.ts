/** What chat messages and tickets show of a notice, whatever its kind: who did it and what it touched. */
import type { Notice } from '../notice.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

export function actorOf(n: Notice): string | undefined {
  return str(n.body.actor);
}

export function resourcesOf(n: Notice): string[] {
  const b = n.body;
  if (Array.isArray(b.resources)) return b.resources.filter((r): r is string => typeof r === 'string');
  const one = str(b.resourceName) ?? str(b.resource) ?? str(b.target);
  return one ? [one] : [];
}

/** Did this notice report a finding that is now resolved (comment on its ticket, do not open one)? */
export function isResolution(n: Notice): boolean {
  return n.kind === 'finding' && (n.body.change === 'resolved' || /:resolved:/.test(n.id));
}

export function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
