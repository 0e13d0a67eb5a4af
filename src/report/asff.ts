/** AWS Security Finding Format (2018-10-08) for `aws securityhub batch-import-findings`, as a JSON array. */
import type { Severity } from '../audit/check.js';
import type { AuditReport, Finding } from '../audit/types.js';
import { PRODUCT, partitionOf, realRegion } from './product.js';
import { checkIndex } from './summary.js';

const LABEL: Record<Severity, string> = { info: 'INFORMATIONAL', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', critical: 'CRITICAL' };
const NORMALIZED: Record<Severity, number> = { info: 0, low: 1, medium: 40, high: 70, critical: 90 };
const COMPLIANCE: Record<Finding['result'], string> = { pass: 'PASSED', fail: 'FAILED', unknown: 'NOT_AVAILABLE' };
const WORKFLOW: Record<Finding['status'], string> = { new: 'NEW', reopened: 'NEW', open: 'NOTIFIED', muted: 'SUPPRESSED', resolved: 'RESOLVED' };

const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

export function toAsff(report: AuditReport): object[] {
  const checks = checkIndex(report);
  const updated = new Date(report.audit.time).toISOString();
  return report.findings.map((f) => {
    const meta = checks.get(f.check);
    const partition = partitionOf(f.resource);
    const region = realRegion(f.region, partition);
    const tags = f.tags ? Object.fromEntries(Object.entries(f.tags).slice(0, 50).map(([k, v]) => [clip(k, 128), clip(v, 256)])) : undefined;
    return {
      SchemaVersion: '2018-10-08',
      Id: `${PRODUCT.name}/${f.check}/${f.id}`,
      ProductArn: `arn:${partition}:securityhub:${region}:${f.account}:product/${f.account}/default`,
      ProductName: PRODUCT.name,
      CompanyName: PRODUCT.vendor,
      GeneratorId: `${PRODUCT.name}-${f.check}`,
      AwsAccountId: f.account,
      Region: region,
      Types: ['Software and Configuration Checks/AWS Security Best Practices'],
      CreatedAt: new Date(f.firstSeen).toISOString(),
      UpdatedAt: updated,
      FirstObservedAt: new Date(f.firstSeen).toISOString(),
      LastObservedAt: new Date(f.lastSeen).toISOString(),
      Severity: { Label: LABEL[f.severity], Normalized: NORMALIZED[f.severity], Original: f.severity },
      Title: clip(f.title, 256),
      Description: clip(`${meta?.description ?? f.title} — ${f.reason}`, 1024),
      Remediation: meta
        ? { Recommendation: { Text: clip(meta.remediation.console ?? meta.remediation.cli ?? meta.risk, 512), ...(meta.remediation.url ? { Url: meta.remediation.url } : {}) } }
        : undefined,
      Resources: [
        {
          Type: f.resourceType,
          Id: f.resource,
          Partition: partition,
          Region: region,
          ...(tags ? { Tags: tags } : {}),
        },
      ],
      Compliance: {
        Status: COMPLIANCE[f.result],
        RelatedRequirements: [...(meta?.compliance.cis ?? []), ...(meta?.compliance.fsbp ?? [])].slice(0, 32),
      },
      Workflow: { Status: WORKFLOW[f.status] },
      RecordState: f.status === 'resolved' && f.gone ? 'ARCHIVED' : 'ACTIVE',
      ...(f.muted ? { Note: { Text: clip(`muted: ${f.muted.reason}`, 512), UpdatedBy: clip(f.muted.owner, 512), UpdatedAt: updated } } : {}),
    };
  });
}

export function renderAsff(report: AuditReport): string {
  return JSON.stringify(toAsff(report), null, 2);
}
