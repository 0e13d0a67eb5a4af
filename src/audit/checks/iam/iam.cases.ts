/** Fixtures for the checks that read IAM authorization details (and a few other IAM calls). */
import type { Cases } from '../../lib/check-cases.js';
import { authDetailsResponse, group, inline, managedPolicy, policyDoc, role, user, type AuthInput } from '../../lib/fixtures.js';
import { fail, memorySnapshot } from '../../lib/memory.js';

const R = 'us-east-1';
const auth = (input: AuthInput, extra: Record<string, unknown> = {}) =>
  memorySnapshot({ calls: { [`${R}/iam-get-account-authorization-details`]: authDetailsResponse(input), ...extra } });
const noAuth = memorySnapshot({ calls: { [`${R}/sts-get-caller-identity`]: {} } });
const deniedAuth = memorySnapshot({ calls: { [`${R}/iam-get-account-authorization-details`]: fail() } });
const unknown = [noAuth, deniedAuth];

const ADMIN = policyDoc({ Effect: 'Allow', Action: '*', Resource: '*' });
const READ = policyDoc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::logs/*' });
const ESCALATE = policyDoc({ Effect: 'Allow', Action: ['iam:AttachRolePolicy'], Resource: '*' });
const custom = (doc: Record<string, unknown>, fields: Record<string, unknown> = {}) =>
  managedPolicy('arn:aws:iam::111122223333:policy/custom', doc, fields);
const EC2 = { Service: 'ec2.amazonaws.com' };
const ME = { AWS: 'arn:aws:iam::111122223333:root' };

const BAD_MFA = policyDoc({
  Sid: 'AllowIndividualUserToManageTheirOwnMFA',
  Effect: 'Allow',
  Action: ['iam:CreateVirtualMFADevice', 'iam:DeactivateMFADevice'],
  Resource: 'arn:aws:iam::111122223333:user/${aws:username}',
});
const S3_ALL = policyDoc({ Effect: 'Allow', Action: 's3:*', Resource: '*' });

export const IAM_CASES: Record<string, Cases> = {
  iam_policy_custom_admin: {
    pass: auth({ policies: [custom(READ)], roles: [role('r', EC2, { RolePolicyList: [inline('p', READ)] })] }),
    fail: auth({ roles: [role('r', ME, { RolePolicyList: [inline('p', ESCALATE)] })] }),
    unknown,
  },
  iam_aws_managed_policy_admin: {
    pass: auth({ policies: [managedPolicy('arn:aws:iam::aws:policy/ReadOnlyAccess', READ), managedPolicy('arn:aws:iam::aws:policy/AdministratorAccess', ADMIN)] }),
    fail: auth({
      policies: [managedPolicy('arn:aws:iam::aws:policy/AmazonElasticTranscoderFullAccess', policyDoc({ Effect: 'Allow', Action: ['iam:*'], Resource: '*' }))],
    }),
    unknown,
  },
  iam_policy_no_full_admin_attached: {
    pass: auth({ policies: [custom(READ), managedPolicy('arn:aws:iam::111122223333:policy/unused', ADMIN, { AttachmentCount: 0 })] }),
    fail: auth({ policies: [custom(ADMIN)] }),
    unknown,
  },
  iam_policy_no_notaction_allow: {
    pass: auth({ policies: [custom(policyDoc({ Effect: 'Deny', NotAction: 'iam:*', Resource: '*' }))] }),
    fail: auth({ policies: [custom(policyDoc({ Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' }))] }),
    unknown,
  },
  iam_policy_bad_mfa: {
    pass: auth({ policies: [custom(READ)] }),
    fail: auth({ policies: [custom(BAD_MFA)] }),
    unknown,
  },
  iam_no_deprecated_managed_policy: {
    pass: auth({ roles: [role('r', EC2, { AttachedManagedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' }] })] }),
    fail: auth({ groups: [group('g', { AttachedManagedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM' }] })] }),
    unknown,
  },
  iam_policy_unexpected_format: {
    pass: auth({
      policies: [custom(READ)],
      roles: [role('r', EC2, { AssumeRolePolicyDocument: policyDoc({ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: ME }) })],
    }),
    fail: auth({ policies: [custom(policyDoc({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b' }))] }),
    unknown,
  },
  iam_role_trust_public: {
    pass: auth({
      roles: [
        role('r', ME),
        role('org', { AWS: '*' }, {
          AssumeRolePolicyDocument: policyDoc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: '*' }, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-123' } } }),
        }),
      ],
    }),
    fail: auth({ roles: [role('r', { AWS: '*' })] }),
    unknown,
  },
  iam_role_admin_service_trust: {
    pass: auth({ roles: [role('human-admin', ME, { RolePolicyList: [inline('a', ADMIN)] }), role('app', EC2, { RolePolicyList: [inline('p', READ)] })] }),
    fail: auth({ roles: [role('app', EC2, { AttachedManagedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }] })] }),
    unknown: [...unknown, auth({ roles: [role('app', EC2, { AttachedManagedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/Other' }] })] })],
  },
  iam_role_s3_exfil_service_trust: {
    pass: auth({ roles: [role('app', EC2, { RolePolicyList: [inline('p', READ)] }), role('cfg', { Service: 'config.amazonaws.com' }, { RolePolicyList: [inline('p', S3_ALL)] })] }),
    fail: auth({ roles: [role('exfiller', EC2, { RolePolicyList: [inline('tmp', S3_ALL)] })] }),
    unknown: [...unknown, auth({ roles: [role('app', EC2, { AttachedManagedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/Other' }] })] })],
  },
  iam_group_admin_name: {
    pass: auth({ groups: [group('admins', { GroupPolicyList: [inline('a', ADMIN)] }), group('readers', { GroupPolicyList: [inline('r', READ)] })] }),
    fail: auth({ groups: [group('developers', { GroupPolicyList: [inline('a', ESCALATE)] })] }),
    unknown,
  },
  iam_policy_lint: {
    pass: auth({ policies: [custom(policyDoc({ Effect: 'Allow', Action: ['s3:Get*', 'ec2:DescribeInstances'], Resource: '*' }))] }),
    fail: auth({ policies: [custom(policyDoc({ Effect: 'Allow', Action: ['iam:RequestSmsMfaRegistration', 'notaservice:Do'], Resource: '*' }))] }),
    unknown,
  },
  iam_user_no_direct_policies: {
    pass: auth({ users: [user('alice', { GroupList: ['g'] })] }),
    fail: auth({ users: [user('alice', { UserPolicyList: [inline('p', READ)] })] }),
    unknown,
  },
  iam_support_role_exists: {
    pass: auth({ roles: [role('support', ME, { AttachedManagedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/AWSSupportAccess' }] })] }),
    fail: auth({ roles: [role('r', ME)] }),
    unknown,
  },
  iam_cloudshell_access_restricted: {
    pass: auth({ roles: [role('r', ME)] }),
    fail: auth({ users: [user('u', { AttachedManagedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/AWSCloudShellFullAccess' }] })] }),
    unknown,
  },
  iam_role_cross_account_external_id: {
    pass: auth({
      roles: [
        role('r', ME),
        role('vendor', ME, {
          AssumeRolePolicyDocument: policyDoc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: '999988887777' }, Condition: { StringEquals: { 'sts:ExternalId': 'x' } } }),
        }),
      ],
    }),
    fail: auth({ roles: [role('vendor', { AWS: 'arn:aws:iam::999988887777:root' })] }),
    unknown,
  },
  iam_role_unused_90_days: {
    pass: auth({ roles: [role('r', ME, { CreateDate: '2024-01-01T00:00:00Z', RoleLastUsed: { LastUsedDate: '2025-12-20T00:00:00Z' } })] }),
    fail: auth({ roles: [role('r', ME, { CreateDate: '2024-01-01T00:00:00Z', RoleLastUsed: {} })] }),
    unknown: [...unknown, auth({ roles: [role('r', ME)] })],
  },
  iam_server_certificate_not_expired: {
    pass: memorySnapshot({ calls: { [`${R}/iam-list-server-certificates`]: { ServerCertificateMetadataList: [{ Arn: 'arn:aws:iam::111122223333:server-certificate/a', ServerCertificateName: 'a', Expiration: '2027-01-01T00:00:00Z' }] } } }),
    fail: memorySnapshot({ calls: { [`${R}/iam-list-server-certificates`]: { ServerCertificateMetadataList: [{ Arn: 'arn:aws:iam::111122223333:server-certificate/a', ServerCertificateName: 'a', Expiration: '2020-01-01T00:00:00Z' }] } } }),
    unknown: [noAuth, memorySnapshot({ calls: { [`${R}/iam-list-server-certificates`]: fail() } })],
  },
  iam_account_security_contact: {
    pass: memorySnapshot({ calls: { [`${R}/account-get-alternate-contact/SECURITY`]: { AlternateContact: { EmailAddress: 'sec@example.com' } } } }),
    fail: memorySnapshot({ calls: { [`${R}/account-get-alternate-contact/SECURITY`]: fail('error', 'ResourceNotFoundException: No contact of the inputted alternate contact type found') } }),
    unknown: [noAuth, memorySnapshot({ calls: { [`${R}/account-get-alternate-contact/SECURITY`]: fail() } })],
  },
};
