/**
 * CIS 4.x: a metric filter for an event pattern on the log group of a logging multi-region trail, an alarm on
 * its metric, and an SNS topic with a confirmed subscriber behind the alarm.
 */
import type { SnapshotReader } from '../../snapshot/types.js';
import { accountTrails, isLogging, trailLogGroup } from './cloudtrail.js';
import type { Verdict } from './factories.js';
import { arr, get, type Json } from './snapshot.js';

/** Does a filter pattern contain every required term (whitespace and quotes normalised)? */
export function patternHas(pattern: string, terms: RegExp[]): boolean {
  const p = pattern.replace(/\s+/g, ' ');
  return terms.every((t) => t.test(p));
}

/** `$.eventName = "X"` for each name (quotes optional). */
export function eventNames(...names: string[]): RegExp[] {
  return names.map((n) => new RegExp(`\\$\\.eventName\\s*=\\s*"?${n}"?(?![A-Za-z])`));
}

function confirmedSubscribers(snap: SnapshotReader, account: string, region: string, topic: string): boolean | undefined {
  const byTopic = get(snap, account, region, 'sns-list-subscriptions-by-topic', topic);
  const all = byTopic.ok ? byTopic : get(snap, account, region, 'sns-list-subscriptions');
  if (!all.ok) return undefined;
  return arr(all.data.Subscriptions).some((s: Json) => (byTopic.ok || s.TopicArn === topic) && s.SubscriptionArn && s.SubscriptionArn !== 'PendingConfirmation');
}

export function monitoringVerdict(snap: SnapshotReader, account: string, terms: RegExp[]): Verdict {
  const t = accountTrails(snap, account);
  if (t.trails.length === 0 && t.gaps.length) return { unknown: t.gaps.join('; ') };
  const groups = t.trails
    .filter((x) => x.raw.IsMultiRegionTrail === true && isLogging(x) !== false)
    .map((x) => ({ trail: x, group: trailLogGroup(x) }))
    .filter((x): x is { trail: (typeof x)['trail']; group: { name: string; region: string } } => x.group !== undefined);
  if (!groups.length) return { bad: true, reason: 'no multi-region trail delivers to CloudWatch Logs' };
  const gaps: string[] = [];
  let stage = 'no metric filter matches the pattern';
  for (const { group } of groups) {
    const filters = get(snap, account, group.region, 'logs-describe-metric-filters');
    if (!filters.ok) {
      gaps.push(filters.reason);
      continue;
    }
    const matching = arr(filters.data.metricFilters).filter((f: Json) => f.logGroupName === group.name && patternHas(String(f.filterPattern ?? ''), terms));
    if (!matching.length) continue;
    const alarms = get(snap, account, group.region, 'cloudwatch-describe-alarms');
    if (!alarms.ok) {
      gaps.push(alarms.reason);
      continue;
    }
    stage = 'metric filter has no alarm';
    for (const f of matching) {
      for (const m of arr(f.metricTransformations)) {
        const alarm = arr(alarms.data.MetricAlarms).filter((a: Json) => a.MetricName === m.metricName && a.Namespace === m.metricNamespace);
        for (const a of alarm) {
          stage = 'alarm has no SNS action with a confirmed subscriber';
          for (const topic of arr<string>(a.AlarmActions).filter((x) => x.includes(':sns:'))) {
            const subs = confirmedSubscribers(snap, account, group.region, topic);
            if (subs === true) return { bad: false, reason: `filter ${f.filterName} → alarm ${a.AlarmName} → ${topic}` };
            if (subs === undefined) gaps.push(`subscriptions of ${topic} not collected`);
          }
        }
      }
    }
  }
  if (gaps.length) return { unknown: gaps.join('; ') };
  return { bad: true, reason: stage };
}
