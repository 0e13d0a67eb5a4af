/**
 * revoke-public-ingress: an AuthorizeSecurityGroupIngress that opened ports to 0.0.0.0/0 or ::/0 → revoke exactly
 * those permissions (the public ranges of that call; other ranges it added, and the rest of the group, stay).
 */
import { DescribeSecurityGroupsCommand, RevokeSecurityGroupIngressCommand, type IpPermission } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../clients.js';
import { accountOf, items, path, succeeded, text, type EnforcementAction, type Target } from './types.js';

const PUBLIC_V4 = '0.0.0.0/0';
const PUBLIC_V6 = '::/0';

/** The public part of the call's permissions, in the SDK's shape. */
export function publicPermissions(requestParameters: unknown): IpPermission[] {
  const out: IpPermission[] = [];
  for (const p of items(path(requestParameters, 'ipPermissions'))) {
    const v4 = items(p.ipRanges).filter((r) => r.cidrIp === PUBLIC_V4);
    const v6 = items(p.ipv6Ranges).filter((r) => r.cidrIpv6 === PUBLIC_V6);
    if (!v4.length && !v6.length) continue;
    const perm: IpPermission = { IpProtocol: String(p.ipProtocol ?? '-1') };
    if (p.fromPort !== undefined && p.fromPort !== null) perm.FromPort = Number(p.fromPort);
    if (p.toPort !== undefined && p.toPort !== null) perm.ToPort = Number(p.toPort);
    if (v4.length) perm.IpRanges = [{ CidrIp: PUBLIC_V4 }];
    if (v6.length) perm.Ipv6Ranges = [{ CidrIpv6: PUBLIC_V6 }];
    out.push(perm);
  }
  return out;
}

const samePorts = (a: IpPermission, b: IpPermission) =>
  String(a.IpProtocol) === String(b.IpProtocol) && (a.IpProtocol === '-1' || (Number(a.FromPort ?? -1) === Number(b.FromPort ?? -1) && Number(a.ToPort ?? -1) === Number(b.ToPort ?? -1)));

/** Of `wanted`, the ranges the group still has (revoking a range that is gone fails the whole call). */
export function stillOpen(wanted: IpPermission[], current: IpPermission[]): IpPermission[] {
  const out: IpPermission[] = [];
  for (const w of wanted) {
    const have = current.filter((c) => samePorts(w, c));
    const v4 = (w.IpRanges ?? []).filter((r) => have.some((c) => (c.IpRanges ?? []).some((x) => x.CidrIp === r.CidrIp)));
    const v6 = (w.Ipv6Ranges ?? []).filter((r) => have.some((c) => (c.Ipv6Ranges ?? []).some((x) => x.CidrIpv6 === r.CidrIpv6)));
    if (!v4.length && !v6.length) continue;
    out.push({ ...w, IpRanges: v4.length ? v4 : undefined, Ipv6Ranges: v6.length ? v6 : undefined });
  }
  return out;
}

interface Detail extends Record<string, unknown> {
  groupId: string;
  permissions: IpPermission[];
}

export const revokePublicIngress: EnforcementAction = {
  id: 'revoke-public-ingress',
  verb: 'Revoke public ingress',
  targets(rec) {
    if (rec.eventName !== 'AuthorizeSecurityGroupIngress' || !succeeded(rec)) return [];
    const groupId = text(path(rec, 'requestParameters', 'groupId'));
    const permissions = publicPermissions(rec.requestParameters);
    if (!groupId || !permissions.length) return [];
    return [{ label: groupId, account: accountOf(rec), region: text(rec.awsRegion) ?? 'us-east-1', detail: { groupId, permissions } satisfies Detail }];
  },
  async read(t: Target, aws: AwsClients) {
    const { groupId } = t.detail as Detail;
    const r = await aws.ec2(t.account, t.region).send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
    const g = r.SecurityGroups?.[0];
    return { groupId, ipPermissions: g?.IpPermissions ?? [] };
  },
  needed(t, before) {
    return stillOpen((t.detail as Detail).permissions, (before as { ipPermissions: IpPermission[] }).ipPermissions).length > 0;
  },
  async apply(t, aws, before) {
    const d = t.detail as Detail;
    const perms = stillOpen(d.permissions, (before as { ipPermissions: IpPermission[] }).ipPermissions);
    await aws.ec2(t.account, t.region).send(new RevokeSecurityGroupIngressCommand({ GroupId: d.groupId, IpPermissions: perms }));
  },
};
