import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { ConfigSchema, type Config } from '../config/schema.js';
import { buildPack, loadRules } from '../detect/index.js';
import { trail } from '../detect/test-helpers.js';
import { insertRecords } from '../lake/ingest.js';
import { startSimulatedAws } from '../aws/sim/server.js';
import { parseScenario } from '../aws/sim/scenario.js';
import { syntheticScenario } from '../aws/sim/synthetic.js';
import type { Notice } from './notice.js';
import type { ScheduleConfig } from './config.js';
import { libraryJobs } from './jobs.js';

let dir: string;
let store: Store;
const saved = { ...process.env };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-jobs-'));
  store = await Store.open({ path: join(dir, 'v.duckdb'), threads: 1 });
  // The jobs use the standard credential chain, as the commands do: the simulator takes any key.
  process.env.AWS_ACCESS_KEY_ID = 'AKIDSIMULATED';
  process.env.AWS_SECRET_ACCESS_KEY = 'simulated';
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
  process.env = saved;
});

const schedule = (job: ScheduleConfig['job'], options: Record<string, unknown> = {}): ScheduleConfig => ({ name: job, cron: '0 3 * * *', job, options });

function jobsWith(config: Config, queued: Notice[][]) {
  return libraryJobs({ store, config, pack: buildPack(loadRules().rules), enqueue: async (ns) => void queued.push(ns) });
}

describe('scheduled jobs', () => {
  it('collect-audit alerts on new findings, on nothing when nothing changed, then on the resolved ones', async () => {
    const scenario = (size: number) =>
      parseScenario({ ...syntheticScenario({ accounts: 1, regions: ['us-east-1'], size }), roleNames: ['VigilAudit'], externalId: 'ext-1' });
    const queued: Notice[][] = [];
    const run = async (size: number) => {
      const sim = await startSimulatedAws(scenario(size));
      try {
        const config = ConfigSchema.parse({
          aws: { endpoint: sim.endpoint, region: 'us-east-1' },
          collect: { regions: ['us-east-1'], concurrency: { perAccount: 6 }, requestTimeoutMs: 4000, maxAttempts: 2 },
        });
        return await jobsWith(config, queued)['collect-audit'](schedule('collect-audit'));
      } finally {
        await sim.close();
      }
    };
    const first = await run(3);
    expect(first.new).toBeGreaterThan(0);
    expect(queued[0]!.length).toBe(first.notices);
    expect(queued[0]!.every((n) => n.kind === 'finding' && n.id.includes(':new:'))).toBe(true);
    const again = await run(3);
    expect(again).toMatchObject({ new: 0, reopened: 0, resolved: 0, notices: 0 });
    // Fewer resources: the findings of those gone are resolved, and said so once.
    const changed = await run(1);
    expect(Number(changed.resolved)).toBeGreaterThan(0);
    expect(queued[2]!.filter((n) => n.id.includes(':resolved:')).length).toBe(changed.resolved);
  }, 60_000);

  it('hunt alerts through the outbox with stable ids; access reports on the latest snapshot', async () => {
    await insertRecords(store, [trail({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', eventTime: new Date(Date.now() - 3600_000).toISOString() }, 1)]);
    const queued: Notice[][] = [];
    const jobs = jobsWith(ConfigSchema.parse({}), queued);
    const a = await jobs.hunt(schedule('hunt', { since: '1d' }));
    const b = await jobs.hunt(schedule('hunt', { since: '1d' }));
    expect(a.alerts).toBe(1);
    expect(queued[0]!.map((n) => n.source)).toEqual(['aws-cloudtrail-stop-logging']);
    expect(queued[1]!.map((n) => n.id)).toEqual(queued[0]!.map((n) => n.id));
    expect(b.alerts).toBe(1);
    const access = await jobs.access(schedule('access', { since: '30d' }));
    expect(Number(access.principals)).toBeGreaterThan(0);
    await expect(jobs.hunt(schedule('hunt', { since: 3 }))).rejects.toThrow(/watch.schedules\[hunt\]\.options\.since: expected a string/);
  }, 60_000);
});
