/**
 * The IAM model of one account from `iam:GetAccountAuthorizationDetails` (a snapshot's
 * `iam-get-account-authorization-details`, or a saved `aws iam get-account-authorization-details` output):
 * users, groups and roles with the statements that apply to each.
 */
import { UsageError } from '../util/errors.js';
import type { PolicySet } from './evaluate.js';
import { parsePolicy, type Statement } from './policy.js';

export type PrincipalKind = 'user' | 'group' | 'role';

export interface IamPrincipal {
  kind: PrincipalKind;
  name: string;
  arn: string;
  account: string;
  /** Inline and managed policies, and for users those of their groups. */
  identity: Statement[];
  boundary?: Statement[];
  /** Names of a user's groups. */
  groups: string[];
  created?: string;
  /** Managed policies attached but absent from the details: the grant is incomplete. */
  missingPolicies: string[];
}

export interface IamModel {
  account: string;
  principals: IamPrincipal[];
  source: string;
}

interface AttachedJson {
  PolicyArn: string;
  PolicyName?: string;
}
interface InlineJson {
  PolicyName: string;
  PolicyDocument: unknown;
}
interface EntityJson {
  Arn: string;
  CreateDate?: string;
  AttachedManagedPolicies?: AttachedJson[];
  PermissionsBoundary?: { PermissionsBoundaryArn: string };
  UserName?: string;
  GroupName?: string;
  RoleName?: string;
  UserPolicyList?: InlineJson[];
  GroupPolicyList?: InlineJson[];
  RolePolicyList?: InlineJson[];
  GroupList?: string[];
}
interface ManagedJson {
  Arn: string;
  DefaultVersionId?: string;
  PolicyVersionList?: { Document: unknown; VersionId?: string; IsDefaultVersion?: boolean }[];
}

const arr = <T>(v: unknown, where: string): T[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new UsageError(`${where}: expected a list`);
  return v as T[];
};

const accountOfArn = (arn: string) => arn.split(':')[4] ?? '';

export function parseAuthorizationDetails(data: unknown, source: string, accountHint?: string): IamModel {
  if (!data || typeof data !== 'object') throw new UsageError(`${source}: not an IAM authorization details document`);
  const d = data as Record<string, unknown>;
  if (!('UserDetailList' in d) && !('RoleDetailList' in d)) {
    throw new UsageError(`${source}: not an IAM authorization details document (no UserDetailList/RoleDetailList)`);
  }
  const managed = new Map<string, Statement[]>();
  for (const p of arr<ManagedJson>(d.Policies, `${source}: Policies`)) {
    const versions = p.PolicyVersionList ?? [];
    const v = versions.find((x) => x.IsDefaultVersion) ?? versions.find((x) => x.VersionId === p.DefaultVersionId);
    if (v) managed.set(p.Arn, parsePolicy(v.Document, `${source}: ${p.Arn}`));
  }
  const users = arr<EntityJson>(d.UserDetailList, `${source}: UserDetailList`);
  const groups = arr<EntityJson>(d.GroupDetailList, `${source}: GroupDetailList`);
  const roles = arr<EntityJson>(d.RoleDetailList, `${source}: RoleDetailList`);
  const account = accountHint ?? majorityAccount([...users, ...groups, ...roles].map((e) => accountOfArn(e.Arn)));

  const own = (e: EntityJson, inline: InlineJson[] | undefined, name: string) => {
    const missing: string[] = [];
    const st = arr<InlineJson>(inline, `${source}: ${name}`).flatMap((p) => parsePolicy(p.PolicyDocument, `${source}: ${name} inline ${p.PolicyName}`));
    for (const a of arr<AttachedJson>(e.AttachedManagedPolicies, `${source}: ${name}.AttachedManagedPolicies`)) {
      const m = managed.get(a.PolicyArn);
      if (m) st.push(...m);
      else missing.push(a.PolicyArn);
    }
    return { st, missing };
  };
  const boundaryOf = (e: EntityJson, missing: string[]) => {
    const arn = e.PermissionsBoundary?.PermissionsBoundaryArn;
    if (!arn) return undefined;
    const b = managed.get(arn);
    if (!b) missing.push(arn);
    // An unknown boundary still limits: model it as granting nothing we can see, so nothing is claimed as granted.
    return b ?? [];
  };

  const groupPrincipals = new Map<string, IamPrincipal>();
  for (const g of groups) {
    const { st, missing } = own(g, g.GroupPolicyList, `group ${g.GroupName}`);
    groupPrincipals.set(g.GroupName!, { kind: 'group', name: g.GroupName!, arn: g.Arn, account, identity: st, groups: [], created: g.CreateDate, missingPolicies: missing });
  }
  const principals: IamPrincipal[] = [...groupPrincipals.values()];
  for (const u of users) {
    const { st, missing } = own(u, u.UserPolicyList, `user ${u.UserName}`);
    const gl = arr<string>(u.GroupList, `${source}: user ${u.UserName}.GroupList`);
    for (const gname of gl) {
      const g = groupPrincipals.get(gname);
      if (g) {
        st.push(...g.identity);
        missing.push(...g.missingPolicies);
      } else missing.push(`group ${gname}`);
    }
    principals.push({ kind: 'user', name: u.UserName!, arn: u.Arn, account, identity: st, boundary: boundaryOf(u, missing), groups: gl, created: u.CreateDate, missingPolicies: missing });
  }
  for (const r of roles) {
    const { st, missing } = own(r, r.RolePolicyList, `role ${r.RoleName}`);
    principals.push({ kind: 'role', name: r.RoleName!, arn: r.Arn, account, identity: st, boundary: boundaryOf(r, missing), groups: [], created: r.CreateDate, missingPolicies: missing });
  }
  return { account, principals, source };
}

function majorityAccount(ids: string[]): string {
  const counts = new Map<string, number>();
  for (const id of ids) if (/^\d{12}$/.test(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

export function policySetOf(p: IamPrincipal, scps?: Statement[][]): PolicySet {
  return { identity: p.identity, boundary: p.boundary, scps };
}
