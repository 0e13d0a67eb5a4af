/** OCSF Compliance Finding (class 2003, category Findings), one object per finding, as a JSON array. */
import type { Severity } from '../audit/check.js';
import type { AuditReport, Finding } from '../audit/types.js';
import { PRODUCT, partitionOf, realRegion } from './product.js';
import { checkIndex } from './summary.js';

export const OCSF_VERSION = '1.3.0';
const CLASS_UID = 2003;
const SEVERITY_ID: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
const SEVERITY_NAME: Record<Severity, string> = { info: 'Informational', low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };
/** Finding status: 1 New, 2 In Progress, 3 Suppressed, 4 Resolved. */
const STATUS: Record<Finding['status'], [number, string]> = {
  new: [1, 'New'],
  reopened: [1, 'New'],
  open: [2, 'In Progress'],
  muted: [3, 'Suppressed'],
  resolved: [4, 'Resolved'],
};
/** Compliance status: 1 Pass, 2 Warning (could not decide), 3 Fail. */
const COMPLIANCE: Record<Finding['result'], [number, string]> = { pass: [1, 'Pass'], unknown: [2, 'Warning'], fail: [3, 'Fail'] };

export function toOcsf(report: AuditReport): object[] {
  const checks = checkIndex(report);
  const time = Date.parse(report.audit.time);
  return report.findings.map((f) => {
    const meta = checks.get(f.check);
    const partition = partitionOf(f.resource);
    // Create for a finding first seen now, Close when resolved in this audit, Update otherwise.
    const activity = f.change === 'resolved' ? 3 : f.firstSeen === f.lastSeen && f.change === 'new' ? 1 : 2;
    const [statusId, status] = STATUS[f.status];
    const [complianceId, compliance] = COMPLIANCE[f.result];
    const standards = [...(meta?.compliance.cis ?? []).map((c) => `CIS AWS Foundations ${c.split(':')[0]!.replace('cis-', 'v')}`)];
    if (meta?.compliance.fsbp?.length) standards.push('AWS Foundational Security Best Practices');
    return {
      category_uid: 2,
      category_name: 'Findings',
      class_uid: CLASS_UID,
      class_name: 'Compliance Finding',
      activity_id: activity,
      activity_name: ['', 'Create', 'Update', 'Close'][activity],
      type_uid: CLASS_UID * 100 + activity,
      severity_id: SEVERITY_ID[f.severity],
      severity: SEVERITY_NAME[f.severity],
      status_id: statusId,
      status,
      time,
      message: f.reason,
      metadata: {
        version: OCSF_VERSION,
        product: { name: PRODUCT.name, vendor_name: PRODUCT.vendor, version: PRODUCT.version },
        event_code: f.check,
        uid: `${report.audit.id}/${f.id}`,
      },
      finding_info: {
        uid: f.id,
        title: f.title,
        desc: meta?.description ?? f.title,
        first_seen_time: Date.parse(f.firstSeen),
        last_seen_time: Date.parse(f.lastSeen),
        types: [meta?.service ?? f.service],
      },
      compliance: {
        control: f.check,
        status_id: complianceId,
        status: compliance,
        standards: [...new Set(standards.length ? standards : ['vigil'])],
        requirements: [...(meta?.compliance.cis ?? []), ...(meta?.compliance.fsbp ?? []).map((c) => `fsbp:${c}`)],
        status_detail: f.reason,
      },
      resources: [
        {
          uid: f.resource,
          name: f.resourceName ?? f.resource,
          type: f.resourceType,
          region: f.region,
          cloud_partition: partition,
          labels: f.tags ? Object.entries(f.tags).map(([k, v]) => `${k}=${v}`) : [],
        },
      ],
      cloud: { provider: 'AWS', region: realRegion(f.region, partition), account: { uid: f.account, type: 'AWS Account', type_id: 10 } },
      remediation: meta ? { desc: meta.remediation.console ?? meta.remediation.cli ?? '', references: meta.references } : undefined,
      unmapped: {
        status: f.status,
        result: f.result,
        ...(f.muted ? { muted: f.muted } : {}),
        ...(f.exceptionExpired ? { exception_expired: f.exceptionExpired } : {}),
        ...(meta?.cloudmapper ? { cloudmapper: meta.cloudmapper } : {}),
      },
    };
  });
}

export function renderOcsf(report: AuditReport): string {
  return JSON.stringify(toOcsf(report), null, 2);
}
