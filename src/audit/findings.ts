/**
 * Findings that remember: each (check, resource) keeps a stable id, first/last seen and a lifecycle across
 * successive audits (see FindingStatus in types.ts), stored in the `findings` table; each audit is a row of
 * `audits` and what changed in it lands in `audit_changes`.
 */
import { hash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerSchema, sqlString, type Store } from '../store/store.js';
import type { Check, CheckMeta, CheckStatus, Severity } from './check.js';
import { checkMeta, forEachCheck, type AuditResult, type AuditRun, type ResultSink } from './engine.js';
import type { SnapshotReader } from '../snapshot/types.js';
import { Mutelist, type Exception } from './exceptions.js';
import type { AuditInfo, AuditReport, Finding, FindingChange, Lifecycle, MuteInfo } from './types.js';

registerSchema(async (store) => {
  await store.run(`CREATE TABLE IF NOT EXISTS audits (
    id VARCHAR PRIMARY KEY, seq INTEGER, time TIMESTAMPTZ, snapshot_id VARCHAR, snapshot_time TIMESTAMPTZ,
    accounts JSON, checks JSON, results INTEGER, pass INTEGER, fail INTEGER, unknown INTEGER, muted INTEGER,
    new INTEGER, reopened INTEGER, resolved INTEGER, errors JSON, expired_exceptions JSON)`);
  await store.run(`CREATE TABLE IF NOT EXISTS findings (
    id VARCHAR, check_id VARCHAR, resource VARCHAR, account VARCHAR, region VARCHAR, resource_name VARCHAR,
    tags JSON, severity VARCHAR, result VARCHAR, state VARCHAR, muted JSON, reason VARCHAR,
    first_seen TIMESTAMPTZ, last_seen TIMESTAMPTZ, ever_bad BOOLEAN, last_audit VARCHAR)`);
  await store.run(`CREATE TABLE IF NOT EXISTS audit_changes (
    audit_id VARCHAR, finding_id VARCHAR, change VARCHAR, check_id VARCHAR, resource VARCHAR, account VARCHAR,
    region VARCHAR, severity VARCHAR, result VARCHAR, muted BOOLEAN)`);
});

/** sha256 (a resource name is attacker-controlled: a weak hash would let one finding shadow another). */
export function findingId(check: string, resource: string): string {
  return hash('sha256', `${check}\0${resource}`, 'hex').slice(0, 24);
}

/** What the store remembers of a finding from earlier audits. */
export interface PriorFinding {
  id: string;
  check: string;
  resource: string;
  account: string;
  region: string;
  resourceName?: string;
  tags?: Record<string, string>;
  state: Lifecycle;
  /** Has it ever been not passing? (a later failure is then `reopened`, not `new`) */
  everBad: boolean;
  firstSeen: string;
}

/** The next lifecycle state of a finding given this audit's result (unknown counts as not passing). */
export function nextLifecycle(prev: Pick<PriorFinding, 'state' | 'everBad'> | undefined, result: CheckStatus): { state: Lifecycle; change?: FindingChange } {
  const bad = result !== 'pass';
  if (!prev) return bad ? { state: 'new', change: 'new' } : { state: 'resolved' };
  if (prev.state !== 'resolved') return bad ? { state: 'open' } : { state: 'resolved', change: 'resolved' };
  if (!bad) return { state: 'resolved' };
  return prev.everBad ? { state: 'reopened', change: 'reopened' } : { state: 'new', change: 'new' };
}

function replaceMap<K, V>(target: Map<K, V>, from: Map<K, V>): void {
  target.clear();
  for (const [k, v] of from) target.set(k, v);
}

const muteInfo = (e: Exception): MuteInfo => ({ exception: e.index, reason: e.reason, owner: e.owner, ...(e.expires ? { expires: e.expires } : {}) });

export interface BuildOptions {
  exceptions?: Exception[];
  /**
   * List passing results that never failed (default true). False keeps only their count: what a terminal
   * summary needs, and what lets an audit of millions of results fit in memory.
   */
  keepPasses?: boolean;
  /** Time exceptions' expiry is judged against (default: now). */
  now?: Date;
}

/**
 * Folds check results into this audit's findings, given what earlier audits left (pure: no store). Results are
 * added one by one as the engine streams them (a ResultSink), or a whole list at once (`addAll`); `finish` then
 * settles findings no longer reported (gone, or carried where the check could not look).
 */
