/** Detective and preventive services that must be on in every region: one table, one shared shape. */
import type { Check } from '../../check.js';
import { cis } from '../../lib/define.js';
import type { Verdict } from '../../lib/factories.js';
import { regionalCheck, type RegionContext } from '../../lib/regional.js';
import { arr, get } from '../../lib/snapshot.js';

const NOT_ENABLED = /not subscribed|not enabled|InvalidAccessException|ResourceNotFound|NoSuch/i;

interface Row {
  id: string;
  service: string;
  title: string;
  severity: Check['severity'];
  probe: string[];
  evaluate: (c: RegionContext) => Verdict;
  description: string;
  risk: string;
  console: string;
  cli: string;
  cis?: string[];
  fsbp?: string[];
  cloudmapper?: string;
}

/** A "describe" call that errors with a not-enabled message means off; any other failure is unknown. */
function onOff(c: RegionContext, call: string, on: (d: Record<string, unknown>) => boolean, what: string): Verdict {
  const got = get(c.snap, c.account, c.region, call);
  if (!got.ok) {
    const raw = c.snap.call(c.account, c.region, call);
    if (raw && raw.status === 'error' && NOT_ENABLED.test(raw.error)) return { bad: true, reason: `${what} is not enabled` };
    return { unknown: got.reason };
  }
  return on(got.data) ? { bad: false, reason: `${what} enabled` } : { bad: true, reason: `${what} is not enabled` };
}

