/** The watch daemon: sources → live detection → outbox, lake exactly once, health, schedules. */
export { WatchConfigSchema, SCHEDULE_JOBS, type WatchConfig, type ScheduleConfig, type ScheduleJob } from './config.js';
export { Daemon, runDaemon, type DaemonOptions, type DaemonSummary } from './daemon.js';
export { Pipeline, type PipelineOptions } from './pipeline.js';
export { loadWatchDeps, type WatchDeps, type OutboxPort, type EnforcerPort, type HistoryPort, type SourcesPort, type CheckpointCtx } from './deps.js';
export { checkpointsFor } from './checkpoint.js';
export { WatchMetrics, startHealthServer, renderMetrics, healthStatus, type HealthView } from './health.js';
export { Scheduler, nextRun, type JobRunner } from './schedule.js';
export { libraryJobs, type JobContext } from './jobs.js';
export { replayRecent, recordsSql } from './warmup.js';
export { noticeFromAlert, noticeFromFinding, type Notice } from './notice.js';
export type { Source, SourceItem, SourceStats } from './source.js';
