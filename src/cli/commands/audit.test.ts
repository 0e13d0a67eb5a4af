/** `vigil audit` end to end over the CloudMapper demo collection (../shared/data/cloudmapper-demo). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../main.js';
import { captureOutput } from '../../../test/helpers/capture.js';

const DEMO = fileURLToPath(new URL('../../../test/fixtures/cloudmapper-demo', import.meta.url));
const { out, err } = captureOutput();
let dir: string;
let db: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-audit-cli-'));
  db = join(dir, 'v.duckdb');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const vigil = (...args: string[]) => {
  process.exitCode = undefined;
  return run(['--db', db, ...args]);
};
const json = () => JSON.parse(out.join('')) as { changes: Record<string, number>; findings: (Record<string, string> & { resource: string; id: string })[]; audit: { previous?: unknown } };

describe('vigil audit', () => {
  it('lists checks with id and cloudmapper', async () => {
    expect(await vigil('audit', 'checks', '--json')).toBe(0);
    const checks = JSON.parse(out.join('')) as { id: string; cloudmapper: string | null; severity: string }[];
    expect(checks.length).toBeGreaterThan(0);
    for (const c of checks) expect(c).toHaveProperty('cloudmapper');
    expect(checks.some((c) => c.cloudmapper === 'ROOT_ACCOUNT_NO_MFA' || c.cloudmapper)).toBe(true);
  });

  it('imports a CloudMapper collection, audits it, then remembers on the next audit', async () => {
    expect(await vigil('audit', '--import-cloudmapper', DEMO, '--json')).toBe(0);
    const first = json();
    expect(first.audit.previous).toBeUndefined();
    const trust = first.findings.find((f) => f.check === 'iam_role_trust_public' && f.resource.endsWith(':role/bad_role'));
    expect(trust).toMatchObject({ result: 'fail', status: 'new', account: '123456789012' });
    expect(first.changes.new).toBeGreaterThan(0);
    for (const f of first.findings) expect(Object.keys(f)).toEqual(expect.arrayContaining(['check', 'resource', 'account', 'region', 'result', 'status', 'severity', 'title', 'reason']));

    out.length = 0;
    expect(await vigil('audit', '--json')).toBe(0);
    const second = json();
    expect(second.audit.previous).toBeDefined();
    expect(second.changes).toEqual({ new: 0, reopened: 0, resolved: 0 });
    expect(second.findings.find((f) => f.id === trust!.id)).toMatchObject({ status: 'open', firstSeen: trust!.firstSeen });

    out.length = 0;
    expect(await vigil('audit')).toBe(0);
    expect(out.join('')).toContain('nothing changed since the previous audit');
  }, 60_000);

  it('gates on severity, and exceptions mute', async () => {
    expect(await vigil('audit', '--only', 'iam_role_trust_*', '--fail-on', 'critical')).toBe(1);
    expect(err.join('')).toContain('--fail-on critical');
    const file = join(dir, 'exceptions.yaml');
    writeFileSync(file, `- checks: iam_role_trust_public\n  resource: role/bad_role$\n  reason: demo role\n  owner: alice\n`);
    out.length = 0;
    expect(await vigil('audit', '--only', 'iam_role_trust_*', '--fail-on', 'critical', '--exceptions', file, '--json')).toBe(0);
    expect(json().findings.find((f) => f.resource.endsWith(':role/bad_role'))).toMatchObject({ status: 'muted', result: 'fail' });
    expect(await vigil('audit', '--fail-on', 'severe')).toBe(2);
    writeFileSync(file, `- checks: x\n  owner: alice\n`);
    expect(await vigil('audit', '--exceptions', file)).toBe(2);
    expect(err.join('')).toMatch(/exceptions\.yaml: exceptions\.0\.reason/);
  }, 60_000);

  it('writes reports in every format', async () => {
    const html = join(dir, 'report.html');
    expect(await vigil('audit', '--output', html)).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('<script type="application/json" id="vigil-data">');
    for (const format of ['ocsf', 'asff']) {
      out.length = 0;
      expect(await vigil('audit', '--only', 'iam_*', '--format', format)).toBe(0);
      expect(JSON.parse(out.join('')).length).toBeGreaterThan(0);
    }
    out.length = 0;
    expect(await vigil('audit', '--only', 'iam_*', '--format', 'csv')).toBe(0);
    expect(out.join('').split('\r\n')[0]).toMatch(/^id,check,/);
    out.length = 0;
    expect(await vigil('audit', '--format', 'md', '--all')).toBe(0);
    expect(out.join('')).toContain('# vigil audit');
    expect(await vigil('audit', '--format', 'pdf')).toBe(2);
  }, 60_000);
});
