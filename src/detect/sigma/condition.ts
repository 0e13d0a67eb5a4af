/**
 * Sigma condition expressions (spec: Condition): identifiers, and/or/not, parentheses, `1 of x*`, `all of x*`,
 * `1 of them`, `all of them`. Precedence: not > and > or. The old aggregation pipe (`| count() by`) and `near`
 * are not part of Sigma v2; they are rejected by name (correlation rules replace them).
 */
import { and, not, or, type Pred } from '../ir.js';

export class ConditionError extends Error {}

type Tok = { t: 'id' | 'and' | 'or' | 'not' | 'lp' | 'rp' | 'of' | 'quant'; v: string };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(\(|\)|[^\s()]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(s))) {
    pos = re.lastIndex;
    const w = m[1]!;
    const lw = w.toLowerCase();
    if (w === '(') out.push({ t: 'lp', v: w });
    else if (w === ')') out.push({ t: 'rp', v: w });
    else if (lw === 'and' || lw === 'or' || lw === 'not' || lw === 'of') out.push({ t: lw as Tok['t'], v: lw });
    else if (lw === 'near') throw new ConditionError(`condition '${s}': 'near' is not supported (use a temporal correlation rule)`);
    else out.push({ t: 'id', v: w });
  }
  if (s.slice(pos).trim()) throw new ConditionError(`condition '${s}': cannot parse '${s.slice(pos)}'`);
  // `1 of` / `all of` / `any of`: the quantifier is the word before `of`.
  for (let i = 0; i + 1 < out.length; i++) if (out[i]!.t === 'id' && out[i + 1]!.t === 'of') out[i]!.t = 'quant';
  return out;
}

const globRe = (g: string) => new RegExp('^' + g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');

/** Parses a condition into a predicate over the rule's named search identifiers. */
export function parseCondition(src: string, searches: Map<string, Pred>): Pred {
  const toks = tokenize(src);
  let i = 0;
  const fail = (msg: string): never => {
    throw new ConditionError(`condition '${src}': ${msg}`);
  };
  const peek = () => toks[i];
  // or-chains of and-chains: precedence not > and > or.
  const chain = (op: 'and' | 'or', next: () => Pred, combine: (items: Pred[]) => Pred): Pred => {
    const items = [next()];
    while (peek()?.t === op) {
      i++;
      items.push(next());
    }
    return combine(items);
  };
  const orExpr = (): Pred => chain('or', andExpr, or);
  const andExpr = (): Pred => chain('and', notExpr, and);
  const notExpr = (): Pred => {
    if (peek()?.t === 'not') {
      i++;
      return not(notExpr());
    }
    return atom();
  };
  const atom = (): Pred => {
    const t = toks[i++];
    if (!t) return fail('ends too early');
    if (t.t === 'lp') {
      const p = orExpr();
      if (toks[i++]?.t !== 'rp') fail("missing ')'");
      return p;
    }
    if (t.t === 'quant') {
      i++; // 'of'
      const target = toks[i++];
      if (!target || target.t !== 'id') return fail(`'${t.v} of' needs an identifier pattern or 'them'`);
      const names =
        target.v === 'them' ? [...searches.keys()].filter((n) => !n.startsWith('_')) : [...searches.keys()].filter((n) => globRe(target.v).test(n));
      if (names.length === 0) fail(`'${t.v} of ${target.v}' matches no search identifier`);
      const preds = names.map((n) => searches.get(n)!);
      const q = t.v.toLowerCase();
      if (q === '1' || q === 'any') return or(preds);
      if (q === 'all') return and(preds);
      return fail(`quantifier '${t.v} of' is not Sigma (use '1 of' or 'all of')`);
    }
    if (t.t === 'id') {
      const p = searches.get(t.v);
      if (!p) fail(`unknown search identifier '${t.v}'`);
      return p!;
    }
    return fail(`unexpected '${t.v}'`);
  };
  const p = orExpr();
  if (i < toks.length) fail(`unexpected '${toks[i]!.v}'`);
  return p;
}
