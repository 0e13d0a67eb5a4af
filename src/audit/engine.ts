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
  /** Milliseconds each check took, for `--json` and the benchmark. */
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

/**
 * Runs checks one by one, handing each check's results to `sink` as soon as it finishes (so a caller can fold
 * them into findings without holding every result twice).
 */
export function forEachCheck(
  snapshot: SnapshotReader,
  checks: Check[],
  sink: (check: Check, results: AuditResult[]) => void,
): { errors: CheckError[]; timings: Record<string, number> } {
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
    let out: CheckResult[];
    try {
      out = check.run(snapshot);
      if (!Array.isArray(out)) throw new Error(`returned ${typeof out}, not a list of results`);
    } catch (err) {
      const error = oneLine(err);
      errors.push({ check: check.id, error });
      out = accounts.map((a) => ({
        resource: `arn:${a.partition}:::${a.id}`,
        account: a.id,
        region: 'global',
        status: 'unknown' as const,
        reason: `check failed: ${error}`,
      }));
    }
    timings[check.id] = performance.now() - t0;
    for (const r of out) withCheck(check.id, r);
    sink(check, out as AuditResult[]);
  }
  return { errors, timings };
}

export async function runAudit(snapshot: SnapshotReader, opts: RunAuditOptions = {}): Promise<AuditRun> {
  const checks = selectChecks(opts.checks ?? (await defaultChecks()), opts.only);
  const results: AuditResult[] = [];
  const { errors, timings } = forEachCheck(snapshot, checks, (_c, rs) => {
    for (const r of rs) results.push(r);
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
