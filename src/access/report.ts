/**
 * The whole estate at once: every user, group and role ranked by privileges granted but unused in the window,
 * and the users, roles and access keys not used at all. One GROUP BY over the lake for every principal's calls.
 */
import { loadCatalog } from '../iam/catalog.js';
import { GrantCache } from '../iam/grants.js';
import { policySetOf, type IamPrincipal } from '../iam/authdetails.js';
import { lakeOf, type LakeSource } from '../athena/lake.js';
import type { Granted } from './granted.js';
import { actionsUsed, coverageFor, statuses } from './review.js';
import { keysIdleSince, lakeCoverage, principalUsage, type EventUsage, type Window } from './used.js';

export interface PrincipalSummary {
  kind: IamPrincipal['kind'];
  name: string;
  account: string;
  granted: number;
  used: number;
  unused: number;
  unknown: number;
  usedNotGranted: number;
  /** Last call in the window (any outcome), if any. */
  lastSeen?: string;
}

export interface AccessKeyUse {
  user: string;
  account: string;
  accessKeyId?: string;
  /** Where we know it from. */
  source: 'lake' | 'credential-report';
  lastUsed?: string;
}

export interface AccessReport {
  window: { since?: string; until?: string };
  principals: PrincipalSummary[];
  unusedUsers: PrincipalSummary[];
  unusedRoles: PrincipalSummary[];
  unusedAccessKeys: AccessKeyUse[];
  warnings: string[];
}

interface Row extends EventUsage {
  kind: 'user' | 'role';
  account: string;
  name: string;
}

/** Every IAM user's and role's calls in the window, aggregated by event. */
async function usageByPrincipal(lake: LakeSource, w: Window): Promise<Map<string, Row[]>> {
  const rows: Row[] = await principalUsage(lake, w);
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const k = `${r.kind}\0${r.account}\0${r.name}`;
    const list = out.get(k) ?? [];
    list.push(r);
    out.set(k, list);
  }
  return out;
}

/** IAM user access keys: seen in the lake before the window but not in it, or idle per the credential report. */
async function idleAccessKeys(lake: LakeSource, g: Granted, w: Window): Promise<AccessKeyUse[]> {
  const out: AccessKeyUse[] = [];
  if (w.since) {
    const rows = await keysIdleSince(lake, w.since, w.until);
    for (const r of rows) out.push({ user: r.user, account: r.account, accessKeyId: r.key, source: 'lake', lastUsed: r.last });
  }
  const snap = g.snapshot;
  if (snap && w.since) {
    for (const acct of snap.accounts()) {
      for (const region of snap.regions(acct.id)) {
        const r = snap.call(acct.id, region, 'iam-get-credential-report');
        if (r?.status !== 'ok') continue;
        out.push(...idleInCredentialReport(r.data, acct.id, w.since));
        break;
      }
    }
  }
  return out;
}

/** Active keys whose last use (per the IAM credential report) is before `since`, or never. */
export function idleInCredentialReport(data: unknown, account: string, since: Date): AccessKeyUse[] {
  const content = (data as { Content?: string })?.Content;
  if (typeof content !== 'string') return [];
  const text = /^[A-Za-z0-9+/=\s]+$/.test(content) && !content.includes(',') ? Buffer.from(content, 'base64').toString('utf8') : content;
  const [head, ...lines] = text.trim().split('\n');
  const cols = head!.split(',');
  const out: AccessKeyUse[] = [];
  for (const line of lines) {
    const v = Object.fromEntries(line.split(',').map((x, i) => [cols[i], x]));
    for (const n of [1, 2]) {
      if (v[`access_key_${n}_active`] !== 'true') continue;
      const last = v[`access_key_${n}_last_used_date`];
      const t = last && last !== 'N/A' ? Date.parse(last) : NaN;
      if (Number.isNaN(t) || t < since.getTime()) out.push({ user: v.user!, account, source: 'credential-report', lastUsed: Number.isNaN(t) ? undefined : last });
    }
  }
  return out;
}

export async function accessReport(src: LakeSource, g: Granted, w: Window): Promise<AccessReport> {
  const lakeSrc = lakeOf(src);
  const catalog = await loadCatalog();
  const cache = new GrantCache(catalog);
  const usage = await usageByPrincipal(lakeSrc, w);
  const lake = await lakeCoverage(lakeSrc, w);
  const coverage = new Map<string, Awaited<ReturnType<typeof coverageFor>>>();
  const principals: PrincipalSummary[] = [];
  for (const m of g.models) {
    let cov = coverage.get(m.account);
    if (!cov) coverage.set(m.account, (cov = await coverageFor(lakeSrc, g, m.account, w, lake)));
    for (const p of m.principals) {
      const rows =
        p.kind === 'group'
          ? m.principals.filter((u) => u.kind === 'user' && u.groups.includes(p.name)).flatMap((u) => usage.get(`user\0${m.account}\0${u.name}`) ?? [])
          : (usage.get(`${p.kind}\0${m.account}\0${p.name}`) ?? []);
      const { used } = actionsUsed(rows, catalog);
      const st = statuses(cache.get(policySetOf(p, g.scps)), used, cov);
      const count = (s: string) => st.filter((x) => x.status === s).length;
      const lastSeen = rows.reduce<string | undefined>((a, r) => (!a || r.last > a ? r.last : a), undefined);
      principals.push({
        kind: p.kind,
        name: p.name,
        account: m.account,
        granted: st.length - count('used-not-granted'),
        used: count('used'),
        unused: count('unused'),
        unknown: count('unknown'),
        usedNotGranted: count('used-not-granted'),
        lastSeen,
      });
    }
  }
  principals.sort((a, b) => b.unused - a.unused || a.name.localeCompare(b.name));
  const idle = (k: string) => principals.filter((p) => p.kind === k && !p.lastSeen && coverage.get(p.account)?.accountInLake);
  return {
    window: { since: w.since?.toISOString(), until: w.until?.toISOString() },
    principals,
    unusedUsers: idle('user'),
    unusedRoles: idle('role'),
    unusedAccessKeys: await idleAccessKeys(lakeSrc, g, w),
    warnings: [...g.warnings, ...[...coverage].filter(([, c]) => !c.accountInLake).map(([a]) => `the lake holds no events of account ${a} in the window: its principals' use is unknown`)],
  };
}
