/**
 * The built-in pack's own contract (the engines' agreement is differential.test.ts): enough rules, complete
 * metadata with well-formed ATT&CK tags, every topic the issue lists covered by a rule whose positive test is the
 * API in question, "successful calls only" actually holding, and the README listing every rule.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileJs, EventView, FieldSlots } from '../engine/js.js';
import { BUILTIN_DIR, loadRules } from '../load.js';
import type { Rule } from '../rule.js';

const { rules, failed } = loadRules();
const byId = new Map(rules.map((r) => [r.id, r]));

const TACTICS = new Set([
  'reconnaissance', 'resource-development', 'initial-access', 'execution', 'persistence', 'privilege-escalation', 'defense-evasion',
  'credential-access', 'discovery', 'lateral-movement', 'collection', 'command-and-control', 'exfiltration', 'impact',
]);

/** Rules that count failed or denied calls on purpose (attempts are the signal). */
const COUNTS_FAILURES = new Set([
  'aws-console-login-failure-burst', 'aws-access-denied-burst', 'aws-ec2-get-password-data-burst', 'aws-ec2-user-data-read-burst',
  'aws-root-account-activity', 'aws-offensive-tool-user-agent', 'aws-pentest-os-user-agent',
  // Console sign-ins report failure in responseElements, not errorCode; these rules require Success.
  'aws-root-console-login', 'aws-console-login-without-mfa',
]);

function singleTests(r: Rule) {
  return r.tests.flatMap((t) => ('event' in t ? [t] : []));
}

/** Every event of the rule's positive tests (single events and window tests that alert). */
function positiveEvents(r: Rule): Record<string, unknown>[] {
  return r.tests.flatMap((t) => ('event' in t ? (t.match ? [t.event] : []) : t.alerts > 0 ? t.events : []));
}

