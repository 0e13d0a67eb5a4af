import { describe } from 'vitest';
import { runAllCases, type Cases } from '../../lib/check-cases.js';
import { fail, memorySnapshot } from '../../lib/memory.js';
import { REGIONAL_CHECKS } from './index.js';

// Two regions: the first always fine, the second decides, so a check that only looked at one region would miss it.
const A = 'us-east-1';
const B = 'ap-northeast-1';
const snap = (good: Record<string, unknown>, second: Record<string, unknown>) =>
  memorySnapshot({
    calls: {
      ...Object.fromEntries(Object.entries(good).map(([k, v]) => [`${A}/${k}`, v])),
      ...Object.fromEntries(Object.entries(second).map(([k, v]) => [`${B}/${k}`, v])),
    },
    regions: [A, B],
  });
const cases = (good: Record<string, unknown>, bad: Record<string, unknown>, unknown: Record<string, unknown>[]): Cases => ({
  pass: snap(good, good),
  fail: snap(good, bad),
  // Only the region with missing data, so "never pass" is about that region.
  unknown: unknown.map((u) => memorySnapshot({ calls: Object.fromEntries(Object.entries(u).map(([k, v]) => [`${B}/${k}`, v])), regions: [B] })),
});

const table: Record<string, Cases> = {
  guardduty_enabled: cases(
    { 'guardduty-list-detectors': { DetectorIds: ['d1'] }, 'guardduty-get-detector/d1': { Status: 'ENABLED' } },
    { 'guardduty-list-detectors': { DetectorIds: [] } },
    [{}, { 'guardduty-list-detectors': fail() }, { 'guardduty-list-detectors': { DetectorIds: ['d1'] } }],
  ),
  accessanalyzer_enabled: cases(
    { 'accessanalyzer-list-analyzers': { analyzers: [{ name: 'a', status: 'ACTIVE', type: 'ACCOUNT' }] } },
    { 'accessanalzyer-list-analyzers': { analyzers: [] } },
    [{}, { 'accessanalyzer-list-analyzers': fail() }],
  ),
  config_recorder_enabled: cases(
    {
      'config-describe-configuration-recorders': { ConfigurationRecorders: [{ name: 'default', recordingGroup: { allSupported: true, includeGlobalResourceTypes: true } }] },
      'config-describe-configuration-recorder-status': { ConfigurationRecordersStatus: [{ name: 'default', recording: true }] },
    },
    { 'config-describe-configuration-recorders': { ConfigurationRecorders: [] } },
    [{}, { 'config-describe-configuration-recorders': { ConfigurationRecorders: [{ name: 'default' }] } }],
  ),
  securityhub_enabled: cases(
    { 'securityhub-describe-hub': { HubArn: 'arn:aws:securityhub:x:111122223333:hub/default' } },
    { 'securityhub-describe-hub': fail('error', 'InvalidAccessException: Account 111122223333 is not subscribed to AWS Security Hub') },
    [{}, { 'securityhub-describe-hub': fail() }],
  ),
  ec2_ebs_default_encryption: cases(
    { 'ec2-get-ebs-encryption-by-default': { EbsEncryptionByDefault: true } },
    { 'ec2-get-ebs-encryption-by-default': { EbsEncryptionByDefault: false } },
    [{}, { 'ec2-get-ebs-encryption-by-default': fail() }],
  ),
  macie_enabled: cases(
    { 'macie2-get-macie-session': { status: 'ENABLED' } },
    { 'macie2-get-macie-session': fail('error', 'AccessDeniedException: Macie is not enabled') },
    [{}, { 'macie2-get-macie-session': fail('timeout', 'timed out') }],
  ),
};

describe('regional service checks', () => {
  runAllCases(REGIONAL_CHECKS, table);
});
