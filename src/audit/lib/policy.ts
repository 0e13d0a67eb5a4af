/**
 * IAM policy reading: statements, wildcard action matching (Action and NotAction), public principals with
 * the conditions that really restrict them, admin and privilege-escalation detection.
 */
import { arr, parseJson, type Json } from './snapshot.js';

export interface Statement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  principal?: Json;
  notPrincipal?: Json;
  actions: string[];
  notActions: string[];
  resources: string[];
  notResources: string[];
  condition: Record<string, Record<string, unknown>>;
  hasCondition: boolean;
  raw: Json;
}

/** Statements of a policy document (object or JSON string); undefined if it cannot be read. */
export function statements(doc: unknown): Statement[] | undefined {
  const d = parseJson(doc);
  if (!d || typeof d !== 'object') return undefined;
  if (d.Statement === undefined) return [];
  return arr(d.Statement).map((s: Json) => {
    const condition = s.Condition && typeof s.Condition === 'object' ? s.Condition : {};
    return {
      sid: s.Sid,
      effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
      principal: s.Principal,
      notPrincipal: s.NotPrincipal,
      actions: arr<string>(s.Action),
      notActions: arr<string>(s.NotAction),
      resources: arr<string>(s.Resource),
      notResources: arr<string>(s.NotResource),
      condition,
      hasCondition: Object.keys(condition).length > 0,
      raw: s,
    };
  });
}

const patternCache = new Map<string, RegExp>();
/** IAM wildcard match (`*`, `?`), case-insensitive as IAM actions are. */
export function wildcardMatch(pattern: string, value: string): boolean {
  let re = patternCache.get(pattern);
  if (!re) {
    re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
    patternCache.set(pattern, re);
  }
  return re.test(value);
}

/** Does the statement's Action/NotAction cover `action`? */
export function coversAction(stmt: Statement, action: string): boolean {
  if (stmt.notActions.length) return !stmt.notActions.some((p) => wildcardMatch(p, action));
  return stmt.actions.some((p) => wildcardMatch(p, action));
}

/** Does the statement apply to every resource (`*`, or NotResource)? */
export function onAllResources(stmt: Statement): boolean {
  return stmt.resources.includes('*') || stmt.notResources.length > 0;
}

/** Actions that let a principal make itself (or anyone) an administrator. */
export const PRIVILEGE_ESCALATION_ACTIONS = [
  'iam:AttachUserPolicy',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:PutUserPolicy',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:AddUserToGroup',
  'iam:AddRoleToInstanceProfile',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:UpdateAssumeRolePolicy',
  'iam:DetachUserPolicy',
  'iam:DetachGroupPolicy',
  'iam:DetachRolePolicy',
  'iam:DeleteUserPolicy',
  'iam:DeleteRolePolicy',
  'iam:DeleteUserPermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
];

/**
 * Is `action` granted on all resources without condition by these statements (an unconditioned Deny on all
 * resources removes it)? This is the "can do X to anything" question admin detection asks.
 */
export function grantsUnrestricted(stmts: Statement[], action: string): boolean {
  const allowed = stmts.some((s) => s.effect === 'Allow' && !s.hasCondition && onAllResources(s) && coversAction(s, action));
  if (!allowed) return false;
  return !stmts.some((s) => s.effect === 'Deny' && !s.hasCondition && s.resources.includes('*') && coversAction(s, action));
}

/** Full `*:*` administrator: every action on every resource. */
export function grantsFullAdmin(stmts: Statement[]): boolean {
  return stmts.some(
    (s) => s.effect === 'Allow' && !s.hasCondition && s.resources.includes('*') && s.actions.some((a) => a === '*' || a === '*:*'),
  );
}

export interface AdminVerdict {
  admin: boolean;
  why?: string;
}

/** Admin, directly (`*`, a NotAction allow) or through a privilege-escalation action, on all resources. */
export function adminVerdict(stmts: Statement[], privs: string[] = PRIVILEGE_ESCALATION_ACTIONS): AdminVerdict {
  if (grantsFullAdmin(stmts)) return { admin: true, why: 'allows * on *' };
  for (const p of privs) if (grantsUnrestricted(stmts, p)) return { admin: true, why: `allows ${p} on *` };
  return { admin: false };
}

/** Unconditioned Allow with NotAction on every resource: almost always grants more than meant. */
export function notActionAllows(stmts: Statement[]): Statement[] {
  return stmts.filter((s) => s.effect === 'Allow' && s.notActions.length > 0 && onAllResources(s) && !s.hasCondition);
}

// ---- public principals ----

/** Condition keys that pin a request to known accounts, organisations, networks or sources. */
const RESTRICTING_KEYS = new Set(
  [
    'aws:SourceArn',
    'aws:SourceAccount',
    'aws:SourceOwner',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceIp',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:PrincipalServiceName',
    'aws:userid',
    'aws:username',
    'aws:ResourceOrgID',
    'kms:CallerAccount',
    'kms:ViaService',
    'lambda:EventSourceToken',
    'sts:ExternalId',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
  ].map((k) => k.toLowerCase()),
);
const POSITIVE_OPERATOR = /^(ForAnyValue:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress)$/i;

function openValue(key: string, v: unknown): boolean {
  const s = String(v);
  if (s === '*') return true;
  if (key === 'aws:sourceip') return s === '0.0.0.0/0' || s === '::/0';
  return false;
}

/** Does the statement's condition limit who can use it (so `Principal: *` is not really public)? */
export function conditionRestricts(stmt: Statement): boolean {
  for (const [op, block] of Object.entries(stmt.condition)) {
    // IfExists passes when the key is absent; ForAllValues passes on an empty set; negations exclude only a few.
    if (!POSITIVE_OPERATOR.test(op) || !block || typeof block !== 'object') continue;
    for (const [k, values] of Object.entries(block)) {
      const key = k.toLowerCase();
      if (!RESTRICTING_KEYS.has(key)) continue;
      const vs = arr(values);
      if (vs.length && !vs.some((v) => openValue(key, v))) return true;
    }
  }
  return false;
}

/** Is the principal everyone (`*`, `{"AWS": "*"}`, `{"CanonicalUser": "*"}`)? */
export function principalIsEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  return Object.entries(principal as Record<string, unknown>).some(
    ([type, v]) => type !== 'Service' && type !== 'Federated' && arr(v).some((p) => p === '*'),
  );
}

/** Statements that let anyone on the internet in (NotPrincipal allows count too). */
export function publicStatements(stmts: Statement[]): Statement[] {
  return stmts.filter(
    (s) => s.effect === 'Allow' && (principalIsEveryone(s.principal) || s.notPrincipal !== undefined) && !conditionRestricts(s),
  );
}

/** AWS account ids named as principals (`123456789012`, `arn:aws:iam::123456789012:root`, role ARNs...). */
export function principalAccounts(principal: unknown): string[] {
  const out = new Set<string>();
  const aws = principal && typeof principal === 'object' ? (principal as Record<string, unknown>).AWS : principal;
  for (const p of arr<string>(aws)) {
    if (typeof p !== 'string') continue;
    const m = /^(\d{12})$/.exec(p) ?? /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(p);
    if (m) out.add(m[1]!);
  }
  return [...out];
}
