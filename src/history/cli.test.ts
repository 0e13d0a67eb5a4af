/**
 * `vigil history` and `vigil owner` straight after `vigil lake ingest` (no daemon): ingest and the first history
 * run as a user would, in child processes; the rest through the same CLI in-process (a child costs seconds here).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { vigil, type CliResult } from '../../test/helpers/cli.js';
import { run } from '../cli/main.js';
import { ACCOUNT, SG, event, sgStory, user } from './testing.js';

let db: string;
const OLD_SG = 'sg-0old0000000000001';

/** The CLI in this process: exit code, stdout and stderr. */
async function cli(args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  try {
    const code = await run(['--db', db, ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}
afterEach(() => vi.restoreAllMocks());

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-history-cli-'));
  db = join(dir, 'vigil.duckdb');
  // The story, plus the same user name in a second account (an ambiguous short id).
  const other = event('iam.amazonaws.com', 'CreateUser', '2024-05-01T00:00:00Z', {
    recipientAccountId: '444455556666',
    userIdentity: user('admin', '444455556666'),
    requestParameters: { userName: 'alice' },
    responseElements: { user: { userName: 'alice', arn: 'arn:aws:iam::444455556666:user/alice' } },
  });
  const mine = event('iam.amazonaws.com', 'CreateUser', '2024-04-01T00:00:00Z', {
    userIdentity: user('admin'),
    requestParameters: { userName: 'alice' },
    responseElements: { user: { userName: 'alice', arn: `arn:aws:iam::${ACCOUNT}:user/alice` } },
  });
  // A group created before the lake's first event: only a later change of it is in the data.
  const old = event('ec2.amazonaws.com', 'RevokeSecurityGroupIngress', '2024-05-02T12:00:00Z', {
    requestParameters: { groupId: OLD_SG, securityGroupRuleIds: { items: [{ securityGroupRuleId: 'sgr-0123' }] } },
  });
  const file = join(dir, 'trail.json');
  writeFileSync(file, JSON.stringify({ Records: [...sgStory(), other, mine, old] }));
  const r = vigil(['--db', db, 'lake', 'ingest', file, '-q']);
  expect(r.code, r.stderr).toBe(0);
});

describe('vigil history', () => {
  it('prints the timeline: time, action, event, who, from, tool', () => {
    const r = vigil(['--db', db, 'history', SG]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`security-group ${SG} (arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group/${SG}) in ${ACCOUNT}/eu-west-1, deleted`);
    expect(lines[1]).toMatch(/^time\s+action\s+event\s+who\s+from\s+tool$/);
    const rows = lines.slice(3);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/^2024-05-02T09:00:00Z\s+create\s+CreateSecurityGroup\s+arn:aws:iam::111122223333:user\/alice\s+203\.0\.113\.10\s+console/);
    expect(rows[1]).toMatch(/modify\s+AuthorizeSecurityGroupIngress\s+arn:aws:iam::111122223333:user\/bob\s+192\.0\.2\.44\s+terraform \(Terraform\/1\.7\.5\)/);
    expect(rows[2]).toMatch(/modify\s+RevokeSecurityGroupIngress\s+.*user\/bob/);
    expect(rows[3]).toMatch(/delete\s+DeleteSecurityGroup\s+.*user\/alice\s+203\.0\.113\.10\s+aws-cli/);
    // mallory's denied attempt is not a change.
    expect(r.stdout).not.toContain('mallory');
  });

  it('--json: the resource and its changes', async () => {
    const r = await cli(['--json', 'history', `arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group/${SG}`]);
    expect(r.code, r.stderr).toBe(0);
    const h = JSON.parse(r.stdout);
    expect(h.resource).toMatchObject({ id: SG, deleted: true, createdBy: `arn:aws:iam::${ACCOUNT}:user/alice` });
    expect(h.changes.map((c: { eventName: string }) => c.eventName)).toEqual(['CreateSecurityGroup', 'AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress', 'DeleteSecurityGroup']);
  });

  it('exit 2 with one line when nothing matches; a short id matching several lists them', async () => {
    const none = await cli(['history', 'sg-0000000000000dead']);
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toMatch(/sg-0000000000000dead: no resource/);
    const many = await cli(['history', 'alice']);
    expect(many.code).toBe(2);
    expect(many.stdout).toContain('arn:aws:iam::444455556666:user/alice');
    expect(many.stdout).toContain(`arn:aws:iam::${ACCOUNT}:user/alice`);
    expect(many.stderr).toMatch(/alice matches 2 resources; give the ARN/);
  });
});

describe('vigil owner', () => {
  it('who created it, when, from where, with which tool', async () => {
    const r = await cli(['owner', SG]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/created by\s+arn:aws:iam::111122223333:user\/alice/);
    expect(r.stdout).toMatch(/at\s+2024-05-02T09:00:00Z/);
    expect(r.stdout).toMatch(/from\s+203\.0\.113\.10/);
    expect(r.stdout).toMatch(/tool\s+console \(console\.ec2\.amazonaws\.com\)/);
    const j = JSON.parse((await cli(['--json', 'owner', `arn:aws:iam::444455556666:user/alice`])).stdout);
    expect(j.owner).toMatchObject({ principalArn: 'arn:aws:iam::444455556666:user/admin', eventName: 'CreateUser', time: '2024-05-01T00:00:00Z' });
  });

  it('unknown when the creation is not in the data; a principal that only acted is no resource', async () => {
    const r = await cli(['owner', OLD_SG]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("unknown: created before the lake's first event at 2024-04-01T00:00:00Z (first seen in an event at 2024-05-02T12:00:00Z)");
    const j = JSON.parse((await cli(['--json', 'owner', OLD_SG])).stdout);
    expect(j).toMatchObject({ owner: null, resource: { id: OLD_SG } });
    expect((await cli(['owner', 'bob'])).code).toBe(2);
  });
});
