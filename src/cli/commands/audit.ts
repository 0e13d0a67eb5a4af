import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { contextFor } from '../context.js';
import { renderTable } from '../output.js';
import { SEVERITIES, type Severity } from '../../audit/check.js';
import { auditSnapshot, checkMeta, selectChecks, defaultChecks, exceptionsJsonSchema, gatingFindings, loadExceptions } from '../../audit/index.js';
import { importCloudMapper, openSnapshot } from '../../collect/index.js';
import { AUDIT_FORMATS, auditJson, renderAudit, type AuditFormat } from '../../report/index.js';
import { UsageError } from '../../util/errors.js';

interface AuditFlags {
  snapshot?: string;
  importCloudmapper?: string;
  only?: string[];
  exceptions?: string;
  failOn?: string;
  all?: boolean;
  format?: string;
  output?: string;
}

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

const EXTENSIONS: Record<string, AuditFormat> = { html: 'html', htm: 'html', csv: 'csv', md: 'md', json: 'json' };

function formatOf(o: AuditFlags): AuditFormat | undefined {
  if (o.format) {
    if (!(AUDIT_FORMATS as readonly string[]).includes(o.format)) throw new UsageError(`--format: ${o.format} is not one of ${AUDIT_FORMATS.join(', ')}`);
    return o.format as AuditFormat;
  }
  if (o.output) {
    const ext = /\.([a-z]+)$/i.exec(o.output)?.[1]?.toLowerCase() ?? '';
    const f = EXTENSIONS[ext];
    if (!f) throw new UsageError(`--output ${o.output}: say which format with --format (${AUDIT_FORMATS.join(', ')})`);
    return f;
  }
  return undefined;
}

function severityOf(v: string | undefined): Severity | undefined {
  if (v === undefined) return undefined;
  if (!(SEVERITIES as string[]).includes(v)) throw new UsageError(`--fail-on: ${v} is not one of ${SEVERITIES.join(', ')}`);
  return v as Severity;
}

export function registerAudit(program: Command): void {
  const audit = program
    .command('audit')
    .description('Audit a snapshot: findings that remember (new, open, resolved, reopened, muted), exceptions, reports')
    .option('--snapshot <id>', 'the snapshot to audit (default: the latest)')
    .option('--import-cloudmapper <dir>', 'import a CloudMapper collection as a snapshot, then audit it')
    .option('--only <ids>', 'check ids or globs, comma-separated (e.g. iam_*,s3_bucket_public_acl)', list)
    .option('--exceptions <file>', 'exceptions (mutelist) YAML')
    .option('--fail-on <severity>', 'exit 1 when a failing, unmuted finding is at or above this severity')
    .option('--all', 'list every open finding, not only what changed')
    .option('--format <format>', `report format: ${AUDIT_FORMATS.join(', ')}`)
    .option('--output <file>', 'write the report to a file (format from --format or the extension)')
    .action(async (o: AuditFlags, cmd: Command) => {
      const ctx = contextFor(cmd);
      const format = formatOf(o);
      const failOn = severityOf(o.failOn);
      if (o.snapshot && o.importCloudmapper) throw new UsageError('--snapshot and --import-cloudmapper: give one, not both');
      const exceptions = o.exceptions ? loadExceptions(o.exceptions) : [];
      const store = await ctx.openStore();
      try {
        let snapshotId = o.snapshot;
        if (o.importCloudmapper) {
          const saved = await importCloudMapper(store, o.importCloudmapper);
          ctx.output.log(`imported ${o.importCloudmapper} as snapshot ${saved.id} (${saved.resources} resources)`);
          snapshotId = saved.id;
        }
        const snapshot = await openSnapshot(store, snapshotId);
        const t0 = performance.now();
        // The terminal summary needs only counts of passing results; every other output lists them.
        const keepPasses = ctx.output.json || !!format;
        const report = await auditSnapshot(store, snapshot, { only: o.only, exceptions, keepPasses });
        ctx.output.log(`audited snapshot ${snapshot.id}: ${report.checks.length} checks, ${report.findings.length} results in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        if (o.output) {
          writeFileSync(o.output, renderAudit(report, format!, { all: o.all }));
          ctx.output.log(`wrote ${format} report to ${o.output}`);
        }
        if (ctx.output.json) ctx.output.out(JSON.stringify(auditJson(report, { findings: o.all ? 'open' : 'all' }), null, 2));
        else if (format && !o.output) ctx.output.out(renderAudit(report, format, { all: o.all }));
        else ctx.output.out(renderAudit(report, 'text', { all: o.all }));
        for (const e of report.errors) ctx.output.log(`check ${e.check} failed: ${e.error}`);
        const gating = failOn ? gatingFindings(report.findings, failOn) : [];
        if (gating.length) {
          ctx.output.log(`--fail-on ${failOn}: ${gating.length} failing finding(s) at or above ${failOn}`);
          process.exitCode = 1;
        } else if (report.errors.length) process.exitCode = 1; // a partial run is never reported as clean
      } finally {
        store.close();
      }
    });

  audit
    .command('checks')
    .description('List every check with its metadata (--json: all of it, with the CloudMapper finding id)')
    .option('--only <ids>', 'check ids or globs, comma-separated', list)
    .action(async (o: { only?: string[] }, cmd: Command) => {
      const ctx = contextFor(cmd);
      const checks = selectChecks(await defaultChecks(), o.only).map(checkMeta);
      if (ctx.output.json) {
        ctx.output.out(JSON.stringify(checks.map((c) => ({ ...c, cloudmapper: c.cloudmapper ?? null })), null, 2));
        return;
      }
      const rows = checks.map((c) => ({
        id: c.id,
        severity: c.severity,
        service: c.service,
        cloudmapper: c.cloudmapper ?? '',
        cis: (c.compliance.cis ?? []).map((x) => x.replace(/^cis-[\d.]+:/, '')).join(' '),
        title: c.title,
      }));
      ctx.output.out(renderTable(['id', 'severity', 'service', 'cloudmapper', 'cis', 'title'], rows, 70));
      ctx.output.log(`${checks.length} checks`);
    });

  audit
    .command('exceptions-schema')
    .description('Print the JSON Schema of the exceptions (mutelist) YAML, for editors')
    .action(async (_o: unknown, cmd: Command) => {
      contextFor(cmd).output.out(JSON.stringify(exceptionsJsonSchema(), null, 2));
    });
}
