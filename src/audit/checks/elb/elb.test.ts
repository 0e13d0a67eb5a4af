import { describe } from 'vitest';
import { runAllCases, type Cases } from '../../lib/check-cases.js';
import { fail, memorySnapshot } from '../../lib/memory.js';
import { ELB_CHECKS } from './index.js';

const R = 'eu-central-1';
const snap = (calls: Record<string, unknown>) => memorySnapshot({ calls: Object.fromEntries(Object.entries(calls).map(([k, v]) => [`${R}/${k}`, v])) });
const missing = memorySnapshot({ calls: { [`${R}/sts-get-caller-identity`]: {} } });
const ARN = 'arn:aws:elasticloadbalancing:eu-central-1:111122223333:loadbalancer/app/web/1';
const GOOD_V1 = {
  CrossZoneLoadBalancing: { Enabled: true },
  AccessLog: { Enabled: true },
  ConnectionDraining: { Enabled: true },
  AdditionalAttributes: [{ Key: 'elb.http.desyncmitigationmode', Value: 'strictest' }],
};
const GOOD_V2: Record<string, string> = {
  'routing.http.drop_invalid_header_fields.enabled': 'true',
  'routing.http.desync_mitigation_mode': 'strictest',
  'deletion_protection.enabled': 'true',
  'access_logs.s3.enabled': 'true',
};
const classic = (attrs?: unknown) =>
  snap({ 'elb-describe-load-balancers': { LoadBalancerDescriptions: [{ LoadBalancerName: 'weblb' }] }, ...(attrs ? { 'elb-describe-load-balancer-attributes/weblb': attrs } : {}) });
const alb = (attrs?: Record<string, string>) =>
  snap({
    'elbv2-describe-load-balancers': { LoadBalancers: [{ LoadBalancerArn: ARN, LoadBalancerName: 'web', Type: 'application' }] },
    ...(attrs ? { [`elbv2-describe-load-balancer-attributes/${ARN}`]: { Attributes: Object.entries(attrs).map(([Key, Value]) => ({ Key, Value })) } } : {}),
  });
const V1_BREAK: Record<string, Record<string, unknown>> = {
  elb_desync_mitigation_strictest: { AdditionalAttributes: [{ Key: 'elb.http.desyncmitigationmode', Value: 'defensive' }] },
  elb_desync_mitigation_defensive: { AdditionalAttributes: [{ Key: 'elb.http.desyncmitigationmode', Value: 'monitor' }] },
  elb_access_logs: { AccessLog: { Enabled: false } },
  elb_cross_zone: { CrossZoneLoadBalancing: { Enabled: false } },
  elb_connection_draining: { ConnectionDraining: { Enabled: false, Timeout: 300 } },
};
const V2_BREAK: Record<string, Record<string, string>> = {
  elbv2_drop_invalid_headers: { 'routing.http.drop_invalid_header_fields.enabled': 'false' },
  elbv2_desync_mitigation: { 'routing.http.desync_mitigation_mode': 'monitor' },
  elbv2_deletion_protection: { 'deletion_protection.enabled': 'false' },
  elbv2_access_logs: { 'access_logs.s3.enabled': 'false' },
};
const table: Record<string, Cases> = {};
for (const [id, b] of Object.entries(V1_BREAK)) {
  table[id] = { pass: classic({ LoadBalancerAttributes: GOOD_V1 }), fail: classic({ LoadBalancerAttributes: { ...GOOD_V1, ...b } }), unknown: [missing, classic(), snap({ 'elb-describe-load-balancers': fail() })] };
}
for (const [id, b] of Object.entries(V2_BREAK)) {
  table[id] = { pass: alb(GOOD_V2), fail: alb({ ...GOOD_V2, ...b }), unknown: [missing, alb(), snap({ 'elbv2-describe-load-balancers': fail() })] };
}

describe('load balancer checks', () => {
  runAllCases(ELB_CHECKS, table);
});
