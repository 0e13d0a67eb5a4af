/**
 * Predicate → JS matcher over a parsed CloudTrail record. Field values are read once per event and shared by
 * every rule of a pack (an EventView caches raw and lowercased values per field slot).
 */
import { field, type Value } from '../fields.js';
import { ANY, type GlobToken, type Pred } from '../ir.js';

type Raw = Value | Value[];

/** The field slots of a compiled pack: each distinct field path is read at most once per event. */
export class FieldSlots {
  readonly paths: string[] = [];
  readonly getters: ((rec: Record<string, unknown>) => Raw)[] = [];
  private readonly index = new Map<string, number>();
  slot(path: string): number {
    const ref = field(path);
    let i = this.index.get(ref.path);
    if (i === undefined) {
      i = this.paths.length;
      this.index.set(ref.path, i);
      this.paths.push(ref.path);
      this.getters.push(ref.get);
    }
    return i;
  }
}

/** One event as the matchers see it. */
export class EventView {
  private readonly raw: (Raw | undefined)[] = [];
  private readonly low: (Raw | undefined)[] = [];
  constructor(
    readonly rec: Record<string, unknown>,
    private readonly slots: FieldSlots,
  ) {}
  value(i: number): Raw {
    let v = this.raw[i];
    if (v === undefined) {
      v = this.slots.getters[i]!(this.rec);
      this.raw[i] = v;
    }
    return v;
  }
  lower(i: number): Raw {
    let v = this.low[i];
    if (v === undefined) {
      const r = this.value(i);
      v = Array.isArray(r) ? r.map((x) => (x === null ? null : x.toLowerCase())) : r === null ? null : r.toLowerCase();
      this.low[i] = v;
    }
    return v;
  }
}

export type Matcher = (e: EventView) => boolean;
type StrTest = (s: string) => boolean;

/** Applies a string test to a field: false on null, any element for lists. */
function onValue(slot: number, cased: boolean, test: StrTest): Matcher {
  return (e) => {
    const v = cased ? e.value(slot) : e.lower(slot);
    if (v === null) return false;
    if (typeof v === 'string') return test(v);
    for (const x of v) if (x !== null && test(x)) return true;
    return false;
  };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Glob tokens → the fastest equivalent string test. */
export function globTest(tokens: GlobToken[]): StrTest {
  const lits = tokens.filter((t): t is string => typeof t === 'string');
  const shape = tokens.map((t) => (typeof t === 'string' ? 'L' : t === ANY ? '*' : '?')).join('');
  if (shape === '') return (s) => s === '';
  if (shape === 'L') return (s) => s === lits[0];
  if (shape === '*' || shape === '**') return () => true;
  if (shape === 'L*') return (s) => s.startsWith(lits[0]!);
  if (shape === '*L') return (s) => s.endsWith(lits[0]!);
  if (shape === '*L*') return (s) => s.includes(lits[0]!);
  const re = new RegExp(globSource(tokens), 'u');
  return (s) => re.test(s);
}

/** A glob as an anchored regular expression source (leading/trailing `*` left unanchored). */
function globSource(tokens: GlobToken[]): string {
  let t = tokens;
  const open = t[0] === ANY;
  const close = t.length > 0 && t[t.length - 1] === ANY;
  t = t.slice(open ? 1 : 0, close ? -1 : undefined);
  const body = t.map((x) => (typeof x === 'string' ? escapeRe(x) : x === ANY ? '[\\s\\S]*' : '[\\s\\S]')).join('');
  return (open ? '' : '^') + body + (close ? '' : '$');
}

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
/** A numeric reading of text, as TRY_CAST(x AS DOUBLE): NaN when it is not a number. */
export const toNumber = (s: string) => (NUMBER.test(s) ? Number(s) : NaN);

export function compileJs(p: Pred, slots: FieldSlots): Matcher {
  switch (p.k) {
    case 'const':
      return p.value ? () => true : () => false;
    case 'and': {
      const ms = p.items.map((x) => compileJs(x, slots));
      if (ms.length === 2) {
        const [a, b] = ms as [Matcher, Matcher];
        return (e) => a(e) && b(e);
      }
      return (e) => {
        for (const m of ms) if (!m(e)) return false;
        return true;
      };
    }
    case 'or': {
      // Many globs on one field (user-agent lists, name lists) become one regular expression: one pass per value.
      const globs = new Map<string, { field: string; cased: boolean; tokens: GlobToken[][] }>();
      const rest: Pred[] = [];
      for (const x of p.items) {
        if (x.k !== 'glob') {
          rest.push(x);
          continue;
        }
        const key = `${x.cased}\n${x.field}`;
        const g = globs.get(key) ?? { field: x.field, cased: x.cased, tokens: [] };
        g.tokens.push(x.cased ? x.tokens : x.tokens.map((t) => (typeof t === 'string' ? t.toLowerCase() : t)));
        globs.set(key, g);
      }
      const ms: Matcher[] = rest.map((x) => compileJs(x, slots));
      for (const g of globs.values()) {
        if (g.tokens.length < 4) {
          for (const tokens of g.tokens) ms.push(onValue(slots.slot(g.field), g.cased, globTest(tokens)));
          continue;
        }
        const re = new RegExp(g.tokens.map((t) => `(?:${globSource(t)})`).join('|'), 'u');
        ms.push(onValue(slots.slot(g.field), g.cased, (s) => re.test(s)));
      }
      return (e) => {
        for (const m of ms) if (m(e)) return true;
        return false;
      };
    }
    case 'not': {
      const m = compileJs(p.item, slots);
      return (e) => !m(e);
    }
    case 'glob': {
      const tokens = p.cased ? p.tokens : p.tokens.map((t) => (typeof t === 'string' ? t.toLowerCase() : t));
      return onValue(slots.slot(p.field), p.cased, globTest(tokens));
    }
    case 're': {
      // The `u` flag is not used: RE2 (SQL side) and JS agree best on plain patterns.
      const re = new RegExp(p.source, p.flags);
      return onValue(slots.slot(p.field), true, (s) => re.test(s));
    }
    case 'cmp': {
      const n = p.value;
      const cmp: (x: number) => boolean =
        p.op === 'lt' ? (x) => x < n : p.op === 'lte' ? (x) => x <= n : p.op === 'gt' ? (x) => x > n : (x) => x >= n;
      return onValue(slots.slot(p.field), true, (s) => cmp(toNumber(s)));
    }
    case 'null': {
      const slot = slots.slot(p.field);
      return (e) => {
        const v = e.value(slot);
        return Array.isArray(v) ? v.every((x) => x === null) : v === null;
      };
    }
    case 'fieldref': {
      const a = slots.slot(p.field);
      const b = slots.slot(p.other);
      const mode = p.mode;
      return (e) => {
        const x = p.cased ? e.value(a) : e.lower(a);
        const y = p.cased ? e.value(b) : e.lower(b);
        if (typeof x !== 'string' || typeof y !== 'string') return false;
        return mode === 'eq' ? x === y : mode === 'startswith' ? x.startsWith(y) : mode === 'endswith' ? x.endsWith(y) : x.includes(y);
      };
    }
  }
}
