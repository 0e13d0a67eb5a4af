/**
 * The live engine: events in, alerts out. All members of the pack share one EventView per event (each field
 * read once) and are indexed by the eventName values their predicate requires, so most rules are never
 * evaluated for most events.
 */
import { AlertAggregator, factsOf, type AggregatorOptions, type Alert, type EventFacts } from './alerts.js';
import { compileJs, EventView, FieldSlots, type Matcher } from './engine/js.js';
import { requiredEventNames } from './ir.js';
import type { Member, Pack } from './pack.js';
import { LiveWindow } from './window.js';

interface Target {
  member: Member;
  match: Matcher;
  /** Event unit: feed alerts directly. */
  event?: boolean;
  /** Window units this member feeds, with its index there. */
  windows: { w: LiveWindow; m: number }[];
}

export interface LiveStats {
  events: number;
  matches: number;
  openGroups: number;
  openAlerts: number;
}

export class LiveEngine {
  private readonly slots = new FieldSlots();
  private readonly byName = new Map<string, Target[]>();
  private readonly always: Target[] = [];
  private readonly windows: LiveWindow[];
  private readonly alerts: AlertAggregator;
  private watermark = 0;
  readonly stats: LiveStats = { events: 0, matches: 0, openGroups: 0, openAlerts: 0 };

  constructor(
    readonly pack: Pack,
    onAlert?: (a: Alert) => void,
    /** onOpen: emit alerts as they open (daemons); retain: false to keep no closed alerts in memory. */
    opts: AggregatorOptions = {},
  ) {
    this.alerts = new AlertAggregator(onAlert, opts);
    const targets = new Map<string, Target>();
    for (const m of pack.members) targets.set(m.key, { member: m, match: compileJs(m.pred, this.slots), windows: [] });
    for (const u of pack.eventUnits) targets.get(u.member.key)!.event = true;
    this.windows = pack.windowUnits.map((u) => {
      const w = new LiveWindow(u);
      u.members.forEach((m, i) => targets.get(m.key)!.windows.push({ w, m: i }));
      return w;
    });
    for (const t of targets.values()) {
      const names = requiredEventNames(t.member.pred);
      if (!names) this.always.push(t);
      else
        for (const n of new Set(names)) {
          const list = this.byName.get(n) ?? [];
          list.push(t);
          this.byName.set(n, list);
        }
    }
  }

  /** Evaluates one record; alerts reach onAlert when their dedup period closes (or at flush). */
  push(rec: Record<string, unknown>): void {
    this.stats.events++;
    const view = new EventView(rec, this.slots);
    const name = typeof rec.eventName === 'string' ? rec.eventName.toLowerCase() : '';
    const named = this.byName.get(name);
    let facts: EventFacts | undefined;
    const hit = (t: Target) => {
      if (!t.match(view)) return;
      this.stats.matches++;
      facts ??= factsOf(rec, this.pack.keyFields);
      if (t.event) this.alerts.add(t.member.rule, facts);
      for (const { w, m } of t.windows) for (const f of w.add(m, facts)) this.alerts.add(w.unit.rule, f);
    };
    for (const t of this.always) hit(t);
    if (named) for (const t of named) hit(t);
    if (facts && facts.epoch > this.watermark) this.watermark = facts.epoch;
    else if (!facts && this.stats.events % 1024 === 0) {
      const e = Date.parse(String(rec.eventTime));
      if (!Number.isNaN(e)) this.watermark = Math.max(this.watermark, Math.floor(e / 1000));
    }
    if (this.stats.events % 4096 === 0) this.sweep();
  }

  private sweep(): void {
    for (const w of this.windows) w.sweep(this.watermark);
    this.alerts.expire(this.watermark);
  }

  /** Ends the stream: closes every open alert and returns all alerts raised. */
  flush(): Alert[] {
    this.stats.openGroups = this.windows.reduce((n, w) => n + w.size(), 0);
    this.stats.openAlerts = this.alerts.openCount();
    return this.alerts.flush();
  }
}

/** Runs records (time-ordered) through a fresh engine. */
export function detectRecords(pack: Pack, records: Record<string, unknown>[]): Alert[] {
  const engine = new LiveEngine(pack);
  for (const r of records) engine.push(r);
  return engine.flush();
}
