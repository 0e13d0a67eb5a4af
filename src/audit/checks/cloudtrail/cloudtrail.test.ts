import { describe, expect, it } from 'vitest';
import { runAllCases, type Cases } from '../../lib/check-cases.js';
import { policyDoc, trail, trailCalls, TRAIL_ARN } from '../../lib/fixtures.js';
import { fail, memorySnapshot } from '../../lib/memory.js';
import { CLOUDTRAIL_CHECKS } from './index.js';

const R = 'us-east-1';
const snap = (calls: Record<string, unknown>) => memorySnapshot({ calls: Object.fromEntries(Object.entries(calls).map(([k, v]) => [`${R}/${k}`, v])) });
const missing = memorySnapshot({ calls: { [`${R}/sts-get-caller-identity`]: {} } });
const denied = snap({ 'cloudtrail-describe-trails': fail() });
const BUCKET = { 's3-list-buckets': { Buckets: [{ Name: 'trail-logs' }] } };
const withBucket = (calls: Record<string, unknown>) => snap({ ...trailCalls(), ...BUCKET, ...Object.fromEntries(Object.entries(calls).map(([k, v]) => [`${k}/trail-logs`, v])) });

const table: Record<string, Cases> = {
  cloudtrail_enabled: {
    pass: snap(trailCalls()),
    fail: snap({ 'cloudtrail-describe-trails': { trailList: [] } }),
    unknown: [missing, denied, snap({ 'cloudtrail-describe-trails': { trailList: [trail()] } })],
  },
  cloudtrail_multi_region_logging: {
    pass: snap(trailCalls()),
    fail: snap(trailCalls(trail(), { logging: false })),
    unknown: [missing, denied, snap({ 'cloudtrail-describe-trails': { trailList: [trail()] } })],
  },
  cloudtrail_log_file_validation: { pass: snap(trailCalls()), fail: snap(trailCalls(trail({ LogFileValidationEnabled: false }))), unknown: [missing, denied] },
  cloudtrail_kms_encryption: { pass: snap(trailCalls()), fail: snap(trailCalls(trail({ KmsKeyId: undefined }))), unknown: [missing, denied] },
  cloudtrail_cloudwatch_logs: { pass: snap(trailCalls()), fail: snap(trailCalls(trail({ CloudWatchLogsLogGroupArn: undefined }))), unknown: [missing, denied] },
  cloudtrail_bucket_access_logging: {
    pass: withBucket({ 's3-get-bucket-logging': { LoggingEnabled: { TargetBucket: 'x' } } }),
    fail: withBucket({ 's3-get-bucket-logging': {} }),
    unknown: [missing, denied, snap(trailCalls())],
  },
  cloudtrail_bucket_not_public: {
    pass: withBucket({ 's3-get-bucket-policy': fail('error', 'NoSuchBucketPolicy'), 's3-get-bucket-acl': { Grants: [] } }),
    fail: withBucket({ 's3-get-bucket-policy': { Policy: JSON.stringify(policyDoc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' })) }, 's3-get-bucket-acl': { Grants: [] } }),
    unknown: [missing, denied, withBucket({ 's3-get-bucket-acl': { Grants: [] } })],
  },
  cloudtrail_s3_object_write_events: {
    pass: snap(trailCalls()),
    fail: snap(trailCalls(trail(), { selectors: { EventSelectors: [{ ReadWriteType: 'ReadOnly', DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] } })),
    unknown: [missing, denied, snap({ 'cloudtrail-describe-trails': { trailList: [trail()] } })],
  },
  cloudtrail_s3_object_read_events: {
    pass: snap(
      trailCalls(trail(), {
        selectors: {
          AdvancedEventSelectors: [
            { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] },
          ],
        },
      }),
    ),
    fail: snap(trailCalls(trail(), { selectors: { EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] } })),
    unknown: [missing, denied, snap({ 'cloudtrail-describe-trails': { trailList: [trail()] } })],
  },
};
void TRAIL_ARN;

describe('cloudtrail checks', () => {
  runAllCases(CLOUDTRAIL_CHECKS, table);
});

describe('organisation trails', () => {
  it('credits a management account organisation trail to member accounts in the same snapshot', async () => {
    const { CHECKS } = await import('../index.js');
    const check = CHECKS.find((c) => c.id === 'cloudtrail_multi_region_logging')!;
    const orgTrail = trail({ TrailARN: 'arn:aws:cloudtrail:us-east-1:999999999999:trail/org', IsOrganizationTrail: true });
    const calls: Record<string, unknown> = {
      ...Object.fromEntries(Object.entries(trailCalls(orgTrail)).map(([k, v]) => [`999999999999:${R}/${k}`, v])),
      [`111111111111:${R}/cloudtrail-describe-trails`]: { trailList: [] },
      [`111111111111:${R}/organizations-describe-organization`]: { Organization: { MasterAccountId: '999999999999' } },
    };
    const s = memorySnapshot({ accounts: [{ id: '999999999999' }, { id: '111111111111' }], calls });
    expect(check.run(s).map((r) => `${r.account}:${r.status}`).sort()).toEqual(['111111111111:pass', '999999999999:pass']);
    // Without the organisation link, the member has no trail.
    delete calls[`111111111111:${R}/organizations-describe-organization`];
    const alone = memorySnapshot({ accounts: [{ id: '999999999999' }, { id: '111111111111' }], calls });
    expect(check.run(alone).find((r) => r.account === '111111111111')?.status).toBe('fail');
  });
});
