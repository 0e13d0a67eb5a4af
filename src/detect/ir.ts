/**
 * The one rule model: every rule (Sigma or native) compiles to this predicate tree, and both engines are
 * generated from it (engine/js.ts for streams, engine/sql.ts for the lake), so they cannot drift apart.
 * Leaves on a null/missing value are false; `not` is plain boolean negation (the SQL side wraps each leaf in
 * COALESCE(..., FALSE) to get the same two-valued logic).
 */

/** A glob: literal text and wildcards (ANY = `*`, ONE = `?`). */
export const ANY = 0;
export const ONE = 1;
export type GlobToken = string | typeof ANY | typeof ONE;

export type Pred =
  | { k: 'and'; items: Pred[] }
  | { k: 'or'; items: Pred[] }
  | { k: 'not'; item: Pred }
  | { k: 'const'; value: boolean }
  | { k: 'glob'; field: string; tokens: GlobToken[]; cased: boolean }
  | { k: 're'; field: string; source: string; flags: string }
  | { k: 'cmp'; field: string; op: 'lt' | 'lte' | 'gt' | 'gte'; value: number }
  | { k: 'null'; field: string }
  | { k: 'fieldref'; field: string; other: string; mode: 'eq' | 'startswith' | 'endswith' | 'contains'; cased: boolean };

export const TRUE: Pred = { k: 'const', value: true };
export const FALSE: Pred = { k: 'const', value: false };

export function and(items: Pred[]): Pred {
  const flat: Pred[] = [];
  for (const p of items) {
    if (p.k === 'const') {
      if (!p.value) return FALSE;
      continue;
    }
    if (p.k === 'and') flat.push(...p.items);
    else flat.push(p);
  }
  if (flat.length === 0) return TRUE;
  return flat.length === 1 ? flat[0]! : { k: 'and', items: flat };
}

export function or(items: Pred[]): Pred {
  const flat: Pred[] = [];
  for (const p of items) {
    if (p.k === 'const') {
      if (p.value) return TRUE;
      continue;
    }
    if (p.k === 'or') flat.push(...p.items);
    else flat.push(p);
  }
  if (flat.length === 0) return FALSE;
  return flat.length === 1 ? flat[0]! : { k: 'or', items: flat };
}

export function not(item: Pred): Pred {
  if (item.k === 'const') return { k: 'const', value: !item.value };
  if (item.k === 'not') return item.item;
  return { k: 'not', item };
}

/** Parses a Sigma string value into a glob: `*` and `?` are wildcards, `\*` `\?` `\\` escapes (spec: Escaping). */
export function parseGlob(s: string): GlobToken[] {
  const out: GlobToken[] = [];
  let lit = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      const n = s[i + 1];
      // Only \*, \? and \\ are escapes; a lone backslash stays literal (Windows paths).
      if (n === '*' || n === '?' || n === '\\') {
        lit += n;
        i++;
        continue;
      }
      lit += c;
    } else if (c === '*' || c === '?') {
      if (lit) out.push(lit);
      lit = '';
      out.push(c === '*' ? ANY : ONE);
    } else lit += c;
  }
  if (lit) out.push(lit);
  return out;
}

/** A glob matching the text literally. */
export const literal = (s: string): GlobToken[] => (s ? [s] : []);

/** Every field a predicate reads. */
export function fieldsOf(p: Pred, out = new Set<string>()): Set<string> {
  switch (p.k) {
    case 'and':
    case 'or':
      p.items.forEach((x) => fieldsOf(x, out));
      break;
    case 'not':
      fieldsOf(p.item, out);
      break;
    case 'const':
      break;
    case 'fieldref':
      out.add(p.field).add(p.other);
      break;
    default:
      out.add(p.field);
  }
  return out;
}

/** Lowercased eventName values a predicate requires (a top-level conjunct), or undefined when it has none. */
export function requiredEventNames(p: Pred): string[] | undefined {
  const conj = p.k === 'and' ? p.items : [p];
  for (const c of conj) {
    const alts = c.k === 'or' ? c.items : [c];
    const names: string[] = [];
    for (const a of alts) {
      if (a.k === 'glob' && a.field === 'eventName' && a.tokens.length === 1 && typeof a.tokens[0] === 'string')
        names.push(a.cased ? a.tokens[0] : a.tokens[0].toLowerCase());
      else {
        names.length = 0;
        break;
      }
    }
    // Only when every alternative is an exact, case-insensitive eventName (cased ones are rare; skip them).
    if (names.length && alts.every((a) => a.k === 'glob' && !a.cased)) return names;
  }
  return undefined;
}
