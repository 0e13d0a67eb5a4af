/**
 * Security groups. State: name, VPC and the ingress/egress rules, kept as one rule per source (CIDR, IPv6 CIDR,
 * group or prefix list) so Authorize and Revoke events (either API shape) and snapshots compare rule by rule.
 */
import { at, items, str } from '../event.js';
import type { Json, TrailRecord } from '../types.js';
import { arnScheme, createdAt, fromItem, idAt, type Kind } from './kind.js';

export interface SgRule {
  direction: 'ingress' | 'egress';
  protocol: string;
  fromPort: number | null;
  toPort: number | null;
  /** 0.0.0.0/0, ::/0, sg-..., pl-... */
  source: string;
  ruleId?: string;
}

const port = (v: unknown): number | null => (v === undefined || v === null || v === '' ? null : Number(v));
const proto = (v: unknown): string => (v === undefined || v === null ? '-1' : String(v).toLowerCase());

/** Rules from EC2's `ipPermissions` (CloudTrail: `{items}` lists, lower camelCase; snapshots: arrays, PascalCase). */
function rulesFromPermissions(perms: Json, direction: SgRule['direction']): SgRule[] {
  const out: SgRule[] = [];
  for (const p of items(perms)) {
    const base = { direction, protocol: proto(p.ipProtocol ?? p.IpProtocol), fromPort: port(p.fromPort ?? p.FromPort), toPort: port(p.toPort ?? p.ToPort) };
    const sources = [
      ...items(p.ipRanges ?? p.IpRanges).map((r) => r.cidrIp ?? r.CidrIp),
      ...items(p.ipv6Ranges ?? p.Ipv6Ranges).map((r) => r.cidrIpv6 ?? r.CidrIpv6),
      ...items(p.groups ?? p.UserIdGroupPairs).map((r) => r.groupId ?? r.GroupId),
      ...items(p.prefixListIds ?? p.PrefixListIds).map((r) => r.prefixListId ?? r.PrefixListId),
    ].filter((s): s is string => typeof s === 'string');
    for (const source of sources) out.push({ ...base, source });
  }
  return out;
}

/** A rule in the newer shape (responses' securityGroupRuleSet, ModifySecurityGroupRules' request). */
function ruleFromRuleShape(r: Json, direction?: SgRule['direction']): SgRule | undefined {
  const source = r.cidrIpv4 ?? r.CidrIpv4 ?? r.cidrIpv6 ?? r.CidrIpv6 ?? r.referencedGroupInfo?.groupId ?? r.ReferencedGroupId ?? r.prefixListId ?? r.PrefixListId;
  if (typeof source !== 'string') return undefined;
  const egress = r.isEgress ?? r.IsEgress;
  return {
    direction: direction ?? (egress === true || egress === 'true' ? 'egress' : 'ingress'),
    protocol: proto(r.ipProtocol ?? r.IpProtocol),
    fromPort: port(r.fromPort ?? r.FromPort),
    toPort: port(r.toPort ?? r.ToPort),
    source,
    ...((r.securityGroupRuleId ?? r.SecurityGroupRuleId) ? { ruleId: r.securityGroupRuleId ?? r.SecurityGroupRuleId } : {}),
  };
}

/** The rules an Authorize/Revoke event names: its response's rule set (with ids) when there, else its request. */
function eventRules(rec: TrailRecord, direction: SgRule['direction'], useResponse: boolean): SgRule[] {
  if (useResponse) {
    const fromResponse = items(at(rec, 'responseElements.securityGroupRuleSet')).map((r) => ruleFromRuleShape(r, direction)).filter((r): r is SgRule => !!r);
    if (fromResponse.length) return fromResponse;
  }
  const rp = at(rec, 'requestParameters') ?? {};
  const rules = rulesFromPermissions(rp.ipPermissions, direction);
  // The older flat form: cidrIp / sourceSecurityGroupName with ipProtocol and ports at the top.
  if (typeof rp.cidrIp === 'string') rules.push({ direction, protocol: proto(rp.ipProtocol), fromPort: port(rp.fromPort), toPort: port(rp.toPort), source: rp.cidrIp });
  return rules;
}

const sameRule = (a: SgRule, b: SgRule) =>
  (a.ruleId && b.ruleId && a.ruleId === b.ruleId) ||
  (a.direction === b.direction && a.protocol === b.protocol && a.fromPort === b.fromPort && a.toPort === b.toPort && a.source === b.source);

function addRules(state: Json, rules: SgRule[]): Json {
  const current: SgRule[] = [...(state.rules ?? [])];
  for (const r of rules) {
    const i = current.findIndex((c) => sameRule(c, r));
    if (i < 0) current.push(r);
    else if (r.ruleId) current[i] = { ...current[i]!, ruleId: r.ruleId };
  }
  return { ...state, rules: current };
}

