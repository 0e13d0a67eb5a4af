/** Classic (elb) and application/network (elbv2) load balancer attributes: one row per control. */
import type { Check } from '../../check.js';
import { arr, get, type Json, type Where } from '../../lib/snapshot.js';
import { attributeChecks, type AttributeRow } from '../../lib/table.js';
import type { SnapshotReader } from '../../../snapshot/types.js';

/** The v1 attribute block (LoadBalancerAttributes) or v2 key/value list, as a lookup. */
function v1Attributes(lb: Json, w: Where, snap: SnapshotReader) {
  const got = get(snap, w.account, w.region, 'elb-describe-load-balancer-attributes', lb.LoadBalancerName);
  return got.ok ? { ok: true as const, attrs: got.data.LoadBalancerAttributes ?? {} } : { ok: false as const, reason: got.reason };
}
function v2Attributes(lb: Json, w: Where, snap: SnapshotReader) {
  const got = get(snap, w.account, w.region, 'elbv2-describe-load-balancer-attributes', lb.LoadBalancerArn);
  if (!got.ok) return { ok: false as const, reason: got.reason };
  return { ok: true as const, attrs: Object.fromEntries(arr(got.data.Attributes).map((a) => [a.Key, a.Value])) as Record<string, string> };
}

const v1 = (f: (attrs: Json) => string | undefined): AttributeRow['bad'] => (lb, w, snap) => {
  const a = v1Attributes(lb, w, snap);
  return a.ok ? f(a.attrs) : { unknown: a.reason };
};
const v2 = (types: string[], f: (attrs: Record<string, string>) => string | undefined): AttributeRow['bad'] => (lb, w, snap) => {
  if (!types.includes(lb.Type ?? 'application')) return null;
  const a = v2Attributes(lb, w, snap);
  return a.ok ? f(a.attrs) : { unknown: a.reason };
};
const desync = (a: Json) => arr(a.AdditionalAttributes).find((x) => x.Key === 'elb.http.desyncmitigationmode')?.Value ?? 'defensive';

const V1_ROWS: AttributeRow[] = [
  {
    id: 'elb_desync_mitigation_strictest',
    title: 'Classic load balancers use the strictest desync mitigation mode',
    severity: 'low',
    description:
      'elb.http.desyncmitigationmode is "strictest" (unset means the default, "defensive"). CloudMapper raises when the attribute block has no AdditionalAttributes, aborting the rest of the region\'s audit; vigil treats unset as the default.',
    risk: 'Ambiguous HTTP requests can be smuggled past the load balancer to the backends.',
    bad: v1((a) => (desync(a) !== 'strictest' ? `desync mitigation ${desync(a)}` : undefined)),
    console: 'EC2 > Load balancers > lb > Attributes > Desync mitigation mode: Strictest.',
    cli: 'aws elb modify-load-balancer-attributes --load-balancer-name <lb> --load-balancer-attributes "{\\"AdditionalAttributes\\":[{\\"Key\\":\\"elb.http.desyncmitigationmode\\",\\"Value\\":\\"strictest\\"}]}"',
    references: ['https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/config-desync-mitigation-mode.html'],
    cloudmapper: 'ELBV1_DESYNC_MITIGATION',
  },
  {
    id: 'elb_desync_mitigation_defensive',
    title: 'Classic load balancers are not in monitor desync mode',
    severity: 'medium',
    description: 'elb.http.desyncmitigationmode is defensive or strictest, never monitor.',
    risk: 'In monitor mode, request smuggling is only logged, not stopped.',
    bad: v1((a) => (desync(a) === 'monitor' ? 'desync mitigation monitor' : undefined)),
    console: 'EC2 > Load balancers > lb > Attributes > Desync mitigation mode: Defensive or Strictest.',
    fsbp: ['ELB.14'],
  },
  {
    id: 'elb_access_logs',
    title: 'Classic load balancers log access',
    severity: 'low',
    description: 'AccessLog.Enabled is true.',
    risk: 'Requests reaching the application cannot be investigated.',
    bad: v1((a) => (a.AccessLog?.Enabled !== true ? 'access logs off' : undefined)),
    console: 'EC2 > Load balancers > lb > Attributes > Access logs: Enable.',
    fsbp: ['ELB.5'],
  },
  {
    id: 'elb_cross_zone',
    title: 'Classic load balancers balance across zones',
    severity: 'low',
    description: 'CrossZoneLoadBalancing.Enabled is true.',
    risk: 'Uneven load and reduced availability when a zone has fewer healthy targets.',
    bad: v1((a) => (a.CrossZoneLoadBalancing?.Enabled !== true ? 'cross-zone load balancing off' : undefined)),
    console: 'EC2 > Load balancers > lb > Attributes > Cross-zone load balancing: Enable.',
    fsbp: ['ELB.9'],
  },
  {
    id: 'elb_connection_draining',
    title: 'Classic load balancers drain connections',
    severity: 'low',
    description: 'ConnectionDraining.Enabled is true.',
    risk: 'In-flight requests are cut when instances deregister.',
    bad: v1((a) => (a.ConnectionDraining?.Enabled !== true ? 'connection draining off' : undefined)),
    console: 'EC2 > Load balancers > lb > Attributes > Connection draining: Enable.',
    fsbp: ['ELB.7'],
  },
];

