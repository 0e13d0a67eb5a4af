import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../check.js';
import { CHECKS } from './index.js';
import { renderChecksReadme } from './readme.js';

/** Every finding type of CloudMapper's audit_config.yaml (EXCEPTION aside). */
const CLOUDMAPPER_FINDINGS = `S3_PUBLIC_POLICY_GETOBJECT_ONLY S3_PUBLIC_POLICY S3_PUBLIC_ACL S3_ACCESS_BLOCK_OFF S3_ACCESS_BLOCK_ALL_ACCESS_TYPES
GUARDDUTY_OFF CLOUDTRAIL_OFF CLOUDTRAIL_NOT_MULTIREGION PASSWORD_POLICY_NOT_SET PASSWORD_POLICY_CHARACTER_MINIMUM
PASSWORD_POLICY_CHARACTER_SET_REQUIREMENTS ROOT_USER_HAS_ACCESS_KEYS ROOT_USER_HAS_NO_MFA USER_WITH_PASSWORD_LOGIN_BUT_NO_MFA
USER_HAS_NEVER_LOGGED_IN USER_HAS_NOT_LOGGED_IN_FOR_OVER_MAX_DAYS USER_HAS_TWO_ACCESS_KEYS USER_HAS_UNUSED_ACCESS_KEY
USER_HAS_NOT_USED_ACCESS_KEY_FOR_MAX_DAYS IAM_BAD_MFA_POLICY IAM_KNOWN_BAD_POLICY IAM_NOTACTION_ALLOW
IAM_ROLE_ALLOWS_ASSUMPTION_FROM_ANYWHERE IAM_MANAGED_POLICY_UNINTENTIONALLY_ALLOWING_ADMIN IAM_CUSTOM_POLICY_ALLOWS_ADMIN
IAM_UNEXPECTED_FORMAT IAM_UNEXPECTED_ADMIN_PRINCIPAL IAM_UNEXPECTED_S3_EXFIL_PRINCIPAL IAM_LINTER IAM_NAME_DOES_NOT_INDICATE_ADMIN
DOMAIN_NOT_SET_TO_RENEW DOMAIN_HAS_NO_TRANSFER_LOCK EBS_SNAPSHOT_PUBLIC RDS_PUBLIC_SNAPSHOT RDS_PUBLIC_IP RDS_VPC_CLASSIC
AMI_PUBLIC ECR_PUBLIC REDSHIFT_PUBLIC_IP ES_PUBLIC CLOUDFRONT_MINIMUM_PROTOCOL_SUPPORT EC2_SOURCE_DEST_CHECK_OFF EC2_CLASSIC
EC2_OLD LAMBDA_PUBLIC GLACIER_PUBLIC KMS_PUBLIC SQS_PUBLIC SNS_PUBLIC SG_CIDR_OVERLAPS SG_CIDR_UNNEEDED SG_CIDR_UNEXPECTED
SG_LARGE_CIDR LIGHTSAIL_IN_USE FOREIGN_HOSTED_ZONE EC2_IMDSV2_NOT_ENFORCED ACCESSANALYZER_OFF REQUEST_SMUGGLING
ELBV1_DESYNC_MITIGATION`.split(/\s+/);

/** CIS AWS Foundations 3.0 controls a snapshot can decide. */
const CIS_DECIDABLE = `1.2 1.4 1.5 1.6 1.7 1.8 1.9 1.10 1.11 1.12 1.13 1.14 1.15 1.16 1.17 1.18 1.19 1.20 1.22 2.1.1 2.1.2 2.1.3 2.1.4
2.2.1 2.3.1 2.3.2 2.3.3 2.4.1 3.1 3.2 3.3 3.4 3.5 3.6 3.7 3.8 3.9 4.1 4.2 4.3 4.4 4.5 4.6 4.7 4.8 4.9 4.10 4.11 4.12 4.13
4.14 4.15 4.16 5.1 5.2 5.3 5.4 5.6`.split(/\s+/);

describe('check registry', () => {
  it('has unique ids', () => {
    const ids = CHECKS.map((c) => c.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });
  it('has complete metadata for every check', () => {
    for (const c of CHECKS) {
      expect(c.id, c.id).toMatch(/^[a-z0-9]+(_[a-z0-9]+)+$/);
      for (const k of ['title', 'service', 'resourceType', 'description', 'risk'] as const) expect(c[k], `${c.id}.${k}`).toBeTruthy();
      expect(SEVERITIES, c.id).toContain(c.severity);
      expect(c.remediation.console || c.remediation.cli, `${c.id}.remediation`).toBeTruthy();
      expect(Array.isArray(c.references), c.id).toBe(true);
      for (const id of c.compliance.cis ?? []) expect(id, c.id).toMatch(/^cis-3\.0:\d+(\.\d+)+$/);
      if (c.cloudmapper !== undefined) expect(c.cloudmapper, c.id).toMatch(/^[A-Z0-9_]+$/);
      expect(typeof c.run, c.id).toBe('function');
    }
  });
  it('maps each CloudMapper finding id to one check', () => {
    const ids = CHECKS.flatMap((c) => (c.cloudmapper ? [c.cloudmapper] : []));
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });
  it('has at least 150 checks', () => {
    expect(CHECKS.length).toBeGreaterThanOrEqual(150);
  });
  it('covers every CloudMapper finding type', () => {
    const mapped = new Set(CHECKS.map((c) => c.cloudmapper));
    expect(CLOUDMAPPER_FINDINGS.length).toBe(59);
    expect(CLOUDMAPPER_FINDINGS.filter((id) => !mapped.has(id))).toEqual([]);
  });
  it('covers every CIS 3.0 control a snapshot can decide', () => {
    const mapped = new Set(CHECKS.flatMap((c) => c.compliance.cis ?? []));
    expect(CIS_DECIDABLE.filter((id) => !mapped.has(`cis-3.0:${id}`))).toEqual([]);
  });
  it('README.md lists exactly the registered checks (regenerate with readme.ts)', () => {
    expect(readFileSync(new URL('./README.md', import.meta.url), 'utf8')).toBe(renderChecksReadme());
  });
});
