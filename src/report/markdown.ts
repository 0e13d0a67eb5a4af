/** Markdown for chat and tickets: summary, changes, open findings by severity. Names are escaped. */
import { SEVERITIES } from '../audit/check.js';
import type { AuditReport, Finding } from '../audit/types.js';
import { bySeverity, isOpen, summarize } from './summary.js';

/** Escapes Markdown and HTML so a resource name is shown as text (no links, images, tables or tags). */
export function mdText(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/[\\`*_{}[\]()#+\-.!|~>]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;');
}

function table(list: Finding[]): string[] {
  const rows = list.map(
    (f) =>
      `| ${f.severity} | ${mdText(f.check)} | ${mdText(f.account)} | ${mdText(f.region)} | ${mdText(f.resourceName ?? f.resource)} | ${f.status} | ${mdText(f.reason)} |`,
  );
  return ['| severity | check | account | region | resource | status | reason |', '|---|---|---|---|---|---|---|', ...rows];
}

export function renderMarkdown(report: AuditReport, opts: { limit?: number } = {}): string {
  const limit = opts.limit ?? 200;
  const s = summarize(report);
  const a = report.audit;
  const out: string[] = [`# vigil audit ${mdText(a.id)}`, ''];
  out.push(`Snapshot \`${a.snapshotId.replace(/`/g, "'")}\` (${a.snapshotTime}); ${s.checks} checks over ${a.accounts.length} account(s).`, '');
  out.push(`**${s.results.fail} fail**, ${s.results.pass} pass, ${s.results.unknown} unknown, ${s.muted} muted.`, '');
  out.push('| severity | failing |', '|---|---|', ...SEVERITIES.map((v) => `| ${v} | ${s.failing[v]} |`), '');
  out.push(
    a.previous
      ? `Since the previous audit (${a.previous.time}): **${s.changes.new} new**, ${s.changes.reopened} reopened, ${s.changes.resolved} resolved.`
      : `First audit: ${s.changes.new} new findings.`,
    '',
  );
  out.push('## Compliance score per account', '', '| account | score | pass | fail | unknown | muted |', '|---|---|---|---|---|---|');
  for (const x of s.accounts) out.push(`| ${mdText(x.account)} | ${x.score === null ? 'n/a' : `${x.score}%`} | ${x.pass} | ${x.fail} | ${x.unknown} | ${x.muted} |`);
  out.push('');
  for (const e of report.expiredExceptions) {
    out.push(`> Exception #${e.index} (owner ${mdText(e.owner)}) expired ${e.expires}: it no longer mutes ${e.matched} finding(s).`, '');
  }
  const sorted = [...report.findings].sort(bySeverity);
  const sections: [string, Finding[]][] = [
    ['New', sorted.filter((f) => f.change === 'new' && f.status !== 'muted')],
    ['Reopened', sorted.filter((f) => f.change === 'reopened' && f.status !== 'muted')],
    ['Resolved', sorted.filter((f) => f.change === 'resolved')],
    ['Open failing findings', sorted.filter((f) => isOpen(f) && f.status !== 'muted' && f.result === 'fail')],
    ['Muted', sorted.filter((f) => f.status === 'muted')],
  ];
  for (const [title, list] of sections) {
    if (!list.length) continue;
    out.push(`## ${title} (${list.length})`, '', ...table(list.slice(0, limit)));
    if (list.length > limit) out.push('', `… and ${list.length - limit} more.`);
    out.push('');
  }
  return out.join('\n');
}
