import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Store } from '../store/store.js';
import { startSimulatedAws } from '../aws/sim/server.js';
import { parseScenario, type ScenarioInput } from '../aws/sim/scenario.js';
import { syntheticScenario } from '../aws/sim/synthetic.js';
import { CALLS, SUPPORT_CALLS } from '../aws/calls.js';
import { serviceDef } from '../aws/services.js';
import type { SnapshotReader } from '../snapshot/types.js';
import { collectSnapshot, diffSnapshots, importCloudMapper, listResources, openSnapshot, type CollectOptions } from './index.js';
import { REDACTED } from './redact.js';

const REGIONS = ['us-east-1', 'eu-west-1'];
const DEMO = resolve(process.env.VIGIL_CLOUDMAPPER_DEMO ?? 'test/fixtures/cloudmapper-demo');
const creds = { accessKeyId: 'AKIDSIMULATEDBASE', secretAccessKey: 'base-secret-never-stored' };

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? allFiles(join(dir, f)) : [join(dir, f)]));
}

/** Every call outcome of a snapshot: `account|region|call|param` → JSON of the result. */
function outcomes(snap: SnapshotReader): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of snap.accounts()) {
    for (const region of snap.regions(a.id)) {
      for (const spec of [...CALLS, { name: 'ec2-describe-regions' }] as { name: string; param?: unknown }[]) {
        if (spec.param) for (const p of snap.params(a.id, region, spec.name)) out.set([a.id, region, spec.name, p].join('|'), JSON.stringify(snap.call(a.id, region, spec.name, p)));
        else {
          const r = snap.call(a.id, region, spec.name);
          if (r) out.set([a.id, region, spec.name, ''].join('|'), JSON.stringify(r));
        }
      }
    }
  }
  return out;
}