const ROWS: Row[] = [
  {
    id: 'guardduty_enabled',
    service: 'guardduty',
    title: 'GuardDuty is enabled in every region',
    severity: 'medium',
    probe: ['guardduty-list-detectors'],
    evaluate: (c) => {
      const list = get(c.snap, c.account, c.region, 'guardduty-list-detectors');
      if (!list.ok) return { unknown: list.reason };
      const ids = arr<string>(list.data.DetectorIds);
      if (!ids.length) return { bad: true, reason: 'no GuardDuty detector' };
      const details = ids.map((id) => get(c.snap, c.account, c.region, 'guardduty-get-detector', id));
      if (details.some((d) => d.ok && d.data.Status === 'ENABLED')) return { bad: false, reason: 'detector enabled' };
      const missing = details.find((d) => !d.ok);
      return missing && !missing.ok ? { unknown: missing.reason } : { bad: true, reason: 'detector suspended' };
    },
    description:
      'A GuardDuty detector exists and is ENABLED in the region. CloudMapper stays silent when the detector list is missing and crashes (aborting the rest of the region) when a detector\'s details are; vigil says unknown.',
    risk: 'Compromised credentials, crypto-mining and reconnaissance in the region go unnoticed.',
    console: 'GuardDuty > Get started > Enable (ideally organisation-wide with a delegated administrator).',
    cli: 'aws guardduty create-detector --enable --region <region>',
    fsbp: ['GuardDuty.1'],
    cloudmapper: 'GUARDDUTY_OFF',
  },
  {
    id: 'accessanalyzer_enabled',
    service: 'accessanalyzer',
    title: 'IAM Access Analyzer is enabled in every region',
    severity: 'medium',
    probe: ['accessanalyzer-list-analyzers', 'accessanalzyer-list-analyzers'],
    evaluate: (c) => {
      const got = get(c.snap, c.account, c.region, ['accessanalyzer-list-analyzers', 'accessanalzyer-list-analyzers']);
      if (!got.ok) return { unknown: got.reason };
      const active = arr(got.data.analyzers).filter((a) => a.status === 'ACTIVE');
      return active.length ? { bad: false, reason: `analyzer ${active[0].name} active` } : { bad: true, reason: 'no active analyzer' };
    },
    description:
      'An ACTIVE account or organisation analyzer exists in the region. CloudMapper reads accessanalyzer-list-analyzers.json while its own demo collection stores accessanalzyer-list-analyzers.json, so there it can never fire; vigil reads both spellings.',
    risk: 'Resources shared publicly or with unknown accounts are not reported.',
    console: 'IAM > Access analyzer > Create analyzer (in each region).',
    cli: 'aws accessanalyzer create-analyzer --analyzer-name default --type ACCOUNT --region <region>',
    cis: cis('1.20'),
    fsbp: ['IAM.28'],
    cloudmapper: 'ACCESSANALYZER_OFF',
  },
  {
    id: 'config_recorder_enabled',
    service: 'config',
    title: 'AWS Config records all resources in every region',
    severity: 'medium',
    probe: ['config-describe-configuration-recorders'],
    evaluate: (c) => {
      const recs = get(c.snap, c.account, c.region, 'config-describe-configuration-recorders');
      if (!recs.ok) return { unknown: recs.reason };
      const rec = arr(recs.data.ConfigurationRecorders)[0];
      if (!rec) return { bad: true, reason: 'no configuration recorder' };
      if (rec.recordingGroup && rec.recordingGroup.allSupported === false) return { bad: true, reason: 'recorder does not record all resource types' };
      const status = get(c.snap, c.account, c.region, 'config-describe-configuration-recorder-status');
      if (!status.ok) return { unknown: status.reason };
      const on = arr(status.data.ConfigurationRecordersStatus).some((s) => s.recording === true);
      return on ? { bad: false, reason: 'recording all resources' } : { bad: true, reason: 'recorder stopped' };
    },
    description: 'A configuration recorder exists, records all supported resource types and is recording.',
    risk: 'Configuration history needed for investigations and compliance is missing.',
    console: 'Config > Settings > Recording: all resources, then Start recording.',
    cli: 'aws configservice put-configuration-recorder ...; aws configservice start-configuration-recorder --configuration-recorder-name default',
    cis: cis('3.3'),
    fsbp: ['Config.1'],
  },
  {
    id: 'securityhub_enabled',
    service: 'securityhub',
    title: 'Security Hub is enabled in every region',
    severity: 'medium',
    probe: ['securityhub-describe-hub'],
    evaluate: (c) => onOff(c, 'securityhub-describe-hub', (d) => Boolean(d.HubArn), 'Security Hub'),
    description: 'securityhub describe-hub returns a hub in the region (not "not subscribed").',
    risk: 'Findings from GuardDuty, Inspector and Config are not aggregated or checked against standards.',
    console: 'Security Hub > Enable (organisation-wide with a delegated administrator).',
    cli: 'aws securityhub enable-security-hub --region <region>',
    cis: cis('4.16'),
  },
  {
    id: 'ec2_ebs_default_encryption',
    service: 'ec2',
    title: 'EBS encryption by default is on in every region',
    severity: 'medium',
    probe: ['ec2-get-ebs-encryption-by-default'],
    evaluate: (c) => onOff(c, 'ec2-get-ebs-encryption-by-default', (d) => d.EbsEncryptionByDefault === true, 'EBS encryption by default'),
    description: 'ec2 get-ebs-encryption-by-default is true in the region.',
    risk: 'New volumes and snapshots are created unencrypted unless every caller remembers to ask.',
    console: 'EC2 > Settings > EBS encryption > Always encrypt new EBS volumes.',
    cli: 'aws ec2 enable-ebs-encryption-by-default --region <region>',
    cis: cis('2.2.1'),
    fsbp: ['EC2.7'],
  },
  {
    id: 'macie_enabled',
    service: 'macie',
    title: 'Macie is enabled in every region',
    severity: 'low',
    probe: ['macie2-get-macie-session'],
    evaluate: (c) => onOff(c, 'macie2-get-macie-session', (d) => d.status === 'ENABLED', 'Macie'),
    description: 'macie2 get-macie-session reports ENABLED, so sensitive data in S3 is discovered and classified.',
    risk: 'Sensitive data stored in the wrong bucket is never noticed.',
    console: 'Macie > Get started > Enable Macie.',
    cli: 'aws macie2 enable-macie --region <region>',
    cis: cis('2.1.3'),
    fsbp: ['Macie.1'],
  },
];

export const ENABLED_CHECKS: Check[] = ROWS.map((row) =>
  regionalCheck(
    {
      id: row.id,
      title: row.title,
      severity: row.severity,
      service: row.service,
      resourceType: 'AwsAccount',
      description: row.description,
      risk: row.risk,
      remediation: { console: row.console, cli: row.cli },
      references: [],
      compliance: { cis: row.cis, fsbp: row.fsbp },
      cloudmapper: row.cloudmapper,
    },
    row.probe,
    row.evaluate,
  ),
);
