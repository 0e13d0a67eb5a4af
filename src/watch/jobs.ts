/**
 * The scheduled jobs, calling the library functions the commands call. Audits alert only on what changed
 * (new, reopened, resolved findings), unlike CloudMapper's nightly re-alerting; hunts alert through the outbox,
 * whose stable ids keep an alert already sent from being sent again.
 */
import type { Store } from '../store/store.js';
import type { Config } from '../config/schema.js';
import type { Pack } from '../detect/pack.js';
import { hunt } from '../detect/hunt.js';
import { auditSnapshot, loadExceptions } from '../audit/index.js';
import { collectSnapshot, openSnapshot } from '../collect/index.js';
import { parseCollectConfig } from '../collect/config.js';
import { accessReport, loadGranted } from '../access/index.js';
import { parseTimeArg } from '../lake/layout.js';
import { UsageError } from '../util/errors.js';
import { noticeFromAlert, noticeFromFinding, type Notice } from './notice.js';
import type { ScheduleConfig, ScheduleJob } from './config.js';
import type { JobRunner } from './schedule.js';

export interface JobContext {
  /** A connection of its own: jobs run beside the pipeline. */
  store: Store;
  config: Config;
  pack: Pack;
  enqueue(notices: Notice[]): Promise<unknown>;
}

function opt<T extends 'string' | 'number' | 'string[]'>(s: ScheduleConfig, name: string, type: T): (T extends 'string' ? string : T extends 'number' ? number : string[]) | undefined {
  const v = s.options[name];
  if (v === undefined) return undefined;
  const ok = type === 'string[]' ? Array.isArray(v) && v.every((x) => typeof x === 'string') : typeof v === type;
  if (!ok) throw new UsageError(`vigil.yaml: watch.schedules[${s.name}].options.${name}: expected ${type === 'string[]' ? 'a list of strings' : `a ${type}`}`);
  return v as never;
}

/** Audits a snapshot (the latest by default) and queues a notice per finding that changed. */
async function auditJob(c: JobContext, s: ScheduleConfig, snapshotId?: string): Promise<Record<string, unknown>> {
  const exceptionsFile = opt(s, 'exceptions', 'string');
  const report = await auditSnapshot(c.store, await openSnapshot(c.store, snapshotId), {
    only: opt(s, 'only', 'string[]'),
    exceptions: exceptionsFile ? loadExceptions(exceptionsFile) : [],
    keepPasses: false,
  });
  const notices = report.findings.filter((f) => f.change && !f.muted).map((f) => noticeFromFinding(f, f.change!, report.audit.id));
  await c.enqueue(notices);
  return { audit: report.audit.id, snapshot: report.audit.snapshotId, ...report.changes, notices: notices.length, errors: report.errors.length };
}

export function libraryJobs(c: JobContext): Record<ScheduleJob, JobRunner> {
  return {
    audit: (s) => auditJob(c, s, opt(s, 'snapshot', 'string')),
    'collect-audit': async (s) => {
      const cc = parseCollectConfig(c.config.collect, 'vigil.yaml');
      const r = await collectSnapshot(c.store, {
        endpoint: c.config.aws.endpoint,
        profile: c.config.aws.profile,
        accounts: cc.accounts.length ? cc.accounts : undefined,
        organization: cc.organization,
        role: cc.role,
        regions: opt(s, 'regions', 'string[]') ?? cc.regions,
        partition: cc.partition,
        rateLimits: cc.rateLimits,
        concurrency: cc.concurrency,
        requestTimeoutMs: cc.requestTimeoutMs,
        maxAttempts: cc.maxAttempts,
        includeSecrets: cc.includeSecrets,
      });
      const audit = await auditJob(c, s, r.saved.id);
      return { snapshot: r.saved.id, resources: r.saved.resources, calls: r.calls, gaps: r.gaps.length, ...audit };
    },
    hunt: async (s) => {
      const since = parseTimeArg(opt(s, 'since', 'string') ?? '1d');
      const r = await hunt(c.store, c.pack, { since });
      await c.enqueue(r.alerts.map(noticeFromAlert));
      return { since: since.toISOString(), matches: r.matches, alerts: r.alerts.length };
    },
    access: async (s) => {
      const since = parseTimeArg(opt(s, 'since', 'string') ?? '90d');
      const granted = await loadGranted({ snapshot: opt(s, 'snapshot', 'string') }, c.store);
      const r = await accessReport(c.store, granted, { since });
      return {
        since: since.toISOString(),
        principals: r.principals.length,
        unusedUsers: r.unusedUsers.map((p) => p.name),
        unusedRoles: r.unusedRoles.map((p) => p.name),
        unusedAccessKeys: r.unusedAccessKeys.length,
        warnings: r.warnings.length,
      };
    },
  };
}