export class FindingsBuilder implements ResultSink {
  readonly findings: Finding[] = [];
  /** Per finding: has it ever been not passing? Only those are remembered for the next audit. */
  readonly everBad = new Map<string, boolean>();
  private readonly meta: Map<string, CheckMeta>;
  private readonly mutelist: Mutelist;
  private readonly expiredHits = new Map<number, number>();
  /** Passing results counted but not listed (keepPasses: false), per account. */
  readonly unlisted = new Map<string, number>();
  private readonly keepPasses: boolean;
  private readonly muting: boolean;
  /** `check\0account` where a check could not look (an unknown result): earlier findings there are not "gone". */
  private readonly blind = new Set<string>();

  constructor(
    checks: CheckMeta[],
    private readonly prior: Map<string, PriorFinding>,
    private readonly time: string,
    private readonly opts: BuildOptions = {},
  ) {
    this.meta = new Map(checks.map((c) => [c.id, c]));
    this.mutelist = new Mutelist(opts.exceptions ?? [], opts.now);
    this.keepPasses = opts.keepPasses ?? true;
    this.muting = !!opts.exceptions?.length;
    // Earlier findings by check, then resource: a result needs no hash (nor a joined key) unless it is listed.
    for (const p of prior.values()) {
      let m = this.priorByCheck.get(p.check);
      if (!m) this.priorByCheck.set(p.check, (m = new Map()));
      m.set(p.resource, p);
    }
  }
  private readonly priorByCheck = new Map<string, Map<string, PriorFinding>>();
  /** Resources listed so far, per check. */
  private readonly seenByCheck = new Map<string, Set<string>>();
  private seenOf(check: string): Set<string> {
    let s = this.seenByCheck.get(check);
    if (!s) this.seenByCheck.set(check, (s = new Set()));
    return s;
  }

  /** Folds a whole list of results (each result's check must be among the builder's checks). */
  addAll(results: AuditResult[]): void {
    for (const r of results) this.add(r);
  }

  /** Where the running check's additions start, so a check that throws can be undone (see `discard`). */
  private mark?: { check: string; findings: number; unlisted: Map<string, number>; expiredHits: Map<number, number> };

  begin(check: Pick<CheckMeta, 'id'>): void {
    // Copies of two maps of at most one entry per account / exception: cheap next to the check itself.
    this.mark = { check: check.id, findings: this.findings.length, unlisted: new Map(this.unlisted), expiredHits: new Map(this.expiredHits) };
  }

  /**
   * Undoes what `check` added since `begin`: the engine then reports it as unknown per account, exactly as if
   * its results had been gathered first and dropped when it threw.
   */
  discard(check: Pick<CheckMeta, 'id'>): void {
    const m = this.mark;
    if (!m || m.check !== check.id) throw new Error(`discard(${check.id}) without begin(${check.id})`);
    for (const f of this.findings.splice(m.findings)) this.everBad.delete(f.id);
    this.seenByCheck.delete(check.id);
    for (const key of this.blind) if (key.startsWith(`${check.id}\0`)) this.blind.delete(key);
    replaceMap(this.unlisted, m.unlisted);
    replaceMap(this.expiredHits, m.expiredHits);
  }

  /** Folds one result into this audit's findings. */
  add(r: AuditResult): void {
    const bad = r.status !== 'pass';
    const prev = this.priorByCheck.get(r.check)?.get(r.resource);
    if (!bad && !prev && !this.keepPasses) {
      this.unlisted.set(r.account, (this.unlisted.get(r.account) ?? 0) + 1);
      return;
    }
    const seen = this.seenOf(r.check);
    if (seen.has(r.resource)) return; // a check reporting one resource twice: the first result stands
    seen.add(r.resource);
    const id = prev?.id ?? findingId(r.check, r.resource);
    if (r.status === 'unknown') this.blind.add(`${r.check}\0${r.account}`);
    const { state, change } = nextLifecycle(prev, r.status);
    const m = this.meta.get(r.check)!;
    const f: Finding = {
      id,
      check: r.check,
      title: m.title,
      severity: m.severity,
      service: m.service,
      resourceType: m.resourceType,
      resource: r.resource,
      resourceName: r.resourceName,
      account: r.account,
      region: r.region,
      result: r.status,
      status: state,
      lifecycle: state,
      reason: r.reason,
      firstSeen: prev?.firstSeen ?? this.time,
      lastSeen: this.time,
      tags: r.tags,
      change,
    };
    if (bad && this.muting) {
      const hit = this.mutelist.match({ check: r.check, account: r.account, region: r.region, resource: r.resource, resourceName: r.resourceName, tags: r.tags });
      if (hit?.expired) {
        f.exceptionExpired = muteInfo(hit.exception);
        this.expiredHits.set(hit.exception.index, (this.expiredHits.get(hit.exception.index) ?? 0) + 1);
      } else if (hit) {
        f.muted = muteInfo(hit.exception);
        f.status = 'muted';
      }
    }
    if (bad || prev) this.everBad.set(id, bad || prev!.everBad);
    this.findings.push(f);
  }

