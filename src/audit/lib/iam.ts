/** IAM data for checks: GetAccountAuthorizationDetails as principals with their effective policy documents. */
import type { Partition, SnapshotReader } from '../../snapshot/types.js';
import { adminVerdict, statements, type Statement } from './policy.js';
import { arr, getGlobal, parseJson, type Got, type Json } from './snapshot.js';
import type { Check, CheckMeta } from '../check.js';
import { defineCheck } from './define.js';
import { memo } from './memo.js';
import { accountArn, forEachAccount, Results } from './snapshot.js';

export interface AuthDetails {
  users: Json[];
  roles: Json[];
  groups: Json[];
  policies: Json[];
  region: string;
}

export function authDetails(snap: SnapshotReader, account: string): Got<AuthDetails> & { region: string } {
  return memo(snap, `auth-details:${account}`, () => readAuthDetails(snap, account));
}

function readAuthDetails(snap: SnapshotReader, account: string): Got<AuthDetails> & { region: string } {
  const got = getGlobal(snap, account, 'iam-get-account-authorization-details');
  if (!got.ok) return got;
  const d = got.data;
  return {
    ok: true,
    region: got.region,
    data: {
      users: arr(d.UserDetailList),
      roles: arr(d.RoleDetailList),
      groups: arr(d.GroupDetailList),
      policies: arr(d.Policies),
      region: got.region,
    },
  };
}

/** The default version's document of a managed policy (undefined when absent). */
export function defaultPolicyDocument(policy: Json): Json | undefined {
  const v = arr(policy.PolicyVersionList).find((x: Json) => x.IsDefaultVersion);
  return v ? parseJson(typeof v.Document === 'string' ? decodeURIComponent(v.Document) : v.Document) : undefined;
}

const byArnCache = new WeakMap<AuthDetails, Map<string, Json>>();
function policiesByArn(d: AuthDetails): Map<string, Json> {
  let m = byArnCache.get(d);
  if (!m) {
    m = new Map(d.policies.map((p: Json) => [p.Arn, p]));
    byArnCache.set(d, m);
  }
  return m;
}

export interface NamedPolicy {
  /** `arn` for managed policies, `inline:<name>` for inline ones. */
  name: string;
  managedArn?: string;
  statements: Statement[];
}

export interface PrincipalPolicies {
  policies: NamedPolicy[];
  /** Managed policies attached but whose document is not in the snapshot. */
  missing: string[];
}

const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\//;
export function isAwsManaged(arn: string): boolean {
  return AWS_MANAGED.test(arn);
}

/** Every policy that applies to a user/role/group (users include their groups' policies). */
const principalCache = new WeakMap<Json, PrincipalPolicies>();
export function principalPolicies(d: AuthDetails, principal: Json, kind: 'user' | 'role' | 'group'): PrincipalPolicies {
  let pp = principalCache.get(principal);
  if (!pp) principalCache.set(principal, (pp = readPrincipalPolicies(d, principal, kind)));
  return pp;
}

function readPrincipalPolicies(d: AuthDetails, principal: Json, kind: 'user' | 'role' | 'group'): PrincipalPolicies {
  const byArn = policiesByArn(d);
  const out: PrincipalPolicies = { policies: [], missing: [] };
  const inlineKey = kind === 'user' ? 'UserPolicyList' : kind === 'role' ? 'RolePolicyList' : 'GroupPolicyList';
  const add = (entity: Json, inlineList: string) => {
    for (const p of arr(entity[inlineList])) {
      const doc = parseJson(typeof p.PolicyDocument === 'string' ? decodeURIComponent(p.PolicyDocument) : p.PolicyDocument);
      out.policies.push({ name: `inline:${p.PolicyName}`, statements: statements(doc) ?? [] });
    }
    for (const a of arr(entity.AttachedManagedPolicies)) {
      const pol = byArn.get(a.PolicyArn);
      const doc = pol ? defaultPolicyDocument(pol) : undefined;
      if (doc === undefined) out.missing.push(a.PolicyArn);
      else out.policies.push({ name: a.PolicyArn, managedArn: a.PolicyArn, statements: statements(doc) ?? [] });
    }
  };
  add(principal, inlineKey);
  if (kind === 'user') {
    for (const groupName of arr<string>(principal.GroupList)) {
      const g = d.groups.find((x: Json) => x.GroupName === groupName);
      if (g) add(g, 'GroupPolicyList');
    }
  }
  return out;
}

