/**
 * Scheduled jobs (cron, UTC) inside the daemon: collection + audit, audit, hunts, access reports — the same
 * library functions as the commands. One job runs at a time; a run that comes due while another runs waits, and
 * however many times it came due meanwhile, it runs once (missed runs are not stacked). Every run is recorded.
 */
import { randomUUID } from 'node:crypto';
import { CronExpressionParser } from 'cron-parser';
import { registerSchema, type Store } from '../store/store.js';
import { oneLine } from '../util/errors.js';
import type { ScheduleConfig, ScheduleJob } from './config.js';

registerSchema(async (store) => {
  await store.run(`CREATE TABLE IF NOT EXISTS watch_schedule_runs (
    run_id VARCHAR PRIMARY KEY,
    schedule VARCHAR,
    job VARCHAR,
    due_at TIMESTAMP,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    status VARCHAR,             -- running | ok | failed
    summary JSON,
    error VARCHAR
  )`);
});

/** A job's work; returns a JSON summary for the run table. */
export type JobRunner = (s: ScheduleConfig) => Promise<Record<string, unknown>>;

export interface SchedulerOptions {
  store: Store;
  schedules: ScheduleConfig[];
  jobs: Record<ScheduleJob, JobRunner>;
  log: (msg: string) => void;
  onRun?: (name: string, ok: boolean) => void;
  now?: () => number;
}

interface Slot {
  s: ScheduleConfig;
  /** Next time (ms) the schedule is due. */
  next: number;
  /** When it last started (0: never). */
  last: number;
}

export function nextRun(cron: string, after: number): number {
  return CronExpressionParser.parse(cron, { currentDate: new Date(after), tz: 'UTC' }).next().getTime();
}

export class Scheduler {
  private readonly slots: Slot[];
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly o: SchedulerOptions) {
    this.now = o.now ?? Date.now;
    const t = this.now();
    this.slots = o.schedules.map((s) => ({ s, next: nextRun(s.cron, t), last: 0 }));
  }

  start(): void {
    if (this.slots.length === 0) return;
    for (const sl of this.slots) this.o.log(`schedule ${sl.s.name} (${sl.s.job}, "${sl.s.cron}"): next run ${new Date(sl.next).toISOString()}`);
    const loop = () => {
      if (this.stopped) return;
      this.tick();
      // Once a second is plenty for minute-resolution cron and costs nothing.
      this.timer = setTimeout(loop, 1000);
      this.timer.unref();
    };
    loop();
  }

  /** Starts the earliest due schedule if none is running. Returns the run (for tests), or undefined. */
  tick(): Promise<void> | undefined {
    if (this.running || this.stopped) return undefined;
    const t = this.now();
    // Earliest due first; on a tie, the one that waited longest since its last run (no schedule starves another).
    const due = this.slots.filter((sl) => sl.next <= t).sort((a, b) => a.next - b.next || a.last - b.last)[0];
    if (!due) return undefined;
    due.last = t;
    const dueAt = due.next;
    // Next occurrence after now, not after the missed one: missed runs collapse into this one.
    due.next = nextRun(due.s.cron, t);
    this.running = this.runOnce(due.s, dueAt).finally(() => (this.running = undefined));
    return this.running;
  }

  private async runOnce(s: ScheduleConfig, dueAt: number): Promise<void> {
    const id = randomUUID();
    const store = this.o.store;
    await store.run(
      `INSERT INTO watch_schedule_runs (run_id, schedule, job, due_at, started_at, status) VALUES (?, ?, ?, ?::TIMESTAMP, now()::TIMESTAMP, 'running')`,
      [id, s.name, s.job, new Date(dueAt).toISOString()],
    );
    this.o.log(`schedule ${s.name}: ${s.job} started`);
    let ok = true;
    try {
      const summary = await this.o.jobs[s.job](s);
      await store.run(`UPDATE watch_schedule_runs SET finished_at = now()::TIMESTAMP, status = 'ok', summary = ? WHERE run_id = ?`, [JSON.stringify(summary), id]);
      this.o.log(`schedule ${s.name}: ${s.job} done ${JSON.stringify(summary)}`);
    } catch (e) {
      ok = false;
      await store.run(`UPDATE watch_schedule_runs SET finished_at = now()::TIMESTAMP, status = 'failed', error = ? WHERE run_id = ?`, [oneLine(e), id]);
      this.o.log(`schedule ${s.name}: ${s.job} failed: ${oneLine(e)}`);
    }
    this.o.onRun?.(s.name, ok);
  }

  /** Stops starting runs; resolves when the one running (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
