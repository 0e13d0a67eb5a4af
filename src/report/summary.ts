/** Figures every audit output shows: counts by result and severity, and a compliance score per account. */
import { SEVERITIES, type CheckMeta, type Severity } from '../audit/check.js';
import type { AuditReport, Finding } from '../audit/types.js';

export interface AccountScore {
  account: string;
  pass: number;
  fail: number;
  unknown: number;
  muted: number;
  /** pass / (pass + unmuted fail), in percent; null when nothing was decided. Unknown and muted are left out. */
  score: number | null;
}

export interface AuditSummary {
  results: { pass: number; fail: number; unknown: number };
  muted: number;
  /** Failing, unmuted findings by severity. */
  failing: Record<Severity, number>;
  open: number;
  changes: AuditReport['changes'];
  accounts: AccountScore[];
  checks: number;
}

export const isOpen = (f: Finding) => f.status !== 'resolved';

export function summarize(report: AuditReport): AuditSummary {
  const results = { pass: 0, fail: 0, unknown: 0 };
  const failing = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const accounts = new Map<string, AccountScore>();
  let muted = 0;
  let open = 0;
  for (const a of report.audit.accounts) accounts.set(a, { account: a, pass: 0, fail: 0, unknown: 0, muted: 0, score: null });
  for (const f of report.findings) {
    results[f.result]++;
    const acc = accounts.get(f.account) ?? { account: f.account, pass: 0, fail: 0, unknown: 0, muted: 0, score: null };
    accounts.set(f.account, acc);
    if (f.status === 'muted') {
      muted++;
      acc.muted++;
    } else acc[f.result]++;
    if (isOpen(f)) open++;
    if (f.result === 'fail' && f.status !== 'muted') failing[f.severity]++;
  }
  // Passing results an audit only counted (keepPasses: false).
  for (const [account, n] of Object.entries(report.unlisted?.byAccount ?? {})) {
    const acc = accounts.get(account) ?? { account, pass: 0, fail: 0, unknown: 0, muted: 0, score: null };
    accounts.set(account, acc);
    acc.pass += n;
    results.pass += n;
  }
  for (const a of accounts.values()) a.score = a.pass + a.fail ? Math.round((1000 * a.pass) / (a.pass + a.fail)) / 10 : null;
  return {
    results,
    muted,
    failing,
    open,
    changes: report.changes,
    accounts: [...accounts.values()].sort((x, y) => x.account.localeCompare(y.account)),
    checks: report.checks.length,
  };
}

export function checkIndex(report: AuditReport): Map<string, CheckMeta> {
  return new Map(report.checks.map((c) => [c.id, c]));
}

const RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** Most severe first, then by check and resource. */
export function bySeverity(a: Finding, b: Finding): number {
  return RANK[a.severity] - RANK[b.severity] || a.check.localeCompare(b.check) || a.resource.localeCompare(b.resource);
}
