/** Alert output formats: terminal lines, JSON lines, CSV and OCSF Detection Finding (class 2004). */
import { renderCsv } from '../cli/output.js';
import type { Alert } from './alerts.js';

const OCSF_SEVERITY: Record<Alert['severity'], number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };

export function alertLine(a: Alert): string {
  const who = a.actor ?? 'unknown actor';
  const where = [a.account, a.region].filter(Boolean).join('/');
  const ips = a.sourceIps.length ? ` from ${a.sourceIps.slice(0, 3).join(', ')}` : '';
  return `[${a.severity.toUpperCase()}] ${a.rule.id}: ${a.rule.title} — ${who}${ips} ${where ? `in ${where} ` : ''}×${a.count} ${a.firstSeen}..${a.lastSeen} (${a.id})`;
}

export const CSV_COLUMNS = ['id', 'rule', 'title', 'severity', 'count', 'firstSeen', 'lastSeen', 'actor', 'account', 'region', 'sourceIps', 'resources', 'techniques', 'eventIds'];

export function alertsCsv(alerts: Alert[]): string {
  const rows = alerts.map((a) => ({
    id: a.id,
    rule: a.rule.id,
    title: a.rule.title,
    severity: a.severity,
    count: a.count,
    firstSeen: a.firstSeen,
    lastSeen: a.lastSeen,
    actor: a.actor,
    account: a.account,
    region: a.region,
    sourceIps: a.sourceIps.join(' '),
    resources: a.resources.join(' '),
    techniques: a.mitre.techniques.join(' '),
    eventIds: a.eventIds.join(' '),
  }));
  return renderCsv(CSV_COLUMNS, rows);
}

/** OCSF 1.x Detection Finding (category 2 Findings, class 2004), activity 1 Create. */
export function toOcsf(a: Alert): Record<string, unknown> {
  return {
    class_uid: 2004,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: 1,
    activity_name: 'Create',
    type_uid: 200401,
    severity_id: OCSF_SEVERITY[a.severity],
    severity: a.severity === 'info' ? 'Informational' : a.severity[0]!.toUpperCase() + a.severity.slice(1),
    status_id: 1,
    status: 'New',
    time: Date.parse(a.lastSeen),
    count: a.count,
    start_time: Date.parse(a.firstSeen),
    end_time: Date.parse(a.lastSeen),
    metadata: { version: '1.1.0', product: { name: 'vigil', vendor_name: 'vigil' }, uid: a.id },
    finding_info: {
      uid: a.id,
      title: a.rule.title,
      analytic: { uid: a.rule.id, name: a.rule.title, type_id: 1, type: 'Rule' },
      first_seen_time: Date.parse(a.firstSeen),
      last_seen_time: Date.parse(a.lastSeen),
      attacks: a.mitre.techniques.map((t) => ({ technique: { uid: t }, tactics: a.mitre.tactics.map((x) => ({ name: x })), version: '14' })),
      related_events: a.eventIds.map((uid) => ({ uid })),
    },
    actor: a.actor ? { user: { uid: a.actor } } : undefined,
    cloud: { provider: 'AWS', account: a.account ? { uid: a.account } : undefined, region: a.region ?? undefined },
    src_endpoint: a.sourceIps[0] ? { ip: a.sourceIps[0] } : undefined,
    resources: a.resources.map((uid) => ({ uid })),
    unmapped: { source_ips: a.sourceIps, event_names: a.eventNames },
  };
}

export type AlertFormat = 'text' | 'json' | 'csv' | 'ocsf';

/** One alert as one line (text, JSON line or OCSF line); CSV is written whole by alertsCsv. */
export function formatAlert(a: Alert, f: AlertFormat): string {
  if (f === 'json') return JSON.stringify(a);
  if (f === 'ocsf') return JSON.stringify(toOcsf(a));
  return alertLine(a);
}
