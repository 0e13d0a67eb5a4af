import { z } from 'zod';
import { CronExpressionParser } from 'cron-parser';

/** Jobs a schedule can run: the same library functions as the CLI commands of the same name. */
export const SCHEDULE_JOBS = ['collect-audit', 'audit', 'hunt', 'access'] as const;
export type ScheduleJob = (typeof SCHEDULE_JOBS)[number];

const ScheduleSchema = z
  .object({
    name: z.string().min(1).describe('Names the schedule in logs, metrics and the run table.'),
    cron: z
      .string()
      .refine((v) => {
        try {
          CronExpressionParser.parse(v);
          return true;
        } catch {
          return false;
        }
      }, 'not a cron expression (minute hour day-of-month month day-of-week)')
      .describe('When to run (cron, UTC), e.g. "0 3 * * *" for 03:00 every night.'),
    job: z.enum(SCHEDULE_JOBS).describe('collect-audit: collect then audit, notices for new/reopened/resolved findings; audit; hunt; access.'),
    options: z.record(z.string(), z.unknown()).default({}).describe('Options of the job (e.g. hunt: { since: 1d }; access: { days: 90 }).'),
  })
  .strict();
export type ScheduleConfig = z.infer<typeof ScheduleSchema>;

/**
 * `watch:` in vigil.yaml — sources, schedules, health endpoint, batching. Each source is checked by the sources
 * module (createSource) when the daemon starts; a string is a source argument as on the command line.
 */
export const WatchConfigSchema = z
  .object({
    sources: z
      .array(z.union([z.string(), z.record(z.string(), z.unknown())]))
      .default([])
      .describe('Where new CloudTrail arrives: sqs://…, s3://bucket/prefix, dir:<path>, - (stdin), or a source object.'),
    health: z
      .object({
        port: z.number().int().min(0).max(65535).optional().describe('Port of /healthz and /metrics on 127.0.0.1 (0: any free port, printed); unset: off.'),
      })
      .strict()
      .default({}),
    batch: z
      .object({
        // Alerts do not wait for commits (they are queued before), so batches can be large: fewer, faster commits.
        maxFiles: z.number().int().min(1).default(256).describe('Files committed to the lake per transaction at most.'),
        maxWaitMs: z.number().int().min(0).default(1000).describe('Longest an item waits for its lake commit (and its ack); alerts do not wait for it.'),
      })
      .strict()
      .default({ maxFiles: 256, maxWaitMs: 1000 }),
    drainSeconds: z.number().min(0).default(30).describe('On SIGTERM, how long in-flight work and deliveries may take before exiting.'),
    warmupMinutes: z.number().min(0).default(60).describe('On start, minutes of recent lake events replayed into the live windows (no alerts sent).'),
    schedules: z.array(ScheduleSchema).default([]).describe('Scheduled jobs (cron, UTC); one runs at a time, a missed run is not stacked.'),
  })
  .strict();
export type WatchConfig = z.infer<typeof WatchConfigSchema>;
