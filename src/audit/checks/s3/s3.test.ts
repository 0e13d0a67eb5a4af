import { describe } from 'vitest';
import { runAllCases, type Cases } from '../../lib/check-cases.js';
import { policyDoc } from '../../lib/fixtures.js';
import { fail, memorySnapshot } from '../../lib/memory.js';
import { S3_CHECKS } from './index.js';

const R = 'us-east-1';
const B = 'data';
const bucket = (calls: Record<string, unknown>) =>
  memorySnapshot({
    calls: {
      [`${R}/s3-list-buckets`]: { Buckets: [{ Name: B }] },
      [`${R}/s3-get-bucket-location/${B}`]: { LocationConstraint: 'eu-west-1' },
      ...Object.fromEntries(Object.entries(calls).map(([k, v]) => [k.includes('/') ? `${R}/${k}` : `${R}/${k}/${B}`, v])),
    },
  });
const noList = memorySnapshot({ calls: { [`${R}/sts-get-caller-identity`]: {} } });
const deniedList = memorySnapshot({ calls: { [`${R}/s3-list-buckets`]: fail() } });
const policy = (...stmts: Record<string, unknown>[]) => ({ Policy: JSON.stringify(policyDoc(...stmts)) });
const PUBLIC_GET = { Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/*` };
const PUBLIC_PUT = { Effect: 'Allow', Principal: '*', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${B}/*` };
const ORG_ONLY = { ...PUBLIC_PUT, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } } };
const DENY_HTTP = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `arn:aws:s3:::${B}/*`, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
const NO_POLICY = fail('error', 'NoSuchBucketPolicy: The bucket policy does not exist');
const ALL_ON = { PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } };
const ACCT_BLOCK = `s3control-get-public-access-block/111122223333`;
const unknownBucket = (call: string) => [noList, deniedList, bucket({ [call]: fail() })];
const ACL = (uri?: string) => ({
  Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'x' }, Permission: 'FULL_CONTROL' }, ...(uri ? [{ Grantee: { Type: 'Group', URI: uri }, Permission: 'READ' }] : [])],
});

const table: Record<string, Cases> = {
  s3_bucket_public_policy: {
    pass: bucket({ 's3-get-bucket-policy': policy(ORG_ONLY, PUBLIC_GET) }),
    fail: bucket({ 's3-get-bucket-policy': policy(PUBLIC_PUT) }),
    unknown: unknownBucket('s3-get-bucket-policy'),
  },
  s3_bucket_public_policy_getobject_only: {
    pass: bucket({ 's3-get-bucket-policy': NO_POLICY }),
    fail: bucket({ 's3-get-bucket-policy': policy(PUBLIC_GET) }),
    unknown: unknownBucket('s3-get-bucket-policy'),
  },
  s3_bucket_public_acl: {
    pass: bucket({ 's3-get-bucket-acl': ACL() }),
    fail: bucket({ 's3-get-bucket-acl': ACL('http://acs.amazonaws.com/groups/global/AuthenticatedUsers') }),
    unknown: unknownBucket('s3-get-bucket-acl'),
  },
  s3_bucket_public_access_block: {
    pass: bucket({ [ACCT_BLOCK]: ALL_ON, 's3-get-public-access-block': fail('error', 'NoSuchPublicAccessBlockConfiguration') }),
    fail: bucket({ [ACCT_BLOCK]: fail('error', 'NoSuchPublicAccessBlockConfiguration'), 's3-get-public-access-block': { PublicAccessBlockConfiguration: { BlockPublicAcls: true } } }),
    unknown: [noList, deniedList, bucket({ 's3-get-public-access-block': { PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true } } })],
  },
  s3_bucket_secure_transport: {
    pass: bucket({ 's3-get-bucket-policy': policy(DENY_HTTP) }),
    fail: bucket({ 's3-get-bucket-policy': NO_POLICY }),
    unknown: unknownBucket('s3-get-bucket-policy'),
  },
  s3_bucket_mfa_delete: {
    pass: bucket({ 's3-get-bucket-versioning': { Status: 'Enabled', MFADelete: 'Enabled' } }),
    fail: bucket({ 's3-get-bucket-versioning': { Status: 'Enabled' } }),
    unknown: unknownBucket('s3-get-bucket-versioning'),
  },
  s3_bucket_versioning: {
    pass: bucket({ 's3-get-bucket-versioning': { Status: 'Enabled' } }),
    fail: bucket({ 's3-get-bucket-versioning': {} }),
    unknown: unknownBucket('s3-get-bucket-versioning'),
  },
  s3_bucket_default_encryption: {
    pass: bucket({ 's3-get-bucket-encryption': { ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } } }),
    fail: bucket({ 's3-get-bucket-encryption': fail('error', 'ServerSideEncryptionConfigurationNotFoundError') }),
    unknown: unknownBucket('s3-get-bucket-encryption'),
  },
  s3_bucket_access_logging: {
    pass: bucket({ 's3-get-bucket-logging': { LoggingEnabled: { TargetBucket: 'logs' } } }),
    fail: bucket({ 's3-get-bucket-logging': {} }),
    unknown: unknownBucket('s3-get-bucket-logging'),
  },
  s3_account_public_access_block_enabled: {
    pass: bucket({ [ACCT_BLOCK]: { PublicAccessBlockConfiguration: { BlockPublicAcls: true } } }),
    fail: bucket({ [ACCT_BLOCK]: fail('error', 'NoSuchPublicAccessBlockConfiguration') }),
    unknown: [noList, bucket({ [ACCT_BLOCK]: fail() })],
  },
  s3_account_public_access_block_all: {
    pass: bucket({ [ACCT_BLOCK]: ALL_ON }),
    fail: bucket({ [ACCT_BLOCK]: { PublicAccessBlockConfiguration: { BlockPublicAcls: true } } }),
    unknown: [noList, bucket({ [ACCT_BLOCK]: fail() })],
  },
};

describe('s3 checks', () => {
  runAllCases(S3_CHECKS, table);
});
