/**
 * The contract between the audit engine (runs checks, keeps findings) and the checks (one small module each,
 * under src/audit/checks/<service>/<id>.ts with a test beside it, registered in src/audit/checks/index.ts).
 */
import type { SnapshotReader } from '../snapshot/types.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** pass/fail per resource; unknown when the data the check needs is missing or was denied — never pass. */
export type CheckStatus = 'pass' | 'fail' | 'unknown';

export interface CheckMeta {
  /** Stable id, e.g. `iam_root_mfa_enabled` (Prowler style: service_subject_condition). */
  id: string;
  title: string;
  severity: Severity;
  /** AWS service, e.g. `iam`, `s3`, `ec2`. */
  service: string;
  /** What the resource is, e.g. `AwsIamUser`, `AwsS3Bucket`, `AwsAccount` (ASFF resource types). */
  resourceType: string;
  description: string;
  risk: string;
  remediation: { console?: string; cli?: string; url?: string };
  references: string[];
  compliance: {
    /** CIS AWS Foundations Benchmark control ids with version, e.g. `cis-3.0:1.5`. */
    cis?: string[];
    /** AWS Foundational Security Best Practices control ids, e.g. `IAM.6`. */
    fsbp?: string[];
  };
  /** The CloudMapper audit finding id this check corresponds to, e.g. `ROOT_ACCOUNT_NO_MFA`. */
  cloudmapper?: string;
}

/** One result of a check for one resource. */
export interface CheckResult {
  /** ARN where there is one, else a stable id (`arn:aws:iam::<acct>:root`, `<acct>/<region>/sg-123`). */
  resource: string;
  account: string;
  region: string;
  status: CheckStatus;
  /** Why, in one line: what was seen, or what data was missing. */
  reason: string;
  /** Name and tags of the resource for reports (attacker-controlled text: escape when rendering). */
  resourceName?: string;
  tags?: Record<string, string>;
  details?: Record<string, unknown>;
}

/** Hands one result to the audit as soon as a check decides it (so millions of results are never held at once). */
export type Emit = (result: CheckResult) => void;

export interface Check extends CheckMeta {
  /**
   * The check's results. With `emit`, a check may hand results to it instead (then they are not in the returned
   * list): the engine passes one so results die young instead of piling up per check.
   */
  run(snapshot: SnapshotReader, emit?: Emit): CheckResult[];
}