const V2_ROWS: AttributeRow[] = [
  {
    id: 'elbv2_drop_invalid_headers',
    title: 'Application load balancers drop invalid HTTP headers',
    severity: 'low',
    description: 'routing.http.drop_invalid_header_fields.enabled is true on application load balancers (the attribute does not exist on network or gateway load balancers, which are skipped).',
    risk: 'Malformed headers enable HTTP request smuggling and desync attacks against the backends.',
    bad: v2(['application'], (a) => (a['routing.http.drop_invalid_header_fields.enabled'] !== 'true' ? 'invalid header fields are forwarded' : undefined)),
    console: 'EC2 > Load balancers > alb > Attributes > Drop invalid header fields: On.',
    cli: 'aws elbv2 modify-load-balancer-attributes --load-balancer-arn <arn> --attributes Key=routing.http.drop_invalid_header_fields.enabled,Value=true',
    references: ['https://portswigger.net/web-security/request-smuggling'],
    fsbp: ['ELB.4'],
    cloudmapper: 'REQUEST_SMUGGLING',
  },
  {
    id: 'elbv2_desync_mitigation',
    title: 'Application load balancers are not in monitor desync mode',
    severity: 'medium',
    description: 'routing.http.desync_mitigation_mode is defensive or strictest.',
    risk: 'In monitor mode, request smuggling is only logged, not stopped.',
    bad: v2(['application'], (a) => (a['routing.http.desync_mitigation_mode'] === 'monitor' ? 'desync mitigation monitor' : undefined)),
    console: 'EC2 > Load balancers > alb > Attributes > Desync mitigation mode: Defensive or Strictest.',
    fsbp: ['ELB.12'],
  },
  {
    id: 'elbv2_deletion_protection',
    title: 'Load balancers have deletion protection',
    severity: 'low',
    description: 'deletion_protection.enabled is true.',
    risk: 'A mistaken or malicious call removes the entry point of the application.',
    bad: v2(['application', 'network', 'gateway'], (a) => (a['deletion_protection.enabled'] !== 'true' ? 'deletion protection off' : undefined)),
    console: 'EC2 > Load balancers > lb > Attributes > Deletion protection: On.',
    fsbp: ['ELB.6'],
  },
  {
    id: 'elbv2_access_logs',
    title: 'Application and network load balancers log access',
    severity: 'low',
    description: 'access_logs.s3.enabled is true.',
    risk: 'Requests reaching the application cannot be investigated.',
    bad: v2(['application', 'network'], (a) => (a['access_logs.s3.enabled'] !== 'true' ? 'access logs off' : undefined)),
    console: 'EC2 > Load balancers > lb > Attributes > Access logs: On.',
    fsbp: ['ELB.5'],
  },
];

export const ELB_CHECKS_V1: Check[] = attributeChecks(
  {
    service: 'elb',
    resourceType: 'AwsElbLoadBalancer',
    spec: {
      call: 'elb-describe-load-balancers',
      items: (d) => arr(d.LoadBalancerDescriptions),
      id: (lb, w) => `arn:${w.partition}:elasticloadbalancing:${w.region}:${w.account}:loadbalancer/${lb.LoadBalancerName}`,
      name: (lb) => lb.LoadBalancerName,
    },
  },
  V1_ROWS,
);

export const ELB_CHECKS_V2: Check[] = attributeChecks(
  {
    service: 'elbv2',
    resourceType: 'AwsElbv2LoadBalancer',
    spec: { call: 'elbv2-describe-load-balancers', items: (d) => arr(d.LoadBalancers), id: (lb) => lb.LoadBalancerArn, name: (lb) => lb.LoadBalancerName },
  },
  V2_ROWS,
);
