/**
 * The audit engine: runs checks over a snapshot and gathers their results. A check that throws is reported as
 * `unknown` for every account of the snapshot (with the error), never a crash and never a silent pass.
 */
import picomatch from 'picomatch';
import type { Check, CheckMeta, CheckResult } from './check.js';
import type { SnapshotReader } from '../snapshot/types.js';
import { UsageError, oneLine } from '../util/errors.js';

export interface RunAuditOptions {
  /** The checks to run (default: every registered check). */
  checks?: Check[];
  /** Check ids or globs (`iam_*`); default all. */
  only?: string[];
}

/** One check's result for one resource, with the check it came from. */
export interface AuditResult extends CheckResult {
  check: string;
}

export interface CheckError {
  check: string;
  error: string;
}

export interface AuditRun {
  snapshotId: string;
  snapshotTime: string;
  accounts: string[];
  /** Metadata of the checks that ran. */
  checks: CheckMeta[];
  results: AuditResult[];
  /** Checks that threw (each also yields `unknown` results). */
  errors: CheckError[];
  /** Milliseconds each check took (with handing its results to the sink), for `--json` and the benchmark. */
  timings: Record<string, number>;
}

/** The checks whose id matches one of `only` (ids or globs); an entry matching nothing is a usage error. */
export function selectChecks(checks: Check[], only?: string[]): Check[] {
  const wanted = (only ?? []).map((s) => s.trim()).filter(Boolean);
  if (wanted.length === 0) return checks;
  const matchers = wanted.map((w) => ({ w, m: picomatch(w) }));
  for (const { w, m } of matchers) {
    if (!checks.some((c) => m(c.id))) throw new UsageError(`--only: no check matches ${w} (see \`vigil audit checks\`)`);
  }
  return checks.filter((c) => matchers.some(({ m }) => m(c.id)));
}

export function checkMeta(c: Check): CheckMeta {
  const { run: _run, ...meta } = c;
  return meta;
}

export async function defaultChecks(): Promise<Check[]> {
  return (await import('./checks/index.js')).CHECKS;
}

/** Where the engine hands results, one check after another. */
export interface ResultSink {
  /** A check starts: what it yields next belongs to it. */
  begin(check: Check): void;
  /** One result of the running check (its `check` set), as soon as the check yields it. */
  add(result: AuditResult): void;
  /** The running check threw: forget what it yielded (its `unknown` results follow), as if it had yielded nothing. */
  discard(check: Check): void;
}

/**
 * Runs checks one by one, streaming each result to `sink` as the check decides it, so a caller can fold results
 * into findings without any check's results (180k per security-group check at 50 accounts) being held at once.
 */
export function forEachCheck(snapshot: SnapshotReader, checks: Check[], sink: ResultSink): { errors: CheckError[]; timings: Record<string, number> } {
  const ids = new Set<string>();
  for (const c of checks) {
    if (ids.has(c.id)) throw new Error(`two checks share the id ${c.id}`);
    ids.add(c.id);
  }
  const accounts = snapshot.accounts();
  const errors: CheckError[] = [];
  const timings: Record<string, number> = {};
  for (const check of checks) {
    const t0 = performance.now();
    sink.begin(check);
    // An error of the sink itself is the audit's, not the check's: it must not be reported as a failed check.
    let sinkError: { error: unknown } | undefined;
    const emit = (r: CheckResult) => {
      try {
        sink.add(withCheck(check.id, r));
      } catch (error) {
        sinkError ??= { error };
        throw error;
      }
    };
    let out: CheckResult[];
    try {
      out = check.run(snapshot, emit);
      if (sinkError) throw sinkError.error; // even if the check caught it
      if (!Array.isArray(out)) throw new Error(`returned ${typeof out}, not a list of results`);
    } catch (err) {
      if (sinkError) throw sinkError.error;
      const error = oneLine(err);
      errors.push({ check: check.id, error });
      sink.discard(check);
      out = accounts.map((a) => ({
        resource: `arn:${a.partition}:::${a.id}`,
        account: a.id,
        region: 'global',
        status: 'unknown' as const,
        reason: `check failed: ${error}`,
      }));
    }
    for (const r of out) sink.add(withCheck(check.id, r));
    timings[check.id] = performance.now() - t0;
  }
  return { errors, timings };
}

export async function runAudit(snapshot: SnapshotReader, opts: RunAuditOptions = {}): Promise<AuditRun> {
  const checks = selectChecks(opts.checks ?? (await defaultChecks()), opts.only);
  const results: AuditResult[] = [];
  let mark = 0;
  const { errors, timings } = forEachCheck(snapshot, checks, {
    begin: () => void (mark = results.length),
    add: (r) => void results.push(r),
    discard: () => void (results.length = mark),
  });
  return {
    snapshotId: snapshot.id,
    snapshotTime: snapshot.time,
    accounts: snapshot.accounts().map((a) => a.id),
    checks: checks.map(checkMeta),
    results,
    errors,
    timings,
  };
}

/**
 * Adds the check id (in place: the results are the check's own fresh objects, and a million copies cost);
 * a status outside pass/fail/unknown becomes unknown rather than a pass.
 */
function withCheck(check: string, r: CheckResult): AuditResult {
  const out = r as AuditResult;
  out.check = check;
  if (r.status !== 'pass' && r.status !== 'fail' && r.status !== 'unknown') {
    out.reason = `check returned status ${String(r.status)}: ${r.reason}`;
    out.status = 'unknown';
  }
  return out;
}
