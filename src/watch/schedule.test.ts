import { describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { ConfigSchema } from '../config/schema.js';
import { nextRun, Scheduler, type JobRunner } from './schedule.js';
import type { ScheduleConfig, ScheduleJob } from './config.js';

const at = (iso: string) => Date.parse(iso);

describe('watch schedules', () => {
  it('computes the next run in UTC', () => {
    expect(new Date(nextRun('0 3 * * *', at('2026-01-01T02:59:59Z'))).toISOString()).toBe('2026-01-01T03:00:00.000Z');
    expect(new Date(nextRun('0 3 * * *', at('2026-01-01T03:00:00Z'))).toISOString()).toBe('2026-01-02T03:00:00.000Z');
  });

  it('checks cron expressions and jobs in vigil.yaml', () => {
    const bad = ConfigSchema.safeParse({ watch: { schedules: [{ name: 'n', cron: 'every night', job: 'audit' }] } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues[0]?.path)).toBe('["watch","schedules",0,"cron"]');
    expect(ConfigSchema.safeParse({ watch: { schedules: [{ name: 'n', cron: '0 3 * * *', job: 'nap' }] } }).success).toBe(false);
    const ok = ConfigSchema.parse({ watch: { schedules: [{ name: 'nightly', cron: '0 3 * * *', job: 'collect-audit' }] } });
    expect(ok.watch.schedules[0]).toMatchObject({ name: 'nightly', options: {} });
  });

  it('runs one job at a time, does not stack missed runs, and records every run', async () => {
    const store = await Store.open({ path: ':memory:' });
    let now = at('2026-01-01T00:00:30Z');
    const calls: string[] = [];
    let release!: () => void;
    const slow: JobRunner = async (s) => {
      calls.push(s.name);
      await new Promise<void>((r) => (release = r));
      return { ok: true };
    };
    const failing: JobRunner = async (s) => {
      calls.push(s.name);
      throw new Error('no snapshot yet (run vigil collect first)\nstack...');
    };
    const schedules: ScheduleConfig[] = [
      { name: 'every-minute', cron: '* * * * *', job: 'hunt', options: {} },
      { name: 'every-two', cron: '*/2 * * * *', job: 'audit', options: {} },
    ];
    const jobs = { hunt: slow, audit: failing } as unknown as Record<ScheduleJob, JobRunner>;
    const outcomes: [string, boolean][] = [];
    const sch = new Scheduler({ store, schedules, jobs, log: () => undefined, now: () => now, onRun: (n, ok) => outcomes.push([n, ok]) });
    try {
      expect(sch.tick()).toBeUndefined(); // nothing due before 00:01
      now = at('2026-01-01T00:01:00Z');
      const first = sch.tick()!;
      await until(() => calls.length === 1);
      // Five minutes pass while it runs: both schedules come due (several times), nothing starts.
      now = at('2026-01-01T00:06:10Z');
      expect(sch.tick()).toBeUndefined();
      release();
      await first;
      // The earliest due one runs, once; then the other, once; then nothing until the next minute.
      await sch.tick();
      const second = sch.tick()!;
      await until(() => calls.length === 3);
      release();
      await second;
      expect(sch.tick()).toBeUndefined();
      expect(calls).toEqual(['every-minute', 'every-two', 'every-minute']);
      expect(outcomes).toEqual([
        ['every-minute', true],
        ['every-two', false],
        ['every-minute', true],
      ]);
      const rows = await store.all<{ schedule: string; status: string; error: string | null; summary: string | null }>(
        'SELECT schedule, status, error, summary FROM watch_schedule_runs ORDER BY started_at, schedule',
      );
      expect(rows.map((r) => [r.schedule, r.status])).toEqual([
        ['every-minute', 'ok'],
        ['every-two', 'failed'],
        ['every-minute', 'ok'],
      ]);
      expect(rows[1]!.error).toBe('no snapshot yet (run vigil collect first) stack...');
      expect(JSON.parse(rows[0]!.summary!)).toEqual({ ok: true });
    } finally {
      await sch.stop();
      store.close();
    }
  });
});

async function until(f: () => boolean): Promise<void> {
  for (let i = 0; !f(); i++) {
    if (i > 500) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