function removeRules(state: Json, rules: SgRule[], ruleIds: string[]): Json {
  const current: SgRule[] = state.rules ?? [];
  return { ...state, rules: current.filter((c) => !(c.ruleId && ruleIds.includes(c.ruleId)) && !rules.some((r) => sameRule(c, r))) };
}

const ruleIdsOf = (rec: TrailRecord) =>
  items(at(rec, 'requestParameters.securityGroupRuleIds')).map((x) => x.securityGroupRuleId ?? x).filter((x): x is string => typeof x === 'string');

/** ModifySecurityGroupRules: one or several `SecurityGroupRule` entries (id + new definition). */
function modifiedRules(rec: TrailRecord): SgRule[] {
  const req = at(rec, 'requestParameters.ModifySecurityGroupRulesRequest') ?? {};
  const entries = Array.isArray(req.SecurityGroupRule) ? req.SecurityGroupRule : req.SecurityGroupRule ? [req.SecurityGroupRule] : [];
  const out: SgRule[] = [];
  for (const e of entries) {
    const r = ruleFromRuleShape(e.SecurityGroupRule ?? {});
    if (r && e.SecurityGroupRuleId) out.push({ ...r, ruleId: e.SecurityGroupRuleId });
  }
  return out;
}

const authorize = (direction: SgRule['direction']) => ({
  action: 'modify' as const,
  targets: idAt('requestParameters.groupId'),
  request: (rec: TrailRecord) => ({ authorized: eventRules(rec, direction, true) }),
  apply: (s: Json, req: Json) => addRules(s, req.authorized ?? []),
});

const revoke = (direction: SgRule['direction']) => ({
  action: 'modify' as const,
  targets: idAt('requestParameters.groupId'),
  request: (rec: TrailRecord) => ({ revoked: eventRules(rec, direction, false), ruleIds: ruleIdsOf(rec) }),
  apply: (s: Json, req: Json) => removeRules(s, req.revoked ?? [], req.ruleIds ?? []),
});

/** Open to the whole internet: an ingress rule from any /0 range (0.0.0.0/0, ::/0, and oddities like x.y.z.w/0). */
export function isWorldOpen(rule: SgRule): boolean {
  return rule.direction === 'ingress' && /\/0$/.test(rule.source);
}

/** The world-open ingress rules an event adds (Authorize or Modify), for detections. */
export function worldOpenedBy(rec: TrailRecord): SgRule[] {
  const name = str(rec, 'eventName');
  const added = name === 'AuthorizeSecurityGroupIngress' ? eventRules(rec, 'ingress', true) : name === 'ModifySecurityGroupRules' ? modifiedRules(rec) : [];
  return added.filter(isWorldOpen);
}

export const securityGroup: Kind = {
  type: 'security-group',
  eventSource: 'ec2.amazonaws.com',
  global: false,
  ...arnScheme('ec2', 'security-group/'),
  events: {
    CreateSecurityGroup: {
      action: 'create',
      targets: createdAt(['responseElements.groupId'], 'responseElements.securityGroupArn'),
      request: (rec) => ({ groupName: str(rec, 'requestParameters.groupName') ?? null, description: str(rec, 'requestParameters.groupDescription') ?? null, vpcId: str(rec, 'requestParameters.vpcId') ?? null }),
      // A new VPC security group allows all outbound traffic until told otherwise.
      apply: (_s, req) => ({ ...req, rules: req.vpcId ? [{ direction: 'egress', protocol: '-1', fromPort: null, toPort: null, source: '0.0.0.0/0' }] : [] }),
    },
    DeleteSecurityGroup: { action: 'delete', targets: idAt('requestParameters.groupId') },
    AuthorizeSecurityGroupIngress: authorize('ingress'),
    AuthorizeSecurityGroupEgress: authorize('egress'),
    RevokeSecurityGroupIngress: revoke('ingress'),
    RevokeSecurityGroupEgress: revoke('egress'),
    ModifySecurityGroupRules: {
      action: 'modify',
      targets: idAt('requestParameters.ModifySecurityGroupRulesRequest.GroupId'),
      request: (rec) => ({ modified: modifiedRules(rec) }),
      apply: (s, req) => {
        const rules: SgRule[] = [...(s.rules ?? [])];
        for (const m of req.modified ?? []) {
          const i = rules.findIndex((r) => r.ruleId === m.ruleId);
          // A rule from a snapshot has no id: the old definition cannot be found, so the new one is added.
          if (i >= 0) rules[i] = { ...m, direction: rules[i]!.direction };
          else rules.push(m);
        }
        return { ...s, rules };
      },
    },
  },
  fromSnapshot: fromItem('GroupId', (c) => ({
    groupName: c.GroupName ?? null,
    description: c.Description ?? null,
    vpcId: c.VpcId ?? null,
    rules: [...rulesFromPermissions(c.IpPermissions, 'ingress'), ...rulesFromPermissions(c.IpPermissionsEgress, 'egress')],
  })),
};