describe('built-in pack', () => {
  it('has at least 80 rules, all loading, with unique kebab-case ids matching their file names', () => {
    expect(failed).toEqual([]);
    expect(rules.length).toBeGreaterThanOrEqual(80);
    expect(byId.size).toBe(rules.length);
    for (const r of rules) {
      expect(r.id).toMatch(/^aws-[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(basename(r.file)).toBe(`${r.id}.yml`);
    }
  });

  it('gives every rule a description, runbook, remediation, false positives and ATT&CK tactic + technique tags', () => {
    const bad: string[] = [];
    for (const r of rules) {
      const tactics = r.tags.filter((t) => /^attack\.[a-z-]+$/.test(t) && !/^attack\.t\d/.test(t)).map((t) => t.slice(7));
      const techniques = r.tags.filter((t) => /^attack\.t\d{4}(\.\d{3})?$/.test(t));
      const malformed = r.tags.filter((t) => !t.startsWith('attack.') || (!/^attack\.t\d{4}(\.\d{3})?$/.test(t) && !TACTICS.has(t.slice(7))));
      if (!r.description || r.description.length < 80) bad.push(`${r.id}: short description`);
      if (!r.runbook || !r.remediation || !r.falsepositives?.length) bad.push(`${r.id}: runbook/remediation/falsepositives`);
      if (!tactics.length || !techniques.length) bad.push(`${r.id}: needs a tactic and a technique tag`);
      if (malformed.length) bad.push(`${r.id}: malformed tags ${malformed.join(', ')}`);
    }
    expect(bad).toEqual([]);
  });

  it('covers every topic of the issue with a rule whose positive test is that API call', () => {
    // topic → [rule id, eventName (prefix) its positive tests must include]
    const topics: Record<string, [string, string][]> = {
      'root activity / login / access keys': [['aws-root-account-activity', 'CreateUser'], ['aws-root-console-login', 'ConsoleLogin'], ['aws-root-access-key-created', 'CreateAccessKey']],
      'console login without MFA': [['aws-console-login-without-mfa', 'ConsoleLogin']],
      'failed login bursts': [['aws-console-login-failure-burst', 'ConsoleLogin']],
      'CloudTrail tampering': [
        ['aws-cloudtrail-stop-logging', 'StopLogging'], ['aws-cloudtrail-delete-trail', 'DeleteTrail'],
        ['aws-cloudtrail-trail-weakened', 'UpdateTrail'], ['aws-cloudtrail-event-selectors-drop-management', 'PutEventSelectors'],
      ],
      'security services disabled': [
        ['aws-guardduty-detector-deleted', 'DeleteDetector'], ['aws-guardduty-detector-disabled', 'UpdateDetector'],
        ['aws-config-recorder-stopped', 'StopConfigurationRecorder'], ['aws-securityhub-disabled', 'DisableSecurityHub'],
        ['aws-access-analyzer-deleted', 'DeleteAnalyzer'], ['aws-ec2-flow-logs-deleted', 'DeleteFlowLogs'],
      ],
      'KMS keys': [['aws-kms-key-disabled', 'DisableKey'], ['aws-kms-key-scheduled-for-deletion', 'ScheduleKeyDeletion']],
      'S3 made public': [['aws-s3-bucket-policy-public', 'PutBucketPolicy'], ['aws-s3-acl-public', 'PutBucketAcl'], ['aws-s3-public-access-block-deleted', 'DeletePublicAccessBlock']],
      'network opened to the world': [['aws-ec2-security-group-open-to-world', 'AuthorizeSecurityGroupIngress'], ['aws-ec2-network-acl-open-to-world', 'CreateNetworkAclEntry']],
      'snapshots and AMIs shared': [
        ['aws-ec2-snapshot-made-public', 'ModifySnapshotAttribute'], ['aws-ec2-snapshot-shared-with-account', 'ModifySnapshotAttribute'],
        ['aws-rds-snapshot-made-public', 'ModifyDBSnapshotAttribute'], ['aws-rds-snapshot-shared-with-account', 'ModifyDBSnapshotAttribute'],
        ['aws-ec2-ami-made-public', 'ModifyImageAttribute'], ['aws-ec2-ami-shared-with-account', 'ModifyImageAttribute'],
      ],
      'IAM privilege escalation': [
        ['aws-iam-policy-version-set-as-default', 'CreatePolicyVersion'], ['aws-iam-admin-policy-attached', 'AttachUserPolicy'],
        ['aws-iam-inline-policy-wildcard', 'PutUserPolicy'], ['aws-iam-role-trust-external-account', 'UpdateAssumeRolePolicy'],
        ['aws-iam-login-profile-created-for-other-user', 'CreateLoginProfile'], ['aws-iam-login-profile-updated-for-other-user', 'UpdateLoginProfile'],
        ['aws-iam-access-key-created-for-other-user', 'CreateAccessKey'],
      ],
      'new user then admin': [['aws-iam-new-user-then-admin', 'CreateUser'], ['aws-iam-new-user-then-admin', 'AttachUserPolicy']],
      'EC2 regions, types and bursts': [
        ['aws-ec2-instance-in-unapproved-region', 'RunInstances'], ['aws-ec2-unapproved-instance-type', 'RunInstances'],
        ['aws-ec2-large-instance-launch-burst', 'RunInstances'], ['aws-ec2-get-password-data-burst', 'GetPasswordData'],
        ['aws-secretsmanager-get-secret-value-burst', 'GetSecretValue'], ['aws-access-denied-burst', 'GetPasswordData'],
      ],
      'SSM': [['aws-ssm-send-command', 'SendCommand'], ['aws-ssm-start-session', 'StartSession']],
      'Lambda': [['aws-lambda-layer-attached', 'UpdateFunctionConfiguration'], ['aws-lambda-function-url-public', 'CreateFunctionUrlConfig']],
      'Organizations': [['aws-organizations-leave', 'LeaveOrganization']],
      'offensive tools': [['aws-offensive-tool-user-agent', ''], ['aws-pentest-os-user-agent', '']],
    };
    const missing: string[] = [];
    for (const [topic, needs] of Object.entries(topics))
      for (const [id, api] of needs) {
        const r = byId.get(id);
        if (!r) missing.push(`${topic}: no rule ${id}`);
        else if (!positiveEvents(r).some((e) => String(e.eventName).startsWith(api))) missing.push(`${topic}: ${id} has no positive ${api} test`);
      }
    expect(missing).toEqual([]);
  });

  it('thresholds and correlations are what the issue asks for', () => {
    const kind = (id: string) => byId.get(id)?.window;
    expect(kind('aws-iam-new-user-then-admin')).toMatchObject({ type: 'temporal_ordered', seconds: 3600, members: ['aws-iam-user-created', 'aws-iam-admin-policy-attached'] });
    for (const id of ['aws-console-login-failure-burst', 'aws-ec2-large-instance-launch-burst', 'aws-ec2-get-password-data-burst', 'aws-secretsmanager-get-secret-value-burst', 'aws-access-denied-burst'])
      expect(kind(id)?.type, id).toBe('count');
  });

  it('reports successful calls only: a positive event turned into a failed call no longer matches', () => {
    const stillMatching: string[] = [];
    for (const r of rules) {
      if (!r.pred || COUNTS_FAILURES.has(r.id)) continue;
      const slots = new FieldSlots();
      const m = compileJs(r.pred, slots);
      for (const t of singleTests(r).filter((x) => x.match)) {
        const failedCall = { ...t.event, errorCode: 'AccessDenied', errorMessage: 'not authorized', responseElements: null };
        if (m(new EventView(failedCall, slots))) stillMatching.push(`${r.id} / ${t.name}`);
      }
    }
    expect(stillMatching).toEqual([]);
  });

  it('lists every rule in its README', () => {
    const readme = readFileSync(join(BUILTIN_DIR, 'README.md'), 'utf8');
    expect(rules.filter((r) => !readme.includes(`\`${r.id}\``)).map((r) => r.id)).toEqual([]);
  });
});
