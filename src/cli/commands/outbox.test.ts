/** `vigil outbox list|retry|deliver|test` in process, against a local receiver. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { run } from '../main.js';
import { captureOutput } from '../../../test/helpers/capture.js';
import { loadConfig } from '../../config/load.js';
import { Store } from '../../store/store.js';
import { Outbox } from '../../watch/outbox.js';
import { noticeFromFinding } from '../../watch/notice.js';
import { startReceiver } from '../../watch/sinks/testing.js';

const { out } = captureOutput();
let dir: string;
let db: string;
let cfg: string;
let failing = true;
let rx: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-outbox-cli-'));
  db = join(dir, 'v.duckdb');
  cfg = join(dir, 'vigil.yaml');
  rx = await startReceiver((r) => (failing ? { status: 500, body: `no route for ${r.path}` } : { status: 200 }));
  process.env.OUTBOX_TEST_HOOK_URL = `${rx.url}/T0/B0/HOOKSECRET`;
  writeFileSync(cfg, stringify({ sinks: [{ name: 'hook', type: 'webhook', url: 'env:OUTBOX_TEST_HOOK_URL', retry: { maxAttempts: 1 } }] }));
});
afterAll(async () => {
  await rx.close();
  rmSync(dir, { recursive: true, force: true });
});

const vigil = (...args: string[]) => {
  process.exitCode = undefined;
  out.length = 0;
  return run(['--db', db, '--config', cfg, ...args]);
};

describe('vigil outbox', () => {
  it('deliver, list (redacted), retry, deliver again, test', async () => {
    const store = await Store.open({ path: db });
    const ob = await Outbox.open(store, loadConfig({ file: cfg }));
    const f = { id: 'f1', check: 'iam_root_mfa', title: 'Root without MFA', severity: 'critical', service: 'iam', resourceType: 'AWS::IAM::User', resource: 'root', account: '111111111111', region: 'global', result: 'fail', status: 'new', lifecycle: 'new', reason: 'no MFA', firstSeen: '2026-11-20T00:00:00Z', lastSeen: '2026-11-20T00:00:00Z' } as const;
    expect(await ob.enqueue([noticeFromFinding(f, 'new', 'audit-1')])).toBe(1);
    await ob.close();
    store.close();

    expect(await vigil('outbox', 'deliver', '--json')).toBe(1);
    expect(JSON.parse(out.join(''))).toMatchObject({ delivered: 0, failed: 1, pending: 0, deadLetters: 1 });

    expect(await vigil('outbox', 'list', '--json', '--status', 'failed')).toBe(0);
    const listed = out.join('');
    const rows = JSON.parse(listed) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sink: 'hook', notice_id: 'finding:f1:new:audit-1', status: 'failed', attempts: 1 });
    expect(String(rows[0]!.last_error)).toContain('HTTP 500');
    expect(listed).not.toContain('HOOKSECRET');
    expect(await vigil('outbox', 'list', '--status', 'lost')).toBe(2);

    failing = false;
    expect(await vigil('outbox', 'retry', '--json')).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual({ requeued: 1 });
    expect(await vigil('outbox', 'deliver', '--json')).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ delivered: 1, failed: 0, pending: 0, deadLetters: 0 });
    expect(rx.requests.filter((r) => r.headers['x-vigil-delivery'] === 'finding:f1:new:audit-1')).toHaveLength(2);

    expect(await vigil('outbox', 'test', 'hook')).toBe(0);
    expect(out.join('')).toMatch(/^hook: delivered test notice test:\d+/);
    expect(JSON.parse(rx.requests.at(-1)!.body)).toMatchObject({ kind: 'alert', source: 'vigil-test', severity: 'info' });
    expect(await vigil('outbox', 'test', 'pager')).toBe(2);
  });
});
