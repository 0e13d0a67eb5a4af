/** The terminal view: a summary, what changed since the previous audit, and (with --all) every open finding. */
import { renderTable } from '../cli/output.js';
import { SEVERITIES } from '../audit/check.js';
import type { AuditReport, Finding } from '../audit/types.js';
import { bySeverity, isOpen, summarize } from './summary.js';

const LIMIT = 40;

function findingRows(list: Finding[]) {
  return list.map((f) => ({
    severity: f.severity,
    check: f.check,
    account: f.account,
    region: f.region,
    resource: f.resourceName && f.resourceName !== f.resource ? `${f.resourceName} (${f.resource})` : f.resource,
    result: f.result,
    status: f.status,
    reason: f.reason,
  }));
}

function section(title: string, list: Finding[], all = false): string[] {
  if (list.length === 0) return [];
  const shown = all ? list : list.slice(0, LIMIT);
  const out = [`${title} (${list.length})`, renderTable(['severity', 'check', 'account', 'region', 'resource', 'result', 'status', 'reason'], findingRows(shown), 50)];
  if (shown.length < list.length) out.push(`… and ${list.length - shown.length} more (--all, or --format html/csv for everything)`);
  return [...out, ''];
}

/** Strips control characters so a hostile resource name cannot drive the terminal. */
// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const clean = (s: string) => s.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '?');

export function renderTerminal(report: AuditReport, opts: { all?: boolean } = {}): string {
  const s = summarize(report);
  const a = report.audit;
  const lines: string[] = [];
  lines.push(`audit ${a.id}: snapshot ${a.snapshotId} (${a.snapshotTime}), ${s.checks} checks, ${a.accounts.length} account(s)`);
  lines.push(`results: ${s.results.fail} fail, ${s.results.pass} pass, ${s.results.unknown} unknown; ${s.muted} muted; ${s.open} open`);
  lines.push(`failing (not muted): ${SEVERITIES.map((v) => `${v} ${s.failing[v]}`).join(', ')}`);
  lines.push(
    a.previous
      ? `since the previous audit (${a.previous.id}, ${a.previous.time}): ${s.changes.new} new, ${s.changes.reopened} reopened, ${s.changes.resolved} resolved`
      : `first audit in this store: ${s.changes.new} new findings`,
  );
  lines.push(`compliance score: ${s.accounts.map((x) => `${x.account} ${x.score === null ? 'n/a' : `${x.score}%`}`).join(', ')}`);
  for (const e of report.expiredExceptions) {
    lines.push(`exception #${e.index} (${e.checks.join(',')}, owner ${e.owner}) expired ${e.expires}: no longer mutes${e.matched ? ` ${e.matched} finding(s)` : ''}`);
  }
  for (const e of report.errors) lines.push(`check ${e.check} failed (its results are unknown): ${e.error}`);
  lines.push('');
  // Failing before unknown, then most severe first.
  const sorted = [...report.findings].sort((x, y) => Number(x.result !== 'fail') - Number(y.result !== 'fail') || bySeverity(x, y));
  const changed = (c: string) => sorted.filter((f) => f.change === c && (c === 'resolved' || f.status !== 'muted'));
  if (opts.all) {
    lines.push(...section('open findings', sorted.filter((f) => isOpen(f) && f.status !== 'muted'), true));
    lines.push(...section('muted', sorted.filter((f) => f.status === 'muted'), true));
  } else {
    lines.push(...section('new', changed('new')));
    lines.push(...section('reopened', changed('reopened')));
    lines.push(...section('resolved', changed('resolved')));
    if (!s.changes.new && !s.changes.reopened && !s.changes.resolved) lines.push('nothing changed since the previous audit (--all lists every open finding)');
  }
  return clean(lines.join('\n')).trimEnd();
}
