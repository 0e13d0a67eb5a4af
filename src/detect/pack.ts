/**
 * A Pack is the loaded rules made runnable: single-event units (one alert stream per rule) and window units
 * (threshold and correlation rules over their member rules' matches), each member carrying its predicate with
 * the exceptions folded in. Both engines run exactly these predicates.
 */
import { and, type Pred } from './ir.js';
import { keepFor, NO_EXCEPTIONS, type ExceptionSet } from './exceptions.js';
import type { LoadFailure } from './load.js';
import type { Rule, WindowSpec } from './rule.js';

export interface Member {
  /** Unique key of this matcher in the pack: the rule id, or `<correlation>><member>`. */
  key: string;
  rule: Rule;
  pred: Pred;
}

export interface EventUnit {
  rule: Rule;
  member: Member;
}

export interface WindowUnit {
  rule: Rule;
  spec: WindowSpec;
  members: Member[];
}

export interface Pack {
  rules: Rule[];
  members: Member[];
  eventUnits: EventUnit[];
  windowUnits: WindowUnit[];
  /** Field paths alerts and windows need beyond the standard facts (group-by, dedup keys, counted fields). */
  keyFields: string[];
  failed: LoadFailure[];
  exceptions: ExceptionSet;
}

export function buildPack(rules: Rule[], exceptions: ExceptionSet = NO_EXCEPTIONS, failed: LoadFailure[] = []): Pack {
  const byRef = new Map<string, Rule>();
  for (const r of rules) {
    byRef.set(r.id, r);
    if (r.name) byRef.set(r.name, r);
  }
  const pack: Pack = { rules: [], members: [], eventUnits: [], windowUnits: [], keyFields: [], failed: [...failed], exceptions };
  const muted = new Set<string>();
  const keys = new Set<string>();
  const ok: Rule[] = [];
  for (const r of rules) {
    if (!r.refs) {
      ok.push(r);
      continue;
    }
    const bad = r.refs.find((ref) => !byRef.has(ref));
    const chained = r.refs.map((ref) => byRef.get(ref)).find((m) => m && (!m.pred || m.window));
    if (bad || chained) {
      const why = bad ? `refers to unknown rule '${bad}'` : `refers to '${chained!.id}', which is not a single-event rule (chained correlations and thresholds are not supported)`;
      pack.failed.push({ file: r.file, error: `${r.file}: rule ${r.id}: correlation ${why}` });
      continue;
    }
    r.window = { ...r.window!, members: r.refs.map((ref) => byRef.get(ref)!.id) };
    if (!r.keepMembers) for (const m of r.window.members) muted.add(m);
    ok.push(r);
  }
  for (const r of ok) {
    pack.rules.push(r);
    if (r.window) {
      const members = r.window.members.map((id) => {
        const base = byRef.get(id)!;
        const key = base === r ? r.id : `${r.id}>${base.id}`;
        const ids = base === r ? [r.id] : [base.id, r.id];
        return { key, rule: base, pred: and([base.pred!, keepFor(exceptions, ids)]) };
      });
      pack.members.push(...members);
      pack.windowUnits.push({ rule: r, spec: r.window, members });
      r.window.groupBy.forEach((f) => keys.add(f));
      if (r.window.field) keys.add(r.window.field);
    } else if (!muted.has(r.id)) {
      const member = { key: r.id, rule: r, pred: and([r.pred!, keepFor(exceptions, [r.id])]) };
      pack.members.push(member);
      pack.eventUnits.push({ rule: r, member });
    }
    r.dedup.keys.forEach((f) => keys.add(f));
  }
  pack.keyFields = [...keys].sort();
  return pack;
}
