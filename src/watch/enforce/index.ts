/**
 * Opt-in enforcement: for an alert whose rule is on the allowlist, each listed action reads the state it would
 * change (before), changes it only when enforcement is enabled and not a dry run, reads it again (after), and
 * records the whole step in `enforcement_actions`. Each step becomes a Notice (kind `enforcement`) so people
 * hear about it. With `enabled: false` (the default) nothing is read or written at all.
 */
import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import type { Config } from '../../config/schema.js';
import type { Alert } from '../../detect/alerts.js';
import { registerSchema, type Row, type Store } from '../../store/store.js';
import { oneLine } from '../../util/errors.js';
import { isoSeconds } from '../../util/time.js';
import type { Notice } from '../notice.js';
import { ACTIONS, type EnforcementAction, type Target } from './actions/index.js';
import { AwsClients } from './clients.js';
import type { EnforceConfig } from './config.js';

export { EnforceConfigSchema, ACTION_IDS, type ActionId, type EnforceConfig } from './config.js';
export { AwsClients } from './clients.js';

export type Outcome = 'applied' | 'dry-run' | 'not-needed' | 'error';

export interface EnforcementRecord {
  id: string;
  time: string;
  rule: string;
  alertId: string;
  actor: string | null;
  action: string;
  account: string | null;
  region: string;
  target: string;
  dryRun: boolean;
  before: unknown;
  after: unknown;
  outcome: Outcome;
  error: string | null;
}

export async function ensureEnforcementSchema(store: Store): Promise<void> {
  await store.run(`CREATE TABLE IF NOT EXISTS enforcement_actions (
    id VARCHAR PRIMARY KEY,
    time TIMESTAMP NOT NULL,
    rule VARCHAR NOT NULL,
    alert_id VARCHAR NOT NULL,
    actor VARCHAR,
    action VARCHAR NOT NULL,
    account VARCHAR,
    region VARCHAR,
    target VARCHAR NOT NULL,
    dry_run BOOLEAN NOT NULL,
    before JSON,
    after JSON,
    outcome VARCHAR NOT NULL,
    error VARCHAR
  )`);
}
registerSchema(ensureEnforcementSchema);

export interface EnforcerOptions {
  now?: () => Date;
  clients?: AwsClients;
  log?: (line: string) => void;
}

export class Enforcer {
  private readonly allow: { match: (rule: string) => boolean; action: EnforcementAction }[];
  private ready?: Promise<void>;

  private constructor(
    private readonly store: Store,
    private readonly config: EnforceConfig,
    private readonly clients: AwsClients,
    private readonly now: () => Date,
    private readonly log: (line: string) => void,
  ) {
    this.allow = config.actions.map((a) => ({ match: picomatch(a.rule), action: ACTIONS[a.action] }));
  }

  static create(store: Store, config: Config, opts: EnforcerOptions = {}): Enforcer {
    const e = config.enforce;
    return new Enforcer(store, e, opts.clients ?? new AwsClients(config.aws, e.roleName), opts.now ?? (() => new Date()), opts.log ?? (() => undefined));
  }

  /** For an alert (and the records that raised it), runs the allowlisted actions of its rule; returns notices of kind 'enforcement'. */
  async handle(alert: Alert, records: Record<string, unknown>[]): Promise<Notice[]> {
    if (!this.config.enabled) return [];
    const actions = this.allow.filter((a) => a.match(alert.rule.id)).map((a) => a.action);
    if (!actions.length) return [];
    this.ready ??= ensureEnforcementSchema(this.store);
    await this.ready;
    const notices: Notice[] = [];
    for (const action of new Set(actions)) {
      // One step per distinct target: several records of one alert often name the same group or key.
      const targets = new Map<string, { t: Target; rec: Record<string, unknown> }>();
      for (const rec of records) for (const t of action.targets(rec)) targets.set(`${t.account}|${t.region}|${JSON.stringify(t.detail)}`, { t, rec });
      for (const [key, { t, rec }] of targets) {
        const id = createHash('sha256').update(`${alert.id}\n${action.id}\n${key}\n${this.config.dryRun}`).digest('hex').slice(0, 24);
        // The same alert can come back (a replay after restart): a step already taken is not taken again.
        if (await this.store.one(`SELECT 1 FROM enforcement_actions WHERE id = ? AND outcome <> 'error'`, [id])) continue;
        const r = await this.step(id, alert, action, t, rec);
        await this.record(r);
        notices.push(noticeOf(r, alert));
      }
    }
    return notices;
  }

  private async step(id: string, alert: Alert, action: EnforcementAction, t: Target, rec: Record<string, unknown>): Promise<EnforcementRecord> {
    const actor = alert.actor ?? (typeof (rec.userIdentity as Record<string, unknown> | undefined)?.arn === 'string' ? String((rec.userIdentity as Record<string, unknown>).arn) : null);
    const r: EnforcementRecord = {
      id,
      time: isoSeconds(this.now()),
      rule: alert.rule.id,
      alertId: alert.id,
      actor,
      action: action.id,
      account: t.account,
      region: t.region,
      target: t.label,
      dryRun: this.config.dryRun,
      before: null,
      after: null,
      outcome: 'error',
      error: null,
    };
    try {
      r.before = await action.read(t, this.clients);
      if (!action.needed(t, r.before)) {
        r.outcome = 'not-needed';
      } else if (this.config.dryRun) {
        r.outcome = 'dry-run';
      } else {
        await action.apply(t, this.clients, r.before);
        r.outcome = 'applied';
        r.after = await action.read(t, this.clients);
      }
    } catch (e) {
      r.error = oneLine(e);
      // What the state is now, if it can be read, for whoever picks this up.
      if (r.before !== null) r.after = await action.read(t, this.clients).catch(() => null);
    }
    this.log(`enforce: ${action.id} on ${t.label} (${alert.rule.id}): ${r.outcome}${r.error ? `: ${r.error}` : ''}`);
    return r;
  }

  private async record(r: EnforcementRecord): Promise<void> {
    await this.store.run(
      `INSERT OR REPLACE INTO enforcement_actions (id, time, rule, alert_id, actor, action, account, region, target, dry_run, before, after, outcome, error)
       VALUES (?, ?::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [r.id, r.time, r.rule, r.alertId, r.actor, r.action, r.account, r.region, r.target, r.dryRun, JSON.stringify(r.before), JSON.stringify(r.after), r.outcome, r.error],
    );
  }
}

const PAST: Record<Outcome, string> = { applied: 'done', 'dry-run': 'dry run, not done', 'not-needed': 'nothing to do', error: 'FAILED' };

function noticeOf(r: EnforcementRecord, alert: Alert): Notice {
  const action = ACTIONS[r.action as keyof typeof ACTIONS];
  return {
    id: `enforcement:${r.id}`,
    kind: 'enforcement',
    title: `${action.verb}: ${r.target}`,
    severity: alert.severity,
    source: r.action,
    account: r.account,
    region: r.region,
    tags: alert.tags,
    time: r.time,
    summary: `${action.verb} on ${r.target} after ${alert.rule.title} by ${r.actor ?? 'unknown principal'}: ${PAST[r.outcome]}${r.error ? ` (${r.error})` : ''}`,
    body: r as unknown as Record<string, unknown>,
  };
}

/** Recorded steps, newest first (for a future `vigil enforce list` and for tests). */
export async function listEnforcement(store: Store, limit = 100): Promise<Row[]> {
  await ensureEnforcementSchema(store);
  return store.all(`SELECT * FROM enforcement_actions ORDER BY time DESC, id LIMIT ${Math.max(1, Math.floor(limit))}`);
}
