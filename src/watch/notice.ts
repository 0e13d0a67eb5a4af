/**
 * A Notice is what leaves vigil for people and systems: a detection alert, an audit finding that changed, or an
 * enforcement action. Every sink (Slack, webhook, SNS, Jira, file) and the outbox speak this one shape, so the
 * daemon, scheduled audits and the Lambda form route and deliver them the same way.
 */
import type { Alert } from '../detect/alerts.js';
import type { Finding } from '../audit/types.js';
import type { Severity } from '../audit/check.js';

export type NoticeKind = 'alert' | 'finding' | 'enforcement';

export interface Notice {
  /** Stable: the same alert or finding change always has the same id (the outbox's dedup key). */
  id: string;
  kind: NoticeKind;
  title: string;
  severity: Severity;
  /** Rule id (alerts), check id (findings) or action id (enforcement). */
  source: string;
  account: string | null;
  region: string | null;
  tags: string[];
  /** ISO time of what it reports (first event of an alert, audit time of a finding change). */
  time: string;
  /** One line for chat titles and ticket summaries. */
  summary: string;
  /** The full alert, finding or action record as JSON. */
  body: Record<string, unknown>;
}

export function noticeFromAlert(a: Alert): Notice {
  const who = a.actor ?? 'unknown principal';
  const where = [a.account, a.region].filter(Boolean).join('/');
  return {
    id: `alert:${a.id}`,
    kind: 'alert',
    title: a.rule.title,
    severity: a.severity,
    source: a.rule.id,
    account: a.account,
    region: a.region,
    tags: a.tags,
    time: a.firstSeen,
    summary: `${a.rule.title}: ${who}${where ? ` in ${where}` : ''}${a.count > 1 ? ` (${a.count} events)` : ''}`,
    body: a as unknown as Record<string, unknown>,
  };
}

/** A finding whose status changed in an audit (new, reopened or resolved); `auditId` makes each change distinct. */
export function noticeFromFinding(f: Finding, change: 'new' | 'reopened' | 'resolved', auditId: string): Notice {
  return {
    id: `finding:${f.id}:${change}:${auditId}`,
    kind: 'finding',
    title: f.title,
    severity: f.severity,
    source: f.check,
    account: f.account,
    region: f.region,
    tags: Object.entries(f.tags ?? {}).map(([k, v]) => `${k}=${v}`),
    time: f.lastSeen,
    summary: `${change === 'resolved' ? 'Resolved' : change === 'reopened' ? 'Reopened' : 'New'}: ${f.title} — ${f.resourceName ?? f.resource}`,
    body: f as unknown as Record<string, unknown>,
  };
}
