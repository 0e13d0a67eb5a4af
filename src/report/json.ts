/** `--json` / `--format json`: the whole audit as one JSON document (findings keep every result). */
import type { AuditReport } from '../audit/types.js';
import { summarize } from './summary.js';

export function auditJson(report: AuditReport, opts: { findings?: 'all' | 'open' | 'changed' } = {}): object {
  const which = opts.findings ?? 'all';
  const findings =
    which === 'all' ? report.findings : report.findings.filter((f) => (which === 'open' ? f.status !== 'resolved' : !!f.change));
  return {
    audit: report.audit,
    summary: summarize(report),
    changes: report.changes,
    expiredExceptions: report.expiredExceptions,
    errors: report.errors,
    ...(report.unlisted ? { unlisted: report.unlisted } : {}),
    findings,
  };
}

export function renderJson(report: AuditReport): string {
  return JSON.stringify(auditJson(report), null, 2);
}
