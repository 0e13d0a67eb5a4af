/** The audit's API: run checks over a snapshot, keep findings across audits, apply exceptions, gate on severity. */
import type { Store } from '../store/store.js';
import type { SnapshotReader } from '../snapshot/types.js';
import type { Check } from './check.js';
import { defaultChecks, selectChecks } from './engine.js';
import type { Exception } from './exceptions.js';
import { auditInto } from './findings.js';
import type { AuditReport } from './types.js';

export { runAudit, forEachCheck, selectChecks, checkMeta, defaultChecks, type AuditRun, type AuditResult, type CheckError, type RunAuditOptions, type ResultSink } from './engine.js';
export { loadExceptions, parseExceptions, exceptionsJsonSchema, Mutelist, ExceptionSchema, type Exception } from './exceptions.js';
export { recordAudit, auditInto, FindingsBuilder, buildFindings, nextLifecycle, findingId, gatingFindings, SEVERITY_RANK, type PriorFinding } from './findings.js';
export type * from './types.js';

export interface AuditOptions {
  checks?: Check[];
  only?: string[];
  exceptions?: Exception[];
  /** The audit's time, also what exception expiry is judged against (default: now). */
  now?: Date;
  /** List passing results that never failed (default true); false only counts them (terminal summaries). */
  keepPasses?: boolean;
}

/** Audits a snapshot and records it in the store: the report says what changed since the previous audit. */
export async function auditSnapshot(store: Store, snapshot: SnapshotReader, opts: AuditOptions = {}): Promise<AuditReport> {
  const checks = selectChecks(opts.checks ?? (await defaultChecks()), opts.only);
  return auditInto(store, snapshot, checks, { exceptions: opts.exceptions, now: opts.now, time: opts.now, keepPasses: opts.keepPasses });
}