describe('collect against the simulated AWS', () => {
  let dir: string;
  let store: Store;
  let clean: SnapshotReader;
  const base = (endpoint: string): Omit<CollectOptions, 'dir' | 'id'> => ({
    endpoint,
    credentials: creds,
    organization: true,
    role: { name: 'VigilAudit', externalId: 'ext-1' },
    // The simulator shares this process, and the machine is shared: keep the requests in flight few enough
    // that queueing on a starved CPU stays well below the request timeout.
    concurrency: { perAccount: 6 },
    requestTimeoutMs: 4000,
    maxAttempts: 2,
  });
  const scenario = (extra: Partial<ScenarioInput> = {}, generation = 0) =>
    parseScenario({
      ...syntheticScenario({ accounts: 3, regions: REGIONS, disabledRegions: ['af-south-1'], generation }),
      roleNames: ['VigilAudit'],
      externalId: 'ext-1',
      ...extra,
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-collect-'));
    store = await Store.open({ path: join(dir, 'v.duckdb'), threads: 1 });
  });
  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('collects every call of every active account and enabled region, paginated and redacted', async () => {
    const sim = await startSimulatedAws(scenario());
    try {
      const r = await collectSnapshot(store, { ...base(sim.endpoint), time: '2026-01-01T00:00:00Z' });
      clean = await openSnapshot(store);
      expect(clean.accounts().map((a) => a.id)).toEqual(['100000000000', '100000000001', '100000000002']);
      for (const a of clean.accounts()) {
        expect(clean.regions(a.id)).toEqual([...REGIONS].sort());
        // Complete: every unparameterised call has an outcome where its service lives.
        for (const spec of CALLS.filter((c) => !c.param)) {
          const regions = serviceDef(spec.service).global ? ['us-east-1'] : REGIONS;
          for (const region of regions) expect(clean.call(a.id, region, spec.name), `${a.id} ${region} ${spec.name}`).toMatchObject({ status: 'ok' });
        }
      }
      // Pages merged: 3 reservations at 2 a page; IAM's four lists at 2 a page.
      const inst = clean.call('100000000001', 'eu-west-1', 'ec2-describe-instances') as { data: { Reservations: unknown[]; NextToken?: string } };
      expect(inst.data.Reservations).toHaveLength(3);
      expect(inst.data.NextToken).toBeUndefined();
      const auth = clean.call('100000000002', 'us-east-1', 'iam-get-account-authorization-details') as { data: Record<string, unknown[]> };
      expect([auth.data.UserDetailList!.length, auth.data.RoleDetailList!.length, auth.data.GroupDetailList!.length, auth.data.Policies!.length]).toEqual([3, 3, 1, 1]);
      // Parameterised calls, and "no bucket policy" kept as an answer rather than a gap.
      expect(clean.params('100000000000', 'us-east-1', 's3-get-bucket-policy')).toHaveLength(3);
      expect(clean.call('100000000000', 'us-east-1', 's3-get-bucket-policy', 'bucket-100000000000-1')).toMatchObject({ status: 'error', error: expect.stringContaining('NoSuchBucketPolicy') });
      // The account-level public access block, through S3 Control (account id as the parameter).
      for (const a of clean.accounts()) {
        expect(clean.call(a.id, 'us-east-1', 's3control-get-public-access-block', a.id)).toMatchObject({
          status: 'ok',
          data: { PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true } },
        });
      }
      expect(r.gaps.map((g) => `${g.account} ${g.region} ${g.status}`).sort()).toEqual([
        '100000000000 af-south-1 disabled',
        '100000000001 af-south-1 disabled',
        '100000000002 af-south-1 disabled',
      ]);
      // Secrets never reach the files: Lambda environment values are redacted, credentials absent.
      const fn = clean.call('100000000000', 'eu-west-1', 'lambda-list-functions') as { data: { Functions: { Environment: { Variables: Record<string, string> } }[] } };
      expect(fn.data.Functions[0]!.Environment.Variables).toEqual({ DB_PASSWORD: REDACTED });
      const text = allFiles(join(dir, 'snapshots')).map((f) => readFileSync(f, 'utf8')).join('\n');
      expect(text).not.toContain('hunter2-secret');
      expect(text).not.toContain('base-secret-never-stored');
      // Every response the simulator delivered is in the snapshot.
      const got = outcomes(clean);
      for (const key of sim.stats.delivered.keys()) {
        if (SUPPORT_CALLS.has(key.split('|')[2]!)) continue;
        expect(got.get(key), key).toMatch(/"status":"ok"/);
      }
      const users = await listResources(store, { types: ['iam-user'] });
      expect(users.resources).toHaveLength(9);
    } finally {
      await sim.close();
    }
  });

  it('under throttling, denials, a timeout and a disabled region keeps all allowed data and records the gaps', async () => {
    const sim = await startSimulatedAws(
      scenario({
        rateLimits: { ec2: 8, iam: 4, kms: 3 },
        faults: [
          { account: '100000000001', region: 'eu-west-1', call: 'kms-*', error: 'denied' },
          { account: '100000000002', call: 's3-get-bucket-acl', error: 'denied' },
          { account: '100000000000', region: 'us-east-1', call: 'lambda-list-functions', error: 'timeout' },
          { call: 'iam-*', error: 'throttle', times: 12 },
          { call: 'guardduty-*', error: 'throttle', times: 9 },
        ],
      }),
    );
    try {
      const r = await collectSnapshot(store, { ...base(sim.endpoint), regions: [...REGIONS, 'af-south-1'], time: '2026-01-01T01:00:00Z', rateLimits: { ec2: 8, iam: 4, kms: 3 } });
      const snap = await openSnapshot(store, r.saved.id);
      expect(sim.stats.throttled).toBeGreaterThan(10);
      const faulty = outcomes(snap);
      const expected = outcomes(clean);
      const gapKeys = new Set(r.gaps.map((g) => [g.account, g.region, g.call, g.param ?? ''].join('|')));
      for (const [key, value] of expected) {
        const [account, region, call, param] = key.split('|') as [string, string, string, string];
        const kmsDenied = account === '100000000001' && region === 'eu-west-1' && call.startsWith('kms-');
        const denied = (kmsDenied && param === '') || (account === '100000000002' && call === 's3-get-bucket-acl');
        const timedOut = account === '100000000000' && region === 'us-east-1' && call === 'lambda-list-functions';
        if (kmsDenied && param !== '') {
          // Never attempted: the key list was denied, so there are no keys to ask about.
          expect(faulty.has(key)).toBe(false);
        } else if (denied || timedOut) {
          expect(gapKeys.has(key), key).toBe(true);
          expect(JSON.parse(faulty.get(key)!).status).toBe(denied ? 'denied' : 'timeout');
        } else if (call === 'lambda-get-policy' && account === '100000000000' && region === 'us-east-1') {
          // Never attempted: its parameters come from the call that timed out.
          expect(faulty.has(key)).toBe(false);
        } else expect(faulty.get(key), key).toBe(value);
      }
      expect(r.gaps.filter((g) => g.status === 'disabled').map((g) => g.region)).toEqual(['af-south-1', 'af-south-1', 'af-south-1']);
      expect(r.gaps.every((g) => ['denied', 'timeout', 'disabled'].includes(g.status))).toBe(true);
      // Nothing the simulator eventually answered is missing.
      for (const key of sim.stats.delivered.keys()) {
        if (SUPPORT_CALLS.has(key.split('|')[2]!)) continue;
        expect(faulty.get(key), key).toMatch(/"status":"ok"/);
      }
      const row = await store.one<{ gaps: number }>('SELECT gaps FROM snapshots WHERE id = ?', [r.saved.id]);
      expect(row?.gaps).toBe(r.gaps.length);
      expect(Number((await store.one('SELECT count(*) AS n FROM snapshot_gaps WHERE snapshot_id = ?', [r.saved.id]))?.n)).toBe(r.gaps.length);
    } finally {
      await sim.close();
    }
  });

  it('records an account it cannot assume into as a gap and collects the rest', async () => {
    const sim = await startSimulatedAws(scenario({ roleNames: ['SomethingElse'] }));
    try {
      const r = await collectSnapshot(store, { ...base(sim.endpoint), regions: ['us-east-1'], time: '2026-01-01T02:00:00Z' });
      expect(r.meta.accounts.map((a) => a.id)).toEqual(['100000000000']);
      expect(r.gaps.filter((g) => g.call === 'sts-assume-role').map((g) => [g.account, g.status])).toEqual([
        ['100000000001', 'denied'],
        ['100000000002', 'denied'],
      ]);
    } finally {
      await sim.close();
    }
  });

  it('falls back to the caller account when the organisation cannot be listed, and says so', async () => {
    const sim = await startSimulatedAws(scenario({ faults: [{ call: 'organizations-list-accounts', error: 'denied' }] }));
    try {
      const r = await collectSnapshot(store, { ...base(sim.endpoint), regions: ['us-east-1'], time: '2026-01-01T02:30:00Z' });
      expect(r.meta.accounts.map((a) => a.id)).toEqual(['100000000000']);
      expect(r.gaps.map((g) => [g.call, g.status])).toEqual([['organizations-list-accounts', 'denied']]);
    } finally {
      await sim.close();
    }
  });

  it('collects the aws-us-gov partition: global services in us-gov-west-1, ARNs with the partition', async () => {
    const sim = await startSimulatedAws(
      parseScenario({ ...syntheticScenario({ accounts: 2, regions: ['us-gov-west-1', 'us-gov-east-1'] }), partition: 'aws-us-gov', roleNames: ['VigilAudit'], externalId: 'ext-1' }),
    );
    try {
      const r = await collectSnapshot(store, { ...base(sim.endpoint), time: '2026-01-01T03:00:00Z' });
      const snap = await openSnapshot(store, r.saved.id);
      expect(snap.accounts().map((a) => a.partition)).toEqual(['aws-us-gov', 'aws-us-gov']);
      expect(snap.regions('100000000001')).toEqual(['us-gov-east-1', 'us-gov-west-1']);
      expect(snap.call('100000000001', 'us-gov-west-1', 'iam-get-account-authorization-details')?.status).toBe('ok');
      expect(snap.call('100000000001', 'us-gov-east-1', 'iam-get-account-authorization-details')).toBeUndefined();
      expect(r.gaps).toEqual([]);
      const { resources } = await listResources(store, { snapshot: r.saved.id, types: ['bucket', 'vpc', 'access-key'] });
      expect(resources.length).toBeGreaterThan(0);
      expect(resources.every((x) => x.arn.startsWith('arn:aws-us-gov:'))).toBe(true);
    } finally {
      await sim.close();
    }
  });

  it('diffs two snapshots: new users, access keys, subnets and gateways, changed policies', async () => {
    const sim = await startSimulatedAws(scenario({}, 1));
    try {
      const r = await collectSnapshot(store, { ...base(sim.endpoint), time: '2026-01-02T00:00:00Z' });
      const diff = await diffSnapshots(store, clean.id, r.saved.id);
      const added = diff.added.map((x) => `${x.type} ${x.account} ${x.name}`);
      for (const a of ['100000000000', '100000000001', '100000000002']) {
        expect(added).toContain(`iam-user ${a} user-3`);
        expect(added).toContain(`access-key ${a} AKIA${a}3A`);
        expect(added).toContain(`access-key ${a} AKIA${a}0B`);
        expect(diff.removed.map((x) => `${x.type} ${x.name}`)).toContain(`access-key AKIA${a}0A`);
      }
      expect(diff.added.filter((x) => x.type === 'vpn-gateway')).toHaveLength(6);
      expect(diff.added.filter((x) => x.type === 'subnet')).toHaveLength(3);
      const policy = diff.changed.find((c) => c.type === 'policy' && c.account === '100000000001');
      expect(policy?.fields.map((f) => f.path)).toContain('DefaultVersionId');
      expect(policy?.fields.find((f) => f.path === 'DefaultVersionId')).toMatchObject({ old: 'v1', new: 'v2' });
      // Default: the last two snapshots.
      expect((await diffSnapshots(store)).new).toBe(r.saved.id);
    } finally {
      await sim.close();
    }
  });

  it('imports the CloudMapper demo collection as a snapshot the audit can read', async () => {
    const saved = await importCloudMapper(store, DEMO, { time: '2019-05-07T00:00:00Z' });
    const snap = await openSnapshot(store, saved.id);
    expect(snap.accounts()).toEqual([{ id: '123456789012', name: 'demo', partition: 'aws' }]);
    expect(snap.call('123456789012', 'us-east-1', 'iam-get-credential-report')?.status).toBe('ok');
    expect(snap.params('123456789012', 'us-east-1', 's3-get-bucket-policy')).toEqual(['cloudmapper_demo']);
    const { resources } = await listResources(store, { snapshot: saved.id, types: ['iam-user', 'bucket', 'vpc'] });
    expect(resources.filter((r) => r.type === 'bucket').map((r) => r.arn)).toEqual(['arn:aws:s3:::cloudmapper_demo']);
    expect(resources.some((r) => r.type === 'iam-user')).toBe(true);
    expect(resources.some((r) => r.type === 'vpc')).toBe(true);
  });
});
