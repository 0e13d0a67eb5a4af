import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run } from '../cli/main.js';
import { syntheticScenario } from '../aws/sim/synthetic.js';

const DEMO = resolve(process.env.VIGIL_CLOUDMAPPER_DEMO ?? 'test/fixtures/cloudmapper-demo');

/** Runs the CLI in-process, returning its exit code and stdout. */
async function vigil(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const before = process.exitCode;
  try {
    const code = await run(argv);
    return { code, out };
  } finally {
    write.mockRestore();
    err.mockRestore();
    process.exitCode = before;
  }
}

describe('vigil collect and vigil inventory', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-collect-cli-'));
    db = join(dir, 'v.duckdb');
    for (const generation of [0, 1]) {
      const s = { ...syntheticScenario({ accounts: 2, regions: ['us-east-1', 'eu-west-1'], disabledRegions: ['me-south-1'], generation, size: 2 }), roleNames: ['VigilAudit'] };
      writeFileSync(join(dir, `gen${generation}.json`), JSON.stringify(s));
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('collects two snapshots from simulated AWS, lists the inventory and diffs it', async () => {
    const first = await vigil('--db', db, '--json', 'collect', '--simulate', join(dir, 'gen0.json'), '--organization', '--role', 'VigilAudit');
    expect(first.code).toBe(0);
    const s1 = JSON.parse(first.out) as { snapshot: string; accounts: { id: string; regions: string[] }[]; gapsByStatus: Record<string, number>; calls: number; ok: number };
    expect(s1.accounts.map((a) => [a.id, a.regions])).toEqual([
      ['100000000000', ['us-east-1', 'eu-west-1']],
      ['100000000001', ['us-east-1', 'eu-west-1']],
    ]);
    expect(s1.gapsByStatus).toEqual({ disabled: 2 });
    expect(s1.ok).toBeGreaterThan(0);

    const second = await vigil('--db', db, '--json', 'collect', '--simulate', join(dir, 'gen1.json'), '--organization', '--role', 'VigilAudit', '--regions', 'us-east-1');
    const s2 = JSON.parse(second.out) as { snapshot: string; accounts: { regions: string[] }[] };
    expect(s2.accounts.every((a) => a.regions.join() === 'us-east-1')).toBe(true);

    const list = await vigil('--db', db, '--json', 'inventory', 'list', '--type', 'iam-user,vpn-gateway');
    const l = JSON.parse(list.out) as { snapshot: string; resources: { type: string; name: string }[] };
    expect(l.snapshot).toBe(s2.snapshot);
    expect(l.resources.filter((r) => r.type === 'iam-user')).toHaveLength(6);
    expect(l.resources.filter((r) => r.type === 'vpn-gateway')).toHaveLength(2);

    const diff = await vigil('--db', db, '--json', 'inventory', 'diff');
    const d = JSON.parse(diff.out) as { old: string; new: string; added: { type: string; name: string }[]; removed: { type: string; region: string }[] };
    expect([d.old, d.new]).toEqual([s1.snapshot, s2.snapshot]);
    expect(d.added.filter((r) => r.type === 'iam-user').map((r) => r.name)).toEqual(['user-2', 'user-2']);
    // eu-west-1 was not collected the second time: its VPCs are gone from the inventory.
    expect(d.removed.filter((r) => r.type === 'vpc').map((r) => r.region)).toEqual(['eu-west-1', 'eu-west-1']);

    const human = await vigil('--db', db, 'inventory', 'diff', s1.snapshot, s2.snapshot, '--type', 'policy');
    expect(human.out).toMatch(/~ policy 100000000000 global local-admin/);
    expect(human.out).toMatch(/DefaultVersionId: "v1" → "v2"/);
  });

  it('imports a CloudMapper collection and rejects bad input with one line', async () => {
    const imp = await vigil('--db', db, '--json', 'collect', '--import-cloudmapper', DEMO);
    expect(imp.code).toBe(0);
    expect(JSON.parse(imp.out).resources).toBeGreaterThan(5);
    expect((await vigil('--db', db, 'collect', '--import-cloudmapper', join(dir, 'nope'))).code).toBe(2);
    expect((await vigil('--db', db, 'inventory', 'list', '--type', 'spaceship')).code).toBe(2);
    expect((await vigil('--db', db, 'collect', '--accounts', '12')).code).toBe(2);
  });
});
