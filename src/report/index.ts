/** Audit outputs by format name (the CLI's --format). */
import type { AuditReport } from '../audit/types.js';
import { renderAsff } from './asff.js';
import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderOcsf } from './ocsf.js';
import { renderTerminal } from './terminal.js';

export const AUDIT_FORMATS = ['text', 'json', 'csv', 'ocsf', 'asff', 'md', 'html'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

export function renderAudit(report: AuditReport, format: AuditFormat, opts: { all?: boolean } = {}): string {
  switch (format) {
    case 'text':
      return renderTerminal(report, opts);
    case 'json':
      return renderJson(report);
    case 'csv':
      return renderCsv(report);
    case 'ocsf':
      return renderOcsf(report);
    case 'asff':
      return renderAsff(report);
    case 'md':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report);
  }
}

export { summarize, type AuditSummary, type AccountScore } from './summary.js';
export { auditJson } from './json.js';
export { toOcsf } from './ocsf.js';
export { toAsff } from './asff.js';
export { scriptJson } from './html.js';
