/**
 * Detections that need history: an action is worse when the principal doing it was itself created moments ago
 * (a freshly made backdoor user or role, used at once). Alerts have the detection engine's shape and stable ids.
 */
import type { Store } from '../store/store.js';
import { AlertAggregator, factsOf, type Alert } from '../detect/alerts.js';
import type { Rule } from '../detect/rule.js';
import { epochOf } from '../detect/alerts.js';
import { failed, principalKeyOf, str } from './event.js';
import { changesOf } from './extract.js';
import { worldOpenedBy } from './kinds/security-group.js';
import { inChunks } from './record.js';
import type { TrailRecord } from './types.js';

/** "Created recently": less than this before the event. */
export const NEW_PRINCIPAL_SECONDS = 24 * 3600;

interface HistoryRule {
  rule: Rule;
  /** Does the event itself qualify (before asking about its principal)? */
  matches(rec: TrailRecord): boolean;
}

const rule = (id: string, title: string, description: string, tags: string[], keys: string[]): Rule => ({
  id,
  title,
  description,
  severity: 'high',
  tags,
  format: 'native',
  file: 'src/history/detect.ts',
  dedup: { seconds: NEW_PRINCIPAL_SECONDS, keys },
  generate: true,
  tests: [],
  warnings: [],
});

export const HISTORY_RULES: HistoryRule[] = [
  {
    rule: rule(
      'history.instance-launched-by-new-principal',
      'EC2 instances launched by a principal created in the last 24 hours',
      'RunInstances by an IAM user or role that was created less than 24 hours before: a new backdoor principal put to use, or crypto-mining.',
      ['attack.defense-evasion', 'attack.t1578.002', 'attack.persistence', 'attack.t1136.003'],
      ['userIdentity.arn'],
    ),
    matches: (rec) => str(rec, 'eventSource') === 'ec2.amazonaws.com' && str(rec, 'eventName') === 'RunInstances',
  },
  {
    rule: rule(
      'history.sg-opened-by-principal-created-today',
      'Security group opened to the internet by a principal created in the last 24 hours',
      'An ingress rule from 0.0.0.0/0 or ::/0 added by an IAM user or role created less than 24 hours before.',
      ['attack.defense-evasion', 'attack.t1562.007'],
      ['userIdentity.arn', 'requestParameters.groupId'],
    ),
    matches: (rec) => str(rec, 'eventSource') === 'ec2.amazonaws.com' && worldOpenedBy(rec).length > 0,
  },
];

/** Creation times (epoch seconds) of these principals: from the store and from creations in the batch itself. */
async function creationTimes(store: Store, keys: string[], records: TrailRecord[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  const add = (k: string, t: string) => out.set(k, [...(out.get(k) ?? []), epochOf(t)]);
  await inChunks(keys, 500, async (chunk) => {
    const rows = await store.all<{ resource_key: string; time: string }>(
      `SELECT resource_key, time FROM history_changes WHERE action = 'create' AND resource_key IN (${chunk.map(() => '?').join(', ')})`,
      chunk,
    );
    for (const r of rows) add(r.resource_key, r.time);
  });
  const wanted = new Set(keys);
  for (const c of records.flatMap(changesOf)) if (c.action === 'create' && wanted.has(c.resourceKey)) add(c.resourceKey, c.time);
  return out;
}

export async function detect(store: Store, records: TrailRecord[]): Promise<Alert[]> {
  const candidates: { rec: TrailRecord; principal: string; rules: HistoryRule[] }[] = [];
  for (const rec of records) {
    if (failed(rec)) continue;
    const principal = principalKeyOf(rec);
    if (!principal) continue;
    const rules = HISTORY_RULES.filter((r) => r.matches(rec));
    if (rules.length) candidates.push({ rec, principal, rules });
  }
  if (candidates.length === 0) return [];
  const created = await creationTimes(store, [...new Set(candidates.map((c) => c.principal))], records);
  const agg = new AlertAggregator();
  const ordered = [...candidates].sort((a, b) => epochOf(str(a.rec, 'eventTime') ?? null) - epochOf(str(b.rec, 'eventTime') ?? null));
  for (const { rec, principal, rules } of ordered) {
    const at = epochOf(str(rec, 'eventTime') ?? null);
    // The principal's creation that precedes this event (a reused name's older creation does not count).
    const made = Math.max(...(created.get(principal) ?? []).filter((t) => t <= at), -Infinity);
    if (!(at - made < NEW_PRINCIPAL_SECONDS)) continue;
    for (const r of rules) {
      const facts = factsOf(rec, r.rule.dedup.keys);
      // RunInstances names its instances only in the response: list them as the alert's resources.
      const touched = changesOf(rec).map((c) => c.arn);
      agg.add(r.rule, { ...facts, resources: [...new Set([...facts.resources, ...touched])] });
    }
  }
  return agg.flush();
}
