/**
 * Access review through Athena (every query it sends gives the local answer and parses as Trino), and the CLI end
 * to end: `vigil hunt|access --engine athena` against the simulated Athena, which runs on a local lake.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { reviewPrincipal } from '../access/review.js';
import { generatePolicy } from '../access/policygen.js';
import { accessReport } from '../access/report.js';
import { run } from '../cli/main.js';
import { BUILTIN_DIR } from '../detect/load.js';
import { AthenaLake } from './lake.js';
import { accessWindow, ALL_BYTES, creds, DB, openTestLake, parseTrino, type TestLake } from './testing.js';

let t: TestLake;
beforeAll(async () => {
  t = await openTestLake();
}, 60_000);
afterAll(() => t?.close());

describe('access review: every query through Athena gives the local answer', () => {
  let lake: AthenaLake;
  beforeAll(() => {
    lake = new AthenaLake(t.engine);
  });

  it('review of a user, of a user\'s sessions in a role, and of a role', async () => {
    for (const req of [{ user: 'alice' }, { user: 'alice', destrole: 'admin' }, { role: 'admin' }, { user: 'bob' }]) {
      const want = await reviewPrincipal(t.plain, t.granted, { ...req, window: accessWindow });
      const got = await reviewPrincipal(lake, t.granted, { ...req, window: accessWindow });
      expect(got, JSON.stringify(req)).toEqual(want);
    }
    const alice = await reviewPrincipal(t.plain, t.granted, { user: 'alice', window: accessWindow });
    expect(alice.actions.find((a) => a.action === 's3:GetObject')).toMatchObject({ status: 'used', count: 2 });
    expect(alice.failed.map((f) => f.errorCode).sort()).toEqual(['AccessDenied', 'ThrottlingException']);
  });

  it('the least-privilege policy and the estate report', async () => {
    const req = { user: 'alice', window: accessWindow };
    const want = await generatePolicy(t.plain, t.granted, req);
    expect(await generatePolicy(lake, t.granted, req)).toEqual(want);
    expect(want.scopes.get('s3:GetObject')!.sort()).toEqual(['arn:aws:s3:::data-a/r.csv', 'arn:aws:s3:::data-a/s.csv']);
    const report = await accessReport(t.plain, t.granted, accessWindow);
    expect(await accessReport(lake, t.granted, accessWindow)).toEqual(report);
    expect(report.unusedAccessKeys).toContainEqual(expect.objectContaining({ accessKeyId: 'AKIAALICEOLD0000' }));
    expect(report.unusedUsers.map((p) => p.name)).toEqual(['idle']);
  });

  it('every query it sent parses as Trino, carries the window as partition predicates, and was costed', () => {
    expect(lake.sent.length).toBeGreaterThanOrEqual(6);
    for (const q of lake.sent) expect(() => parseTrino(q.sql), q.sql).not.toThrow();
    expect(lake.sent.some((q) => q.sql.includes("timestamp >= '2026/02/01'"))).toBe(true);
    expect(lake.stats.queries).toBe(lake.sent.length);
    expect(lake.stats.dataScannedBytes).toBeGreaterThan(0);
  });
});

describe('CLI: --engine athena against the simulated Athena', () => {
  let out: string[];
  let err: string[];
  let config: string;
  const env = { ...process.env };
  beforeAll(() => {
    config = join(t.dir, 'vigil.yaml');
    writeFileSync(config, `athena:\n  database: ${DB}\n  endpoint: ${t.sim.endpoint}\n  region: us-east-1\n`);
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey });
    delete process.env.AWS_PROFILE;
  });
  afterAll(() => {
    process.env = env;
  });
  async function cli(args: string[]): Promise<number> {
    out = [];
    err = [];
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
    try {
      return await run(['--db', t.dbA, '--config', config, ...args]);
    } finally {
      o.mockRestore();
      e.mockRestore();
      process.exitCode = undefined;
    }
  }

  it('vigil hunt --engine athena prints the local hunt\'s alerts, in every format, with the cost on stderr', async () => {
    // Two folders of the built-in pack (single-event and threshold rules) keep it quick; engines.test.ts runs them all.
    const window = ['--since', '2000-01-01', '--until', '2030-01-01', '--only', '--rules', join(BUILTIN_DIR, 'credential-access'), '--rules', join(BUILTIN_DIR, 'defense-evasion')];
    expect(await cli(['hunt', ...window, '--json'])).toBe(0);
    const local = out.join('');
    expect(await cli(['hunt', ...window, '--json', '--engine', 'athena'])).toBe(0);
    expect(out.join('')).toBe(local);
    expect(local.split('\n').filter(Boolean).length).toBeGreaterThan(10);
    const meta = err.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(meta).toEqual([expect.objectContaining({ engine: 'athena', queries: 1, dataScannedBytes: ALL_BYTES, queryIds: [expect.any(String)] })]);
    expect(await cli(['hunt', ...window, '--csv', '--engine', 'athena'])).toBe(0);
    expect(out.join('')).toMatch(/^id,rule,title,severity,count,/);
    expect(err.join('')).toMatch(/athena: 1 query \(.+\) scanned 0\.0 MB \(\$0\.0000\)/);
  });

  it('vigil access and access report --engine athena print the local answer', async () => {
    const args = ['--user', 'alice', '--since', '2026-02-01', '--iam', ...t.iamFiles];
    expect(await cli(['access', ...args, '--json'])).toBe(0);
    const local = out.join('');
    expect(await cli(['access', ...args, '--json', '--engine', 'athena'])).toBe(0);
    expect(out.join('')).toBe(local);
    expect(JSON.parse(local)).toContainEqual({ action: 's3:GetObject', status: 'used' });
    expect(err.join('')).toContain('"engine":"athena"');
    expect(await cli(['access', 'report', '--since', '2026-02-01', '--iam', ...t.iamFiles, '--engine', 'athena', '--json'])).toBe(0);
    const remote = out.join('');
    expect(await cli(['access', 'report', '--since', '2026-02-01', '--iam', ...t.iamFiles, '--json'])).toBe(0);
    expect(remote).toBe(out.join(''));
  });

  it('vigil lake query --saved --engine athena prints the local rows', async () => {
    const args = ['lake', 'query', '--saved', 'unauthorized-calls', '--since', '2000-01-01', '--until', '2030-01-01', '--json'];
    expect(await cli(args)).toBe(0);
    const local = JSON.parse(out.join('')) as Record<string, unknown>[];
    expect(local.length).toBeGreaterThan(0);
    expect(await cli([...args, '--engine', 'athena'])).toBe(0);
    // Athena returns text; numbers and booleans get their types back, so the rows are equal as values.
    expect(JSON.parse(out.join(''))).toEqual(local);
  });

  it('a bad --engine is a one-line usage error', async () => {
    expect(await cli(['hunt', '--engine', 'bigquery'])).toBe(2);
    expect(err.join('')).toContain('--engine: local or athena, not bigquery');
  });
});
