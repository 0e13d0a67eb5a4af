/** Builders of raw AWS responses for check fixtures. */

const CRED_HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

export const REPORT_TIME = '2026-01-01T00:00:00+00:00';

/** A credential-report row with harmless defaults (a user with nothing enabled). */
export function credRow(user: string, fields: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {};
  for (const h of CRED_HEADER.split(',')) base[h] = 'N/A';
  return {
    ...base,
    user,
    arn: user === '<root_account>' ? 'arn:aws:iam::111122223333:root' : `arn:aws:iam::111122223333:user/${user}`,
    user_creation_time: '2025-01-01T00:00:00+00:00',
    password_enabled: 'false',
    mfa_active: 'false',
    access_key_1_active: 'false',
    access_key_2_active: 'false',
    cert_1_active: 'false',
    cert_2_active: 'false',
    ...fields,
  };
}

/** The GetCredentialReport response (text Content, as CloudMapper stores it). */
export function credReport(rows: Record<string, string>[], generated = REPORT_TIME): unknown {
  const header = CRED_HEADER.split(',');
  return { Content: [CRED_HEADER, ...rows.map((r) => header.map((h) => r[h] ?? 'N/A').join(','))].join('\n'), GeneratedTime: generated };
}

/** Days before REPORT_TIME as an ISO date. */
export function daysAgo(days: number): string {
  return new Date(Date.parse(REPORT_TIME) - days * 86_400_000).toISOString().replace('.000Z', '+00:00');
}

export function policyDoc(...statements: Record<string, unknown>[]): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: statements };
}

export interface AuthInput {
  users?: Record<string, unknown>[];
  roles?: Record<string, unknown>[];
  groups?: Record<string, unknown>[];
  policies?: Record<string, unknown>[];
}

export function authDetailsResponse(input: AuthInput): unknown {
  return {
    UserDetailList: input.users ?? [],
    RoleDetailList: input.roles ?? [],
    GroupDetailList: input.groups ?? [],
    Policies: input.policies ?? [],
  };
}

export function role(name: string, trust: Record<string, unknown>, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    RoleName: name,
    Arn: `arn:aws:iam::111122223333:role/${name}`,
    AssumeRolePolicyDocument: policyDoc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: trust }),
    AttachedManagedPolicies: [],
    RolePolicyList: [],
    ...fields,
  };
}

export function user(name: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { UserName: name, Arn: `arn:aws:iam::111122223333:user/${name}`, AttachedManagedPolicies: [], UserPolicyList: [], GroupList: [], ...fields };
}

export function group(name: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { GroupName: name, Arn: `arn:aws:iam::111122223333:group/${name}`, AttachedManagedPolicies: [], GroupPolicyList: [], ...fields };
}

export function managedPolicy(arn: string, doc: Record<string, unknown>, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Arn: arn,
    PolicyName: arn.split('/').pop(),
    AttachmentCount: 1,
    DefaultVersionId: 'v1',
    PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: doc }],
    ...fields,
  };
}

export function inline(name: string, doc: Record<string, unknown>): Record<string, unknown> {
  return { PolicyName: name, PolicyDocument: doc };
}

export const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main';

/** A trail (describe-trails entry) with good defaults. */
export function trail(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Name: 'main',
    TrailARN: TRAIL_ARN,
    HomeRegion: 'us-east-1',
    IsMultiRegionTrail: true,
    IsOrganizationTrail: false,
    LogFileValidationEnabled: true,
    KmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k',
    S3BucketName: 'trail-logs',
    HasCustomEventSelectors: true,
    CloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:111122223333:log-group:trail:*',
    ...fields,
  };
}

/** Calls (keyed without region) for one trail with status and selectors. */
export function trailCalls(t: Record<string, unknown> = trail(), opts: { logging?: boolean; selectors?: unknown } = {}): Record<string, unknown> {
  return {
    'cloudtrail-describe-trails': { trailList: [t] },
    [`cloudtrail-get-trail-status/${t.TrailARN}`]: { IsLogging: opts.logging ?? true },
    [`cloudtrail-get-event-selectors/${t.TrailARN}`]: opts.selectors ?? {
      EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }],
    },
  };
}
