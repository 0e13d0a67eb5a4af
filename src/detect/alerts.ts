/**
 * From matched events to alerts, shared by both engines so they agree by construction: the facts an alert
 * needs (read the same way from a record or from a SQL row), dedup (same rule + dedup key within the rule's
 * period = one alert with a count and first/last time), stable ids, and the output formats.
 */
import { createHash } from 'node:crypto';
import { field, toText } from './fields.js';
import { isoSeconds } from '../util/time.js';
import type { Rule } from './rule.js';
import type { Severity } from './schema.js';

/** What alerts and windows need from one matched event. */
export interface EventFacts {
  eventId: string;
  time: string;
  /** Seconds since the epoch (0 when eventTime is missing or unreadable). */
  epoch: number;
  actor: string | null;
  account: string | null;
  region: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  eventName: string | null;
  eventSource: string | null;
  resources: string[];
  /** Values of the pack's key fields (group-by, dedup keys, counted fields). */
  keys: Record<string, string | null>;
}

export function epochOf(time: string | null): number {
  if (!time) return 0;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** Facts from a parsed record (the live engine). */
export function factsOf(rec: Record<string, unknown>, keyFields: string[]): EventFacts {
  const s = (k: string) => toText(rec[k]);
  const ui = rec.userIdentity && typeof rec.userIdentity === 'object' ? (rec.userIdentity as Record<string, unknown>) : {};
  const time = s('eventTime') ?? '';
  const res = Array.isArray(rec.resources) ? rec.resources : [];
  const keys: Record<string, string | null> = {};
  for (const k of keyFields) keys[k] = field(k).get(rec) as string | null;
  return {
    eventId: s('eventID') ?? '',
    time,
    epoch: epochOf(time),
    actor: toText(ui.arn),
    account: s('recipientAccountId') ?? toText(ui.accountId),
    region: s('awsRegion'),
    sourceIp: s('sourceIPAddress'),
    userAgent: s('userAgent'),
    eventName: s('eventName'),
    eventSource: s('eventSource'),
    resources: res.map((r) => (r && typeof r === 'object' ? toText((r as Record<string, unknown>).ARN) : null)).filter((x): x is string => !!x),
    keys,
  };
}

export const MAX_EVENT_IDS = 1000;

export interface Alert {
  id: string;
  rule: { id: string; title: string };
  severity: Severity;
  count: number;
  firstSeen: string;
  lastSeen: string;
  actor: string | null;
  account: string | null;
  region: string | null;
  resources: string[];
  sourceIps: string[];
  eventNames: string[];
  eventIds: string[];
  tags: string[];
  mitre: { tactics: string[]; techniques: string[] };
  dedupKey: Record<string, string | null>;
}

interface Open {
  rule: Rule;
  key: Record<string, string | null>;
  keyText: string;
  firstEpoch: number;
  facts: EventFacts[];
  count: number;
}

const TACTICS = new Set([
  'reconnaissance', 'resource-development', 'initial-access', 'execution', 'persistence', 'privilege-escalation',
  'defense-evasion', 'credential-access', 'discovery', 'lateral-movement', 'collection', 'command-and-control',
  'exfiltration', 'impact',
]);

export function mitreOf(tags: string[]): { tactics: string[]; techniques: string[] } {
  const tactics: string[] = [];
  const techniques: string[] = [];
  for (const t of tags) {
    const m = /^attack\.(.+)$/i.exec(t);
    if (!m) continue;
    const v = m[1]!.toLowerCase().replaceAll('_', '-');
    if (/^t\d{4}(\.\d{3})?$/.test(v)) techniques.push(v.toUpperCase());
    else if (TACTICS.has(v)) tactics.push(v);
  }
  return { tactics, techniques };
}

const epochIso = (epoch: number) => isoSeconds(new Date(epoch * 1000));

const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => !!x))].sort();

function finish(o: Open): Alert {
  const facts = [...o.facts].sort((a, b) => a.epoch - b.epoch || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  const first = facts[0]!;
  const last = facts[facts.length - 1]!;
  const id = createHash('sha256').update(`${o.rule.id}\n${o.keyText}\n${first.epoch}`).digest('hex').slice(0, 24);
  return {
    id,
    rule: { id: o.rule.id, title: o.rule.title },
    severity: o.rule.severity,
    count: o.count,
    firstSeen: epochIso(first.epoch),
    lastSeen: epochIso(last.epoch),
    actor: first.actor,
    account: first.account,
    region: first.region,
    resources: uniq(facts.flatMap((f) => f.resources)),
    sourceIps: uniq(facts.map((f) => f.sourceIp)),
    eventNames: uniq(facts.map((f) => f.eventName)),
    eventIds: facts.slice(0, MAX_EVENT_IDS).map((f) => f.eventId),
    tags: o.rule.tags,
    mitre: mitreOf(o.rule.tags),
    dedupKey: o.key,
  };
}

export interface AggregatorOptions {
  /**
   * Called when an alert opens (its first event), with count 1: a daemon can send it at once instead of waiting
   * for the dedup period to close. The id is the one the closed alert will have (rule + dedup key + first time).
   */
  onOpen?: (a: Alert) => void;
  /** Keep closed alerts for flush() (default true); a long-running daemon turns it off to bound memory. */
  retain?: boolean;
}

/**
 * Dedup: events of one rule arrive in time order; an event joins the open alert of its dedup key while it is
 * within the period from that alert's first event, else it starts a new alert. Alerts close when the watermark
 * passes their period (bounded state) or at flush.
 */
export class AlertAggregator {
  private readonly open = new Map<string, Open>();
  private readonly done: Alert[] = [];
  constructor(
    private readonly onAlert?: (a: Alert) => void,
    private readonly opts: AggregatorOptions = {},
  ) {}

  add(rule: Rule, f: EventFacts): void {
    const key: Record<string, string | null> = {};
    for (const k of rule.dedup.keys) key[k] = f.keys[k] ?? null;
    const keyText = JSON.stringify(rule.dedup.keys.map((k) => key[k]));
    const slot = `${rule.id}\n${keyText}`;
    let o = this.open.get(slot);
    if (o && f.epoch >= o.firstEpoch + rule.dedup.seconds) {
      this.close(slot, o);
      o = undefined;
    }
    if (!o) {
      o = { rule, key, keyText, firstEpoch: f.epoch, facts: [], count: 0 };
      this.open.set(slot, o);
    }
    o.count++;
    if (o.facts.length < MAX_EVENT_IDS) o.facts.push(f);
    if (o.count === 1 && this.opts.onOpen) this.opts.onOpen(finish(o));
  }

  private close(slot: string, o: Open): void {
    this.open.delete(slot);
    const a = finish(o);
    if (this.opts.retain !== false) this.done.push(a);
    this.onAlert?.(a);
  }

  /** Closes alerts whose dedup period ended before `epoch`. */
  expire(epoch: number): void {
    for (const [slot, o] of this.open) if (epoch >= o.firstEpoch + o.rule.dedup.seconds) this.close(slot, o);
  }

  openCount(): number {
    return this.open.size;
  }

  /** Closes everything and returns all alerts, ordered by first time, rule and id. */
  flush(): Alert[] {
    for (const [slot, o] of [...this.open]) this.close(slot, o);
    return sortAlerts(this.done);
  }
}

export function sortAlerts(alerts: Alert[]): Alert[] {
  return [...alerts].sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.rule.id.localeCompare(b.rule.id) || a.id.localeCompare(b.id));
}