  /** Ids of findings built from the store alone (not reported this time). */
  readonly fromPrior = new Set<string>();

  finish(accounts: string[]): {
    findings: Finding[];
    everBad: Map<string, boolean>;
    expired: (Exception & { matched: number })[];
    unlisted?: AuditReport['unlisted'];
  } {
    const ran = new Set(accounts);
    for (const p of this.prior.values()) {
      if (this.seenByCheck.get(p.check)?.has(p.resource) || !this.meta.has(p.check) || !ran.has(p.account)) continue;
      if (p.state === 'resolved') continue; // resolved before and still absent: nothing to say
      const m = this.meta.get(p.check)!;
      // Not reported, but the check could not see this account: carry the finding, never resolve on missing data.
      const carried = this.blind.has(`${p.check}\0${p.account}`);
      this.fromPrior.add(p.id);
      this.findings.push({
        id: p.id,
        check: p.check,
        title: m.title,
        severity: m.severity,
        service: m.service,
        resourceType: m.resourceType,
        resource: p.resource,
        resourceName: p.resourceName,
        account: p.account,
        region: p.region,
        result: carried ? 'unknown' : 'pass',
        status: carried ? 'open' : 'resolved',
        lifecycle: carried ? 'open' : 'resolved',
        reason: carried
          ? 'not evaluated in this audit: the check could not read this account (see its unknown results)'
          : 'resource no longer present: the check ran in this account and no longer reports it',
        firstSeen: p.firstSeen,
        lastSeen: this.time,
        tags: p.tags,
        change: carried ? undefined : 'resolved',
        gone: carried ? undefined : true,
      });
      this.everBad.set(p.id, true);
    }
    const expired = this.mutelist.expired().map((e) => ({ ...e, matched: this.expiredHits.get(e.index) ?? 0 }));
    const unlisted = this.keepPasses ? undefined : { pass: [...this.unlisted.values()].reduce((a, b) => a + b, 0), byAccount: Object.fromEntries(this.unlisted) };
    return { findings: this.findings, everBad: this.everBad, expired, unlisted };
  }
}

/** This audit's findings from a whole run (see FindingsBuilder). */
export function buildFindings(run: AuditRun, prior: Map<string, PriorFinding>, opts: BuildOptions = {}) {
  const b = new FindingsBuilder(run.checks, prior, run.snapshotTime, opts);
  b.addAll(run.results);
  return b.finish(run.accounts);
}

export interface RecordOptions extends BuildOptions {
  /** Audit time (default: now). */
  time?: Date;
}

/** Records a whole run against the store's findings; returns the report. All of it lands or none. */
export async function recordAudit(store: Store, run: AuditRun, opts: RecordOptions = {}): Promise<AuditReport> {
  const prior = await loadPrior(store, run.accounts, run.checks.map((c) => c.id));
  const b = new FindingsBuilder(run.checks, prior, run.snapshotTime, { exceptions: opts.exceptions, now: opts.now ?? opts.time });
  b.addAll(run.results);
  const built = b.finish(run.accounts);
  await fillNames(store, built.findings, b.fromPrior);
  return persist(store, run, built, run.errors, opts, run.timings);
}

/**
 * Runs checks over a snapshot folding each result into findings as the check yields it (no check's results are
 * ever held as a list), then records the audit. What `vigil audit` does.
 */
export async function auditInto(store: Store, snapshot: SnapshotReader, checks: Check[], opts: RecordOptions = {}): Promise<AuditReport> {
  const base = { snapshotId: snapshot.id, snapshotTime: snapshot.time, accounts: snapshot.accounts().map((a) => a.id), checks: checks.map(checkMeta) };
  const prior = await loadPrior(store, base.accounts, base.checks.map((c) => c.id));
  const b = new FindingsBuilder(base.checks, prior, base.snapshotTime, { exceptions: opts.exceptions, now: opts.now ?? opts.time, keepPasses: opts.keepPasses });
  const { errors, timings } = forEachCheck(snapshot, checks, b);
  const built = b.finish(base.accounts);
  await fillNames(store, built.findings, b.fromPrior);
  return persist(store, base, built, errors, opts, timings);
}

