/**
 * Granted versus used for one principal: what its policies allow (expanded and evaluated), what the lake shows it
 * did in the window, and for each action one status, CloudTracker's: used, unused, unknown (CloudTrail cannot
 * tell), or used but not granted (any more) by its identity policies.
 */
import { loadCatalog, type ActionCatalog } from '../iam/catalog.js';
import { GrantCache, type Grant } from '../iam/grants.js';
import { policySetOf, type IamPrincipal } from '../iam/authdetails.js';
import { lakeOf, type LakeSource } from '../athena/lake.js';
import { loggedDataTypes, recordingOf } from './coverage.js';
import { accountId, findPrincipal, type Granted } from './granted.js';
import { actionsForEvent, servicePrefix } from './mapping.js';
import { loadSessions, roleNameMatches, sessionsOf, type RoleSession } from './sessions.js';
import { eventUsage, lakeCoverage, type Actor, type EventUsage, type Window } from './used.js';
import { UsageError } from '../util/errors.js';

export type Status = 'used' | 'unused' | 'unknown' | 'used-not-granted';

export interface ActionStatus {
  action: string;
  status: Status;
  /** Granted only under the policy's conditions. */
  conditional?: boolean;
  count?: number;
  last?: string;
  /** Why unknown. */
  reason?: string;
}

export interface FailedAttempt {
  action: string;
  errorCode: string;
  count: number;
  last: string;
}

export interface ReviewRequest {
  user?: string;
  role?: string;
  group?: string;
  /** With user: the role the user's sessions assumed. */
  destrole?: string;
  /** Account (id or snapshot name) of the role. */
  destaccount?: string;
  window: Window;
}

export interface PrincipalReview {
  /** The principal whose grants are reviewed. */
  principal: { kind: IamPrincipal['kind']; name: string; arn: string; account: string };
  /** Whose calls count as use (e.g. "alice's sessions as admin"). */
  actor: string;
  actions: ActionStatus[];
  failed: FailedAttempt[];
  sessions: RoleSession[];
  warnings: string[];
}

/** Failed calls AWS refused for lack of permission. */
export const isDenial = (code: string | null) => !!code && /AccessDenied|Unauthorized|Forbidden|NotAuthorized/i.test(code);

/** Used actions (successful calls) and failed attempts, keyed by action, from event aggregates. */
export function actionsUsed(rows: EventUsage[], catalog: ActionCatalog): { used: Map<string, { count: number; last: string }>; failed: FailedAttempt[] } {
  const used = new Map<string, { count: number; last: string }>();
  const failed = new Map<string, FailedAttempt>();
  for (const r of rows) {
    for (const raw of actionsForEvent(r.eventsource, r.eventname)) {
      const action = catalog.canonical(raw);
      if (r.failed) {
        const code = r.errorcode ?? 'error';
        const k = `${action}\0${code}`;
        const f = failed.get(k) ?? { action, errorCode: code, count: 0, last: '' };
        f.count += r.n;
        if (r.last > f.last) f.last = r.last;
        failed.set(k, f);
      } else {
        const u = used.get(action) ?? { count: 0, last: '' };
        u.count += r.n;
        if (r.last > u.last) u.last = r.last;
        used.set(action, u);
      }
    }
  }
  return { used, failed: [...failed.values()].sort((a, b) => a.action.localeCompare(b.action) || a.errorCode.localeCompare(b.errorCode)) };
}

export interface Coverage {
  /** The lake holds events of the principal's account in the window. */
  accountInLake: boolean;
  /** Data-event types logged in full (snapshot selectors). */
  dataTypes: Set<string>;
  /** Event sources whose data events are in the lake for the account. */
  dataSources: Set<string>;
}

/** One status per action granted or used. */
export function statuses(grants: Map<string, Grant>, used: Map<string, { count: number; last: string }>, cov: Coverage): ActionStatus[] {
  const out: ActionStatus[] = [];
  const dataLogged = (action: string, type: string) =>
    cov.dataTypes.has(type) || [...cov.dataSources].some((s) => servicePrefix(s) === action.split(':')[0]!.toLowerCase());
  for (const [action, grant] of grants) {
    const u = used.get(action);
    const s: ActionStatus = { action, status: 'unused' };
    if (grant === 'conditional') s.conditional = true;
    if (u) Object.assign(s, { status: 'used', count: u.count, last: u.last });
    else if (!cov.accountInLake) Object.assign(s, { status: 'unknown', reason: 'no events of this account in the lake for the window' });
    else {
      const rec = recordingOf(action);
      if (rec.kind === 'unrecorded') Object.assign(s, { status: 'unknown', reason: 'CloudTrail does not record this action' });
      else if (rec.kind === 'data' && !dataLogged(action, rec.type)) Object.assign(s, { status: 'unknown', reason: `data event (${rec.type}) not logged by this account's trails` });
    }
    out.push(s);
  }
  for (const [action, u] of used) if (!grants.has(action)) out.push({ action, status: 'used-not-granted', count: u.count, last: u.last });
  return out.sort((a, b) => a.action.localeCompare(b.action));
}