/** All statements of a principal, flattened. */
export function allStatements(pp: PrincipalPolicies): Statement[] {
  return pp.policies.flatMap((p) => p.statements);
}

/** Every principal as [kind, entity, arn, name]. */
export function principals(d: AuthDetails): [kind: 'user' | 'role' | 'group', entity: Json, arn: string, name: string][] {
  return [
    ...d.users.map((u: Json) => ['user', u, u.Arn, u.UserName] as ['user', Json, string, string]),
    ...d.roles.map((r: Json) => ['role', r, r.Arn, r.RoleName] as ['role', Json, string, string]),
    ...d.groups.map((g: Json) => ['group', g, g.Arn, g.GroupName] as ['group', Json, string, string]),
  ];
}

/** The trust policy of a role (URL-encoded in raw IAM responses, already decoded by most SDKs). */
export function trustStatements(role: Json): Statement[] {
  const doc = role.AssumeRolePolicyDocument;
  return statements(typeof doc === 'string' ? parseJson(doc) ?? parseJson(decodeURIComponent(doc)) : doc) ?? [];
}

/** AWS services named in a trust policy's Allow statements. */
export function trustedServices(role: Json): string[] {
  return trustStatements(role)
    .filter((s) => s.effect === 'Allow' && s.principal && typeof s.principal === 'object')
    .flatMap((s) => arr<string>((s.principal as Json).Service));
}

export interface PolicyDocument {
  /** The policy ARN (managed) or the principal ARN (inline). */
  resource: string;
  name: string;
  kind: 'customer' | 'aws' | 'inline';
  statements: Statement[];
  raw: Json;
  /** Attachments (managed policies). */
  attachments?: number;
}

/** Every policy document of the account: managed (customer and AWS, as collected) and every principal's inline ones. */
const documentsCache = new WeakMap<AuthDetails, PolicyDocument[]>();
export function policyDocuments(d: AuthDetails): PolicyDocument[] {
  let docs = documentsCache.get(d);
  if (!docs) documentsCache.set(d, (docs = readPolicyDocuments(d)));
  return docs;
}

function readPolicyDocuments(d: AuthDetails): PolicyDocument[] {
  const out: PolicyDocument[] = [];
  for (const p of d.policies) {
    const doc = defaultPolicyDocument(p);
    if (doc === undefined) continue;
    out.push({
      resource: p.Arn,
      name: p.PolicyName ?? p.Arn,
      kind: isAwsManaged(p.Arn) ? 'aws' : 'customer',
      statements: statements(doc) ?? [],
      raw: doc,
      attachments: p.AttachmentCount,
    });
  }
  for (const [kind, entity, arn] of principals(d)) {
    const key = kind === 'user' ? 'UserPolicyList' : kind === 'role' ? 'RolePolicyList' : 'GroupPolicyList';
    for (const p of arr(entity[key])) {
      const doc = parseJson(typeof p.PolicyDocument === 'string' ? decodeURIComponent(p.PolicyDocument) : p.PolicyDocument);
      out.push({ resource: arn, name: `${arn} inline ${p.PolicyName}`, kind: 'inline', statements: statements(doc) ?? [], raw: doc });
    }
  }
  return out;
}

export interface IamContext {
  account: string;
  region: string;
  partition: Partition;
  snap: SnapshotReader;
  res: Results;
}

/** A check over one account's IAM authorization details (unknown for the account when they are missing). */
export function iamCheck(meta: CheckMeta, fn: (d: AuthDetails, ctx: IamContext) => void): Check {
  return defineCheck({
    ...meta,
    run(snap, emit) {
      const res = new Results(emit);
      forEachAccount(snap, (account, partition) => {
        const d = authDetails(snap, account);
        if (!d.ok) return res.unknown(accountArn(partition, account), account, d.region, d.reason);
        fn(d.data, { account, region: d.region, partition, snap, res });
      });
      return res.list;
    },
  });
}

/** Effective admin verdict for a principal; undefined when an attached policy's document is missing. */
export function principalAdmin(d: AuthDetails, entity: Json, kind: 'user' | 'role' | 'group', privs?: string[]) {
  const pp = principalPolicies(d, entity, kind);
  const stmts = allStatements(pp);
  const verdict = adminVerdict(stmts, privs);
  if (verdict.admin) return verdict;
  // AdministratorAccess is admin even when its document was not collected.
  if (pp.missing.some((a) => /:iam::aws:policy\/AdministratorAccess$/.test(a))) return { admin: true, why: 'AdministratorAccess attached' };
  if (pp.missing.length) return undefined;
  return verdict;
}
