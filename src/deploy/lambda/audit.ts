/**
 * The nightly job (EventBridge schedule): collect a snapshot into /tmp with the same collector as `vigil
 * collect` (member accounts through the configured role), audit it with the built-in checks, compare with the
 * findings the history table remembers, and send a notice per finding that is new, reopened or resolved
 * (dedup → outbox → SNS, as alerts). The history table is then updated with the findings whose state changed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { runAudit, buildFindings, type PriorFinding } from '../../audit/index.js';
import type { Check } from '../../audit/check.js';
import { collect } from '../../collect/collector.js';
import { openCloudMapperDir, type SnapshotReader } from '../../snapshot/index.js';
import { noticeFromFinding } from '../../watch/notice.js';
import { oneLine } from '../../util/errors.js';
import { sendNotice, snsPublisher, type NotifyDeps } from './notify.js';
import { lambdaEnv, log } from './runtime.js';
import { WatchTables } from './tables.js';

export interface AuditDeps extends NotifyDeps {
  /** A fresh snapshot (the collector in Lambda; a fixture in tests). */
  snapshot(): Promise<SnapshotReader>;
  checks?: Check[];
  now?: () => Date;
  log?: (line: string) => void;
}

export interface AuditJobSummary {
  auditId: string;
  accounts: number;
  findings: number;
  changes: { new: number; reopened: number; resolved: number };
  sent: number;
  duplicates: number;
  checkErrors: number;
}

export async function runAuditJob(deps: AuditDeps): Promise<AuditJobSummary> {
  const say = deps.log ?? log;
  const now = (deps.now ?? (() => new Date()))();
  const auditId = now.toISOString();
  const snapshot = await deps.snapshot();
  const run = await runAudit(snapshot, { checks: deps.checks });
  for (const e of run.errors) say(`check ${e.check}: ${e.error}`);
  const prior = await deps.tables.priorFindings();
  const built = buildFindings(run, prior, { now, keepPasses: false });
  const changes = { new: 0, reopened: 0, resolved: 0 };
  let sent = 0;
  let duplicates = 0;
  const remember: PriorFinding[] = [];
  for (const f of built.findings) {
    if (f.change) {
      changes[f.change]++;
      // A notice that cannot be sent fails the run before the history moves on, so the next run sends it.
      if ((await sendNotice(noticeFromFinding(f, f.change, auditId), deps)) === 'sent') sent++;
      else duplicates++;
    }
    const before = prior.get(f.id);
    if (built.everBad.get(f.id) && (!before || before.state !== f.lifecycle))
      remember.push({ id: f.id, check: f.check, resource: f.resource, account: f.account, region: f.region, resourceName: f.resourceName, tags: f.tags, state: f.lifecycle, everBad: true, firstSeen: f.firstSeen });
  }
  await deps.tables.saveFindings(remember, []);
  return { auditId, accounts: run.accounts.length, findings: built.findings.length, changes, sent, duplicates, checkErrors: run.errors.length };
}

/** The collector in Lambda: the function's own credentials, member accounts through the role (when set). */
async function collectInto(dir: string, env: NodeJS.ProcessEnv): Promise<SnapshotReader> {
  const id = `lambda-${Date.now()}`;
  const list = (v?: string) => (v ? v.split(',').filter(Boolean) : undefined);
  const result = await collect({
    dir,
    id,
    accounts: list(env.COLLECT_ACCOUNTS)?.map((a) => ({ id: a })),
    organization: env.COLLECT_ORGANIZATION === '1',
    regions: list(env.COLLECT_REGIONS),
    role: env.ROLE_NAME ? { name: env.ROLE_NAME, externalId: env.EXTERNAL_ID, sessionName: 'vigil-nightly' } : undefined,
  });
  log(JSON.stringify({ snapshot: id, calls: result.calls, ok: result.ok, gaps: result.gaps.length }));
  return openCloudMapperDir(dir, { id });
}

/** Lambda entry point (EventBridge scheduled event; the event itself carries nothing we need). */
export async function handler(): Promise<AuditJobSummary> {
  const env = lambdaEnv(['TOPIC_ARN', 'DEDUP_TABLE', 'OUTBOX_TABLE', 'HISTORY_TABLE', 'DEDUP_TTL_SECONDS']);
  const tables = new WatchTables(new DynamoDBClient({}), { dedup: env.DEDUP_TABLE, outbox: env.OUTBOX_TABLE, history: env.HISTORY_TABLE }, Number(env.DEDUP_TTL_SECONDS));
  const dir = mkdtempSync(join(tmpdir(), 'vigil-snapshot-'));
  try {
    const r = await runAuditJob({ tables, publish: snsPublisher(env.TOPIC_ARN), snapshot: () => collectInto(dir, process.env) });
    log(JSON.stringify(r));
    return r;
  } catch (e) {
    log(`nightly audit failed: ${oneLine(e)}`);
    throw e;
  } finally {
    // /tmp outlives the invocation in a warm container: leave no snapshot behind.
    rmSync(dir, { recursive: true, force: true });
  }
}
