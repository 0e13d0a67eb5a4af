/**
 * Windowed rules, live. Definition shared with the SQL hunt (engine/hunt-sql.ts): per group, a window "fires"
 * at the time t of a member match when the member matches in (t - seconds, t] satisfy the condition (at least n
 * matches; at least n distinct values of a field; every member rule; every member rule in order). The events an
 * alert reports are all member matches inside any firing window. State is bounded: per group only the window's
 * matches are kept, and idle groups are swept.
 */
import type { EventFacts } from './alerts.js';
import type { WindowUnit } from './pack.js';

interface Entry {
  m: number;
  f: EventFacts;
  evicted: boolean;
}

/** One group's window: its matches (from `head`), those not yet reported, and running counts. */
interface Group {
  entries: Entry[];
  head: number;
  pending: Entry[];
  reported: Set<string>;
  values: Map<string, number>;
  members: number[];
  last: number;
}

export class LiveWindow {
  private readonly groups = new Map<string, Group>();
  constructor(readonly unit: WindowUnit) {}

  groupKey(f: EventFacts): string {
    return JSON.stringify(this.unit.spec.groupBy.map((k) => f.keys[k] ?? null));
  }

  /** Adds one member match (events in time order); returns the matches that newly belong to an alert. */
  add(member: number, f: EventFacts): EventFacts[] {
    const key = this.groupKey(f);
    let g = this.groups.get(key);
    if (!g) {
      g = { entries: [], head: 0, pending: [], reported: new Set(), values: new Map(), members: this.unit.members.map(() => 0), last: f.epoch };
      this.groups.set(key, g);
    }
    g.last = Math.max(g.last, f.epoch);
    const e: Entry = { m: member, f, evicted: false };
    g.entries.push(e);
    g.pending.push(e);
    this.count(g, e, 1);
    this.evict(g);
    if (!this.fires(g)) return [];
    const out: EventFacts[] = [];
    for (const p of g.pending) {
      // An event matching several members is reported once.
      if (p.evicted || g.reported.has(p.f.eventId)) continue;
      g.reported.add(p.f.eventId);
      out.push(p.f);
    }
    g.pending = [];
    return out;
  }

  private count(g: Group, e: Entry, d: 1 | -1): void {
    g.members[e.m]! += d;
    const field = this.unit.spec.field;
    if (!field) return;
    const v = e.f.keys[field];
    if (v === null || v === undefined) return;
    const n = (g.values.get(v) ?? 0) + d;
    if (n > 0) g.values.set(v, n);
    else g.values.delete(v);
  }

  /** Drops matches at or before (latest time - window). Input out of time order is evicted on compaction. */
  private evict(g: Group): void {
    const from = g.last - this.unit.spec.seconds;
    const drop = (e: Entry) => {
      e.evicted = true;
      this.count(g, e, -1);
      g.reported.delete(e.f.eventId);
    };
    while (g.head < g.entries.length && g.entries[g.head]!.f.epoch <= from) drop(g.entries[g.head++]!);
    if (g.head > 64 && g.head * 2 > g.entries.length) {
      g.entries = g.entries.slice(g.head);
      g.head = 0;
    }
    if (g.entries.length > 4096 && g.entries.length - g.head > 2 * g.pending.length + 4096) {
      // Out-of-order input can hide old matches behind newer ones: filter the whole window now and then.
      const keep: Entry[] = [];
      for (let i = g.head; i < g.entries.length; i++) {
        const e = g.entries[i]!;
        if (e.f.epoch <= from) drop(e);
        else keep.push(e);
      }
      g.entries = keep;
      g.head = 0;
    }
    if (g.pending.length > 64 && g.pending[0]!.evicted) g.pending = g.pending.filter((e) => !e.evicted);
  }

  private fires(g: Group): boolean {
    const s = this.unit.spec;
    switch (s.type) {
      case 'count':
        return g.entries.length - g.head >= s.n;
      case 'value_count':
        return g.values.size >= s.n;
      case 'temporal':
        return g.members.every((c) => c > 0);
      case 'temporal_ordered': {
        if (!g.members.every((c) => c > 0)) return false;
        // Greedy: the earliest match of each member at or after the previous one.
        let t = -Infinity;
        for (let m = 0; m < this.unit.members.length; m++) {
          let next = Infinity;
          for (let i = g.head; i < g.entries.length; i++) {
            const e = g.entries[i]!;
            if (e.m === m && e.f.epoch >= t && e.f.epoch < next) next = e.f.epoch;
          }
          if (next === Infinity) return false;
          t = next;
        }
        return true;
      }
    }
  }

  /** Forgets groups with nothing left inside a window ending at `epoch`. */
  sweep(epoch: number): void {
    for (const [k, g] of this.groups) if (g.last <= epoch - this.unit.spec.seconds) this.groups.delete(k);
  }

  size(): number {
    return this.groups.size;
  }
}
