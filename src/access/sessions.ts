/**
 * Role sessions in the lake: every successful AssumeRole / AssumeRoleWithSAML / AssumeRoleWithWebIdentity, with
 * the access key AWS issued (responseElements.credentials.accessKeyId) and who asked for it. A session's later
 * calls carry that key in userIdentity.accessKeyId, in whichever account the role lives (the lake holds every
 * account's trail), so "what alice did as admin" is the calls made with the keys of alice's admin sessions,
 * following role chaining (a session assuming another role) back to the person who started it.
 */
import { lakeOf, type LakeSource } from '../athena/lake.js';
import type { Dialect } from '../detect/dialect.js';

/** Who started a chain of sessions. */
export interface Origin {
  kind: 'user' | 'root' | 'federated' | 'service' | 'account' | 'role';
  /** User name, federated subject (IAM Identity Center: the user's name/e-mail), service, or role ARN. */
  name: string;
  account?: string;
}

export interface RoleSession {
  accessKeyId: string;
  roleArn: string;
  roleName: string;
  roleAccount: string;
  sessionName: string;
  via: 'AssumeRole' | 'AssumeRoleWithSAML' | 'AssumeRoleWithWebIdentity';
  time: string;
  /** The access key of the session that assumed this role (role chaining). */
  parentKey?: string;
  origin: Origin;
  /** sourceIdentity set on (or inherited by) the session. */
  sourceIdentity?: string;
}

interface SessionRow {
  eventname: string;
  eventtime: string;
  itype: string | null;
  iname: string | null;
  iaccount: string | null;
  ikey: string | null;
  iissuer: string | null;
  iinvoked: string | null;
  isource: string | null;
  rolearn: string | null;
  sessionname: string | null;
  sourceidentity: string | null;
  akey: string | null;
  subject: string | null;
}

/** The successful AssumeRole* events, in the lake's dialect (JSON reads differ between DuckDB and Athena). */
function sessionsSql(d: Dialect): string {
  const rp = (k: string) => d.jsonString('requestparameters', k.split('.'));
  const re = (k: string) => d.jsonString('responseelements', k.split('.'));
  return `
SELECT eventname, eventtime,
  useridentity.type AS itype, useridentity.username AS iname, useridentity.accountid AS iaccount,
  useridentity.accesskeyid AS ikey, useridentity.sessioncontext.sessionissuer.arn AS iissuer,
  useridentity.invokedby AS iinvoked, useridentity.sessioncontext.sourceidentity AS isource,
  ${rp('roleArn')} AS rolearn,
  ${rp('roleSessionName')} AS sessionname,
  coalesce(${rp('sourceIdentity')}, ${re('sourceIdentity')}) AS sourceidentity,
  ${re('credentials.accessKeyId')} AS akey,
  ${re('subject')} AS subject
FROM cloudtrail_logs
WHERE eventsource = 'sts.amazonaws.com'
  AND eventname IN ('AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity')
  AND (errorcode IS NULL OR errorcode = '')
ORDER BY eventtime`;
}

/** How much we trust a record of the session: the caller's side beats the role owner's `AWSAccount` copy. */
const rank = (t: string | null) => (t === 'AWSAccount' ? 0 : 1);

export async function loadSessions(src: LakeSource): Promise<Map<string, RoleSession>> {
  const lake = lakeOf(src);
  const rows = await lake.all<SessionRow & Record<string, unknown>>(sessionsSql(lake.dialect));
  const best = new Map<string, SessionRow>();
  for (const r of rows) {
    if (!r.akey || !r.rolearn) continue;
    const prev = best.get(r.akey);
    if (!prev || rank(r.itype) > rank(prev.itype)) best.set(r.akey, r);
  }
  const sessions = new Map<string, RoleSession>();
  for (const [key, r] of best) {
    const arn = r.rolearn!;
    sessions.set(key, {
      accessKeyId: key,
      roleArn: arn,
      roleName: arn.slice(arn.lastIndexOf('/') + 1),
      roleAccount: arn.split(':')[4] ?? '',
      sessionName: r.sessionname ?? '',
      via: r.eventname as RoleSession['via'],
      time: r.eventtime,
      parentKey: r.itype === 'AssumedRole' ? (r.ikey ?? undefined) : undefined,
      origin: directOrigin(r),
      sourceIdentity: r.sourceidentity ?? r.isource ?? undefined,
    });
  }
  // Role chaining: a session started by another session inherits that session's origin (and sourceIdentity).
  for (const s of sessions.values()) {
    const seen = new Set<string>([s.accessKeyId]);
    let p = s.parentKey ? sessions.get(s.parentKey) : undefined;
    let top: RoleSession | undefined;
    while (p && !seen.has(p.accessKeyId)) {
      seen.add(p.accessKeyId);
      top = p;
      p = p.parentKey ? sessions.get(p.parentKey) : undefined;
    }
    if (top) {
      s.origin = top.origin;
      s.sourceIdentity ??= top.sourceIdentity;
    }
  }
  return sessions;
}

function directOrigin(r: SessionRow): Origin {
  const account = r.iaccount ?? undefined;
  switch (r.itype) {
    case 'IAMUser':
      return { kind: 'user', name: r.iname ?? '', account };
    case 'Root':
      return { kind: 'root', name: 'root', account };
    case 'SAMLUser':
    case 'WebIdentityUser':
      return { kind: 'federated', name: r.subject ?? r.iname ?? r.sessionname ?? '', account };
    case 'AWSService':
      return { kind: 'service', name: r.iinvoked ?? '' };
    case 'AssumedRole':
      // The parent session is not in the lake: the best we know is the role it ran as.
      return { kind: 'role', name: r.iissuer ?? '', account };
    default:
      if (r.eventname !== 'AssumeRole') return { kind: 'federated', name: r.subject ?? r.sessionname ?? '', account };
      return { kind: 'account', name: r.iaccount ?? '', account };
  }
}

/** Does a role name fit `--destrole`? IAM Identity Center roles match by permission-set name too. */
export function roleNameMatches(roleName: string, wanted: string): boolean {
  if (roleName === wanted) return true;
  const sso = /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/.exec(roleName);
  return !!sso && sso[1] === wanted;
}

/** Does an origin stand for `--user name`? A federated subject also matches by its e-mail's local part. */
export function originIs(o: Origin, user: string): boolean {
  if (o.kind !== 'user' && o.kind !== 'federated') return false;
  return o.name === user || (o.kind === 'federated' && o.name.split('@')[0] === user);
}

/** The sessions `user` started (directly or by chaining) in `role` (optionally only in `account`). */
export function sessionsOf(sessions: Map<string, RoleSession>, user: string, role: string, account?: string): RoleSession[] {
  return [...sessions.values()].filter(
    (s) => originIs(s.origin, user) && roleNameMatches(s.roleName, role) && (!account || s.roleAccount === account),
  );
}
