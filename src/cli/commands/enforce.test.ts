import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../store/store.js';
import { ensureEnforcementSchema } from '../../watch/enforce/index.js';
import { vigilAsync } from '../../../test/helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-enforce-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vigil enforce list', () => {
  it('lists recorded actions, newest first, as a table and as JSON', async () => {
    const db = join(dir, 'v.duckdb');
    const store = await Store.open({ path: db });
    await ensureEnforcementSchema(store);
    await store.run(`INSERT INTO enforcement_actions VALUES
      ('a1', '2026-01-01 10:00:00', 'aws-ec2-sg-open-to-world', 'alert-1', 'arn:aws:iam::1:user/eve', 'revoke-public-ingress', '111111111111', 'us-east-1', 'sg-1', true, '{"IpPermissions":[]}', NULL, 'dry-run', NULL),
      ('a2', '2026-01-02 10:00:00', 'aws-cloudtrail-stop-logging', 'alert-2', 'arn:aws:iam::1:user/eve', 'start-logging', '111111111111', 'us-east-1', 'trail/main', false, '{"IsLogging":false}', '{"IsLogging":true}', 'applied', NULL)`);
    store.close();
    const json = await vigilAsync(['--db', db, '--json', 'enforce', 'list']);
    expect(json.code, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout) as { id: string; outcome: string }[];
    expect(rows.map((r) => [r.id, r.outcome])).toEqual([
      ['a2', 'applied'],
      ['a1', 'dry-run'],
    ]);
    const text = await vigilAsync(['--db', db, 'enforce', 'list', '--limit', '1']);
    expect(text.stdout).toContain('start-logging');
    expect(text.stdout).not.toContain('revoke-public-ingress');
    expect((await vigilAsync(['--db', db, 'enforce', 'list', '--limit', 'x'])).code).toBe(2);
  });
});
