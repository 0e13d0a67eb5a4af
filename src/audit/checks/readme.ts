/**
 * Renders src/audit/checks/README.md from the registry, so the table cannot drift from the checks
 * (readme.test.ts fails when it does). Regenerate: `node --import tsx src/audit/checks/readme.ts > src/audit/checks/README.md`.
 */
import { fileURLToPath } from 'node:url';
import { CHECKS } from './index.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The sentences of a description that say where CloudMapper goes wrong. */
export function cloudMapperNote(description: string): string {
  return description
    .split(/(?<=\.)\s+/)
    .filter((s) => /CloudMapper/.test(s))
    .join(' ');
}

export function renderChecksReadme(): string {
  const lines = [
    '# Audit checks',
    '',
    `${CHECKS.length} checks, one module each under \`src/audit/checks/<service>/\` (families such as the CIS 4.x metric filters,`,
    'the public resource policies, the open ports and the per-region services are one data table and one shared implementation,',
    'each row still its own registered check). Every check yields pass, fail or unknown per resource, and says unknown when',
    'the data it needs was not collected or was denied. This file is generated from the registry by `readme.ts`.',
    '',
    '## Where vigil differs from CloudMapper, and why',
    '',
    '- **Every region and partition.** CloudMapper audits IAM, S3, CloudTrail, Route 53 and CloudFront only when a region is',
    '  literally named `us-east-1`, so accounts in aws-us-gov and aws-cn get none of those findings. vigil reads global',
    "  services in the partition's home region (us-east-1, us-gov-west-1, cn-north-1) or wherever they were collected.",
    '- **Missing data is unknown, never pass and never a finding.** CloudMapper turns a missing file into a finding',
    '  (S3_ACCESS_BLOCK_OFF, PASSWORD_POLICY_NOT_SET) or into silence (GUARDDUTY_OFF, ACCESSANALYZER_OFF, LIGHTSAIL_IN_USE).',
    '  vigil reports unknown with the reason; an explicit "does not exist" answer (NoSuchEntity, NoSuchPublicAccessBlockConfiguration) still fails.',
    "- **One failure does not hide the rest.** CloudMapper runs all of a region's audits in one try block: the first",
    '  exception (e.g. a missing hosted-zone file) silently skips every later audit of that region. vigil checks are independent.',
    '- **Checks that cannot fire.** ACCESSANALYZER_OFF reads `accessanalyzer-list-analyzers.json` while CloudMapper\'s own demo',
    '  collection stores `accessanalzyer-list-analyzers.json`; vigil reads both spellings.',
    '- **Wrong resource.** IAM_KNOWN_BAD_POLICY on groups and users is reported against the last role CloudMapper looked at',
    '  (a leftover loop variable); vigil names the group or user.',
    '',
    '## Checks',
    '',
    '| id | severity | title | CIS 3.0 | FSBP | CloudMapper | notes (where CloudMapper is wrong) |',
    '|---|---|---|---|---|---|---|',
    ...CHECKS.map((c) =>
      [
        `\`${c.id}\``,
        c.severity,
        cell(c.title),
        (c.compliance.cis ?? []).map((x) => x.replace('cis-3.0:', '')).join(', '),
        (c.compliance.fsbp ?? []).join(', '),
        c.cloudmapper ? `\`${c.cloudmapper}\`` : '',
        cell(cloudMapperNote(c.description)),
      ].join(' | '),
    ).map((row) => `| ${row} |`),
    '',
  ];
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.stdout.write(renderChecksReadme());
