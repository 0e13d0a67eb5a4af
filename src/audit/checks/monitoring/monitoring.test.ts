import { describe, expect, it } from 'vitest';
import { runAllCases, type Cases } from '../../lib/check-cases.js';
import { trail, trailCalls } from '../../lib/fixtures.js';
import { fail, memorySnapshot } from '../../lib/memory.js';
import { MONITORING_CHECKS } from './index.js';
import { CIS_PATTERNS } from './metric_filters.js';

const R = 'us-east-1';
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:security';
const snap = (calls: Record<string, unknown>) => memorySnapshot({ calls: Object.fromEntries(Object.entries(calls).map(([k, v]) => [`${R}/${k}`, v])) });
const monitored = (pattern: string, subscription = 'arn:aws:sns:us-east-1:111122223333:security:abc', extra: Record<string, unknown> = {}) =>
  snap({
    ...trailCalls(),
    'logs-describe-metric-filters': { metricFilters: [{ filterName: 'f', logGroupName: 'trail', filterPattern: pattern, metricTransformations: [{ metricName: 'm', metricNamespace: 'CIS' }] }] },
    'cloudwatch-describe-alarms': { MetricAlarms: [{ AlarmName: 'a', MetricName: 'm', Namespace: 'CIS', AlarmActions: [TOPIC] }] },
    [`sns-list-subscriptions-by-topic/${TOPIC}`]: { Subscriptions: [{ SubscriptionArn: subscription, Protocol: 'email' }] },
    ...extra,
  });

const table: Record<string, Cases> = {};
for (const c of MONITORING_CHECKS) {
  const pattern = CIS_PATTERNS[c.id]!;
  table[c.id] = {
    pass: monitored(pattern),
    // The same pattern with its last distinguishing term removed no longer covers the control.
    fail: monitored('{ ($.eventName = SomethingElse) }'),
    unknown: [
      memorySnapshot({ calls: { [`${R}/sts-get-caller-identity`]: {} } }),
      snap({ ...trailCalls() }),
      monitored(pattern, 'x', { [`sns-list-subscriptions-by-topic/${TOPIC}`]: fail() }),
    ],
  };
}

describe('CIS 4.x monitoring checks', () => {
  runAllCases(MONITORING_CHECKS, table);
  const check = MONITORING_CHECKS[0]!;
  it('fails when the only subscriber is pending confirmation', () => {
    expect(check.run(monitored(CIS_PATTERNS[check.id]!, 'PendingConfirmation')).map((r) => r.status)).toEqual(['fail']);
  });
  it('fails when the trail is not multi-region', () => {
    const s = snap({ ...trailCalls(trail({ IsMultiRegionTrail: false })) });
    expect(check.run(s).map((r) => r.reason)).toEqual(['no multi-region trail delivers to CloudWatch Logs']);
  });
});
