/** CSV of findings, one row each (RFC 4180), safe to open in a spreadsheet. */
import type { AuditReport, Finding } from '../audit/types.js';

const COLUMNS: [string, (f: Finding) => unknown][] = [
  ['id', (f) => f.id],
  ['check', (f) => f.check],
  ['title', (f) => f.title],
  ['severity', (f) => f.severity],
  ['service', (f) => f.service],
  ['account', (f) => f.account],
  ['region', (f) => f.region],
  ['resource', (f) => f.resource],
  ['resource_name', (f) => f.resourceName],
  ['result', (f) => f.result],
  ['status', (f) => f.status],
  ['change', (f) => f.change],
  ['reason', (f) => f.reason],
  ['first_seen', (f) => f.firstSeen],
  ['last_seen', (f) => f.lastSeen],
  ['muted_reason', (f) => f.muted?.reason],
  ['muted_owner', (f) => f.muted?.owner],
  ['muted_expires', (f) => f.muted?.expires],
  ['tags', (f) => (f.tags ? JSON.stringify(f.tags) : undefined)],
];

/** A cell: quoted when needed; text a spreadsheet would run as a formula (=, +, -, @) is prefixed with '. */
export function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function renderCsv(report: AuditReport): string {
  const lines = [COLUMNS.map(([c]) => c).join(',')];
  for (const f of report.findings) lines.push(COLUMNS.map(([, get]) => csvCell(get(f))).join(','));
  return lines.join('\r\n') + '\r\n';
}