async function persist(
  store: Store,
  base: Pick<AuditRun, 'snapshotId' | 'snapshotTime' | 'accounts' | 'checks'>,
  built: ReturnType<FindingsBuilder['finish']>,
  errors: AuditRun['errors'],
  opts: RecordOptions,
  timings?: Record<string, number>,
): Promise<AuditReport> {
  const now = opts.time ?? opts.now ?? new Date();
  const prevRow = await store.one<{ id: string; time: string; snapshot_id: string; seq: number }>(
    'SELECT id, time, snapshot_id, seq FROM audits ORDER BY seq DESC LIMIT 1',
  );
  const audit: AuditInfo = {
    id: `audit-${now.toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 6)}`,
    time: now.toISOString(),
    snapshotId: base.snapshotId,
    snapshotTime: base.snapshotTime,
    accounts: base.accounts,
    ...(prevRow ? { previous: { id: prevRow.id, time: prevRow.time, snapshotId: prevRow.snapshot_id } } : {}),
  };
  const report: AuditReport = {
    audit,
    checks: base.checks,
    findings: built.findings,
    changes: countChanges(built.findings),
    expiredExceptions: built.expired,
    errors,
    timings,
    ...(built.unlisted ? { unlisted: built.unlisted } : {}),
  };
  await writeAudit(store, report, built.everBad, (prevRow?.seq ?? 0) + 1);
  return report;
}

export function countChanges(findings: Finding[]): AuditReport['changes'] {
  const c = { new: 0, reopened: 0, resolved: 0 };
  for (const f of findings) if (f.change && (f.change === 'resolved' || f.status !== 'muted')) c[f.change]++;
  return c;
}

/**
 * What earlier audits left for these accounts and checks. Streamed chunk by chunk with only the columns the
 * lifecycle needs (names and tags are fetched afterwards for the few findings shown from memory alone).
 */
async function loadPrior(store: Store, accounts: string[], checks: string[]): Promise<Map<string, PriorFinding>> {
  const prior = new Map<string, PriorFinding>();
  if (accounts.length === 0 || checks.length === 0) return prior;
  const result = await store.conn.stream(
    `SELECT id, check_id, resource, account, region, state, ever_bad, epoch_ms(first_seen)::DOUBLE AS first_seen
     FROM findings WHERE account IN (${accounts.map(sqlString).join(', ')})
       AND check_id IN (${checks.map(sqlString).join(', ')})`,
  );
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (const row of chunk.getRows()) {
      const [id, check, resource, account, region, state, everBad, firstSeen] = row as [string, string, string, string, string, Lifecycle, boolean, number];
      prior.set(id, { id, check, resource, account, region, state, everBad, firstSeen: new Date(firstSeen).toISOString() });
    }
  }
  return prior;
}

/** Names and tags of findings built from the store alone (gone or carried), from their stored rows. */
async function fillNames(store: Store, findings: Finding[], fromPrior: Set<string>): Promise<void> {
  const want = findings.filter((f) => fromPrior.has(f.id));
  for (let i = 0; i < want.length; i += 1000) {
    const part = want.slice(i, i + 1000);
    const rows = await store.all<{ id: string; resource_name: string | null; tags: string | null }>(
      `SELECT id, resource_name, tags::VARCHAR AS tags FROM findings WHERE id IN (${part.map((f) => sqlString(f.id)).join(', ')})`,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const f of part) {
      const r = byId.get(f.id);
      if (r?.resource_name) f.resourceName = r.resource_name;
      if (r?.tags && r.tags !== 'null') f.tags = JSON.parse(r.tags) as Record<string, string>;
    }
  }
}

const FINDING_COLUMNS: Record<string, string> = {
  id: 'VARCHAR', check_id: 'VARCHAR', resource: 'VARCHAR', account: 'VARCHAR', region: 'VARCHAR',
  resource_name: 'VARCHAR', tags: 'JSON', severity: 'VARCHAR', result: 'VARCHAR', state: 'VARCHAR',
  muted: 'JSON', reason: 'VARCHAR', first_seen: 'VARCHAR', last_seen: 'VARCHAR', ever_bad: 'BOOLEAN', last_audit: 'VARCHAR',
};

const CHANGE_COLUMNS: Record<string, string> = {
  audit_id: 'VARCHAR', finding_id: 'VARCHAR', change: 'VARCHAR', check_id: 'VARCHAR', resource: 'VARCHAR',
  account: 'VARCHAR', region: 'VARCHAR', severity: 'VARCHAR', result: 'VARCHAR', muted: 'BOOLEAN',
};