/** Whose grants and whose calls a request names. */
export async function resolveRequest(lake: LakeSource, g: Granted, req: ReviewRequest): Promise<{ principal: IamPrincipal; actor: Actor; label: string; sessions: RoleSession[] }> {
  const dest = accountId(g, req.destaccount);
  const given = [req.user, req.role, req.group].filter(Boolean).length;
  if (given === 0) throw new UsageError('access: give --user, --role or --group');
  if (req.group && given > 1) throw new UsageError('access: --group goes alone');
  const destrole = req.destrole ?? (req.user && req.role ? req.role : undefined);
  if (req.user && destrole) {
    const principal = findPrincipal(g, 'role', destrole, dest, (n) => roleNameMatches(n, destrole));
    const sessions = sessionsOf(await loadSessions(lake), req.user, destrole, principal.account);
    const actor: Actor = {
      kind: 'sessions',
      keys: sessions.map((s) => s.accessKeyId),
      roleNames: [...new Set(sessions.map((s) => s.roleName))],
      sourceIdentities: [...new Set(sessions.flatMap((s) => (s.sourceIdentity ? [s.sourceIdentity] : [])))],
      account: principal.account,
    };
    return { principal, actor, label: `${req.user}'s sessions as ${principal.name} (${principal.account})`, sessions };
  }
  if (req.destrole) throw new UsageError('access: --destrole needs --user (whose sessions in that role)');
  if (req.user) {
    const principal = findPrincipal(g, 'user', req.user, dest);
    return { principal, actor: { kind: 'user', name: principal.name, account: principal.account || undefined }, label: `user ${principal.name}`, sessions: [] };
  }
  if (req.role) {
    const principal = findPrincipal(g, 'role', req.role, dest);
    return { principal, actor: { kind: 'role', name: principal.name, account: principal.account || undefined }, label: `every session of role ${principal.name}`, sessions: [] };
  }
  const principal = findPrincipal(g, 'group', req.group!, dest);
  const members = g.models.find((m) => m.account === principal.account)!.principals.filter((p) => p.kind === 'user' && p.groups.includes(principal.name)).map((p) => p.name);
  return { principal, actor: { kind: 'users', names: members, account: principal.account || undefined }, label: `members of group ${principal.name} (${members.length})`, sessions: [] };
}

export async function coverageFor(src: LakeSource, g: Granted, account: string, w: Window, lake?: Map<string, Set<string>>): Promise<Coverage> {
  const perAccount = lake ?? (await lakeCoverage(src, w, account));
  return {
    accountInLake: perAccount.has(account),
    dataSources: perAccount.get(account) ?? new Set(),
    dataTypes: g.snapshot ? loggedDataTypes(g.snapshot, account) : new Set(),
  };
}

/** `src`: the lake to read (a Store is the local one; an AthenaLake runs the same queries on Athena). */
export async function reviewPrincipal(src: LakeSource, g: Granted, req: ReviewRequest): Promise<PrincipalReview> {
  const lake = lakeOf(src);
  const catalog = await loadCatalog();
  const { principal, actor, label, sessions } = await resolveRequest(lake, g, req);
  const grants = new GrantCache(catalog).get(policySetOf(principal, g.scps));
  const { used, failed } = actionsUsed(await eventUsage(lake, actor, req.window), catalog);
  const cov = await coverageFor(lake, g, principal.account, req.window);
  const warnings = [...g.warnings];
  if (principal.missingPolicies.length) warnings.push(`${principal.kind} ${principal.name}: policies not in the IAM details (${principal.missingPolicies.join(', ')}); grants may be incomplete`);
  if (!cov.accountInLake) warnings.push(`the lake holds no events of account ${principal.account} in the window: nothing can be called unused`);
  if (actor.kind === 'sessions' && sessions.length === 0) warnings.push(`no session of ${req.user} in ${principal.name} found in the lake`);
  return {
    principal: { kind: principal.kind, name: principal.name, arn: principal.arn, account: principal.account },
    actor: label,
    actions: statuses(grants, used, cov),
    failed,
    sessions,
    warnings,
  };
}
