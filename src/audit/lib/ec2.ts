/** EC2 shapes: instances out of reservations, ARNs, and what a security-group or NACL rule opens. */
import { arr, tagsOf, type Json, type Where } from './snapshot.js';

export function instancesOf(data: Json): Json[] {
  return arr(data.Reservations)
    .flatMap((r: Json) => arr(r.Instances))
    .filter((i: Json) => i.State?.Name !== 'terminated');
}

export function ec2Arn(w: Where, type: string, id: string): string {
  return `arn:${w.partition}:ec2:${w.region}:${w.account}:${type}/${id}`;
}

export function nameTag(item: Json): string | undefined {
  return tagsOf(item.Tags)?.Name;
}

/** Does a rule (IpPermission or NACL entry) cover `port` for TCP? All-traffic rules (-1) cover everything. */
export function coversPort(rule: Json, port: number): boolean {
  const proto = String(rule.IpProtocol ?? rule.Protocol ?? '');
  if (proto === '-1' || proto === 'all') return true;
  if (proto !== 'tcp' && proto !== '6') return false;
  const from = rule.FromPort ?? rule.PortRange?.From;
  const to = rule.ToPort ?? rule.PortRange?.To;
  if (from === undefined || to === undefined) return true;
  return from <= port && port <= to;
}

export const WORLD_V4 = '0.0.0.0/0';
export const WORLD_V6 = '::/0';

/** The IPv4 and IPv6 source CIDRs of an ingress permission. */
export function ruleCidrs(perm: Json): { cidr: string; v6: boolean; description?: string }[] {
  return [
    ...arr(perm.IpRanges).map((r: Json) => ({ cidr: String(r.CidrIp), v6: false, description: r.Description })),
    ...arr(perm.Ipv6Ranges).map((r: Json) => ({ cidr: String(r.CidrIpv6), v6: true, description: r.Description })),
  ];
}

interface WorldPerm {
  perm: Json;
  v4: boolean;
  v6: boolean;
}
// The port checks all ask the same first question of each group: which permissions are open to the world?
const worldPerms = new WeakMap<Json, WorldPerm[]>();
function worldPermsOf(sg: Json): WorldPerm[] {
  let w = worldPerms.get(sg);
  if (!w) {
    w = arr(sg.IpPermissions)
      .map((perm: Json) => {
        const cidrs = ruleCidrs(perm);
        return { perm, v4: cidrs.some((c) => c.cidr === WORLD_V4), v6: cidrs.some((c) => c.cidr === WORLD_V6) };
      })
      .filter((x) => x.v4 || x.v6);
    worldPerms.set(sg, w);
  }
  return w;
}

/** Ingress permissions of a security group open to the world (v4 and/or v6) that cover `port` (any port if undefined). */
export function worldOpen(sg: Json, port: number | undefined, family: 'v4' | 'v6' | 'any' = 'any'): Json[] {
  return worldPermsOf(sg)
    .filter((w) => (family === 'v4' ? w.v4 : family === 'v6' ? w.v6 : true))
    .map((w) => w.perm)
    .filter((p: Json) => (port === undefined ? String(p.IpProtocol) === '-1' : coversPort(p, port)));
}

export function describePerm(p: Json): string {
  const proto = String(p.IpProtocol) === '-1' ? 'all traffic' : `${p.IpProtocol} ${p.FromPort}-${p.ToPort}`;
  return `${proto} from ${ruleCidrs(p).map((c) => c.cidr).join(', ')}`;
}