function readJson(file: string, columns: Record<string, string>): string {
  const cols = Object.entries(columns).map(([k, v]) => `${k}: '${v}'`).join(', ');
  return `read_json(${sqlString(file)}, format = 'newline_delimited', columns = {${cols}})`;
}

/**
 * Findings go through a staging NDJSON file read by DuckDB in one statement: binding hundreds of thousands of
 * rows as parameters is far slower.
 */
/** NDJSON written in chunks (one joined string of a million findings would pass V8's string limit). */
class LineWriter {
  private readonly fd: number;
  private buf: string[] = [];
  length = 0;
  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }
  push(line: string): void {
    this.buf.push(line);
    this.length++;
    if (this.buf.length >= 5000) this.flush();
  }
  private flush(): void {
    if (this.buf.length) writeSync(this.fd, this.buf.join('\n') + '\n');
    this.buf = [];
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

async function writeAudit(store: Store, report: AuditReport, everBad: Map<string, boolean>, seq: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-audit-'));
  try {
    const a = report.audit;
    const findingsFile = join(dir, 'findings.ndjson');
    const changesFile = join(dir, 'changes.ndjson');
    const lines = new LineWriter(findingsFile);
    const changeLines = new LineWriter(changesFile);
    let pass = 0, fail = 0, unknown = 0, muted = 0;
    for (const f of report.findings) {
      if (f.result === 'pass') pass++;
      else if (f.result === 'fail') fail++;
      else unknown++;
      if (f.status === 'muted') muted++;
      // Only findings that have ever been not passing are remembered: a pass that never failed needs no history
      // (if it fails later, it is new).
      const wasBad = everBad.get(f.id) ?? false;
      if (wasBad) lines.push(
        JSON.stringify({
          id: f.id, check_id: f.check, resource: f.resource, account: f.account, region: f.region,
          resource_name: f.resourceName ?? null, tags: f.tags ?? null, severity: f.severity, result: f.result,
          state: f.lifecycle, muted: f.muted ?? null, reason: f.reason, first_seen: f.firstSeen, last_seen: f.lastSeen,
          ever_bad: true, last_audit: a.id,
        }),
      );
      if (f.change) {
        changeLines.push(
          JSON.stringify({
            audit_id: a.id, finding_id: f.id, change: f.change, check_id: f.check, resource: f.resource,
            account: f.account, region: f.region, severity: f.severity, result: f.result, muted: f.status === 'muted',
          }),
        );
      }
    }
    lines.close();
    changeLines.close();
    const cols = Object.keys(FINDING_COLUMNS);
    const select = cols.map((c) => (c === 'first_seen' || c === 'last_seen' ? `${c}::TIMESTAMPTZ AS ${c}` : c)).join(', ');
    await store.transaction(async () => {
      if (lines.length) {
        await store.run(`CREATE OR REPLACE TEMP TABLE audit_staging AS SELECT ${select} FROM ${readJson(findingsFile, FINDING_COLUMNS)}`);
        await store.run('DELETE FROM findings WHERE id IN (SELECT id FROM audit_staging)');
        await store.run(`INSERT INTO findings (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM audit_staging`);
        await store.run('DROP TABLE audit_staging');
      }
      if (changeLines.length) {
        await store.run(`INSERT INTO audit_changes SELECT * FROM ${readJson(changesFile, CHANGE_COLUMNS)}`);
      }
      await store.run(
        `INSERT INTO audits VALUES (?, ?, ?::TIMESTAMPTZ, ?, ?::TIMESTAMPTZ, ?::JSON, ?::JSON, ?, ?, ?, ?, ?, ?, ?, ?, ?::JSON, ?::JSON)`,
        [
          a.id, seq, a.time, a.snapshotId, a.snapshotTime, JSON.stringify(a.accounts), JSON.stringify(report.checks.map((c) => c.id)),
          report.findings.length, pass, fail, unknown, muted, report.changes.new, report.changes.reopened, report.changes.resolved,
          JSON.stringify(report.errors), JSON.stringify(report.expiredExceptions),
        ],
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** Failing, unmuted findings at or above `threshold` (what `--fail-on` gates on). */
export function gatingFindings(findings: Finding[], threshold: Severity): Finding[] {
  const min = SEVERITY_RANK[threshold];
  return findings.filter((f) => f.result === 'fail' && f.status !== 'muted' && SEVERITY_RANK[f.severity] >= min);
}
