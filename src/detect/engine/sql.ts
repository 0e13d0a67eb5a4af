/**
 * Predicate → SQL boolean over cloudtrail_logs, in the Athena-compatible subset (dialect choices in dialect.ts).
 * Each leaf is COALESCE(..., FALSE) so NULLs (missing fields) give the same two-valued logic as the JS engine.
 */
import { sqlString } from '../../store/store.js';
import { duckdb, type Dialect } from '../dialect.js';
import { field, type FieldRef } from '../fields.js';
import { ANY, type GlobToken, type Pred } from '../ir.js';

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

/**
 * `expr` satisfies the glob (expr already lowercased when the glob is case-insensitive). Common shapes use
 * strpos/starts_with (fast in DuckDB, present in Athena); LIKE gets an ESCAPE clause only when it needs one
 * (DuckDB does not optimise LIKE ... ESCAPE).
 */
function globSql(expr: string, tokens: GlobToken[]): string {
  if (tokens.every((t) => typeof t === 'string')) return `${expr} = ${sqlString(tokens.join(''))}`;
  const shape = tokens.map((t) => (typeof t === 'string' ? 'L' : t === ANY ? '*' : '?')).join('');
  const lit = tokens.find((t): t is string => typeof t === 'string') ?? '';
  if (shape === '*' || shape === '**') return `${expr} IS NOT NULL`;
  if (shape === '*L*') return `strpos(${expr}, ${sqlString(lit)}) > 0`;
  if (shape === 'L*') return `starts_with(${expr}, ${sqlString(lit)})`;
  const literals = tokens.filter((t): t is string => typeof t === 'string').join('');
  const escape = /[\\%_]/.test(literals);
  const pattern = tokens.map((t) => (typeof t === 'string' ? (escape ? likeEscape(t) : t) : t === ANY ? '%' : '_')).join('');
  return `${expr} LIKE ${sqlString(pattern)}${escape ? " ESCAPE '\\'" : ''}`;
}

/**
 * How a predicate reads a field's value and its lowercase form. The default inlines the expressions; the hunt
 * computes each once per row in a subquery and passes their column names (one JSON parse per field, not per rule).
 */
export interface Columns {
  value(ref: FieldRef): string;
  lower(ref: FieldRef): string;
}

/** A field's SQL in dialect `d`. */
export const sqlOf = (ref: FieldRef, d: Dialect): string => (ref.sqlIn ? ref.sqlIn(d) : ref.sql);

/** Columns read inline, in dialect `d`. */
export const inline = (d: Dialect): Columns => ({ value: (ref) => sqlOf(ref, d), lower: (ref) => `lower(${sqlOf(ref, d)})` });

export const INLINE: Columns = inline(duckdb);

/** A leaf on a field: applied to the value, or to any element for list fields. */
function onValue(ref: FieldRef, test: (v: string) => string, cols: Columns, d: Dialect, lowered = false): string {
  if (!ref.list) return `COALESCE(${test(lowered ? cols.lower(ref) : cols.value(ref))}, FALSE)`;
  const el = `v.${ref.listField}`;
  return `COALESCE(${d.anyMatch(ref.sql, 'v', test(lowered ? `lower(${el})` : el))}, FALSE)`;
}

function flagsPrefix(flags: string): string {
  const f = [...new Set(flags.split(''))].filter((c) => 'ims'.includes(c)).sort().join('');
  return f ? `(?${f})` : '';
}

const num = (n: number) => (Number.isInteger(n) ? `${n}` : `${n}`);

/** `cols` must read fields in dialect `d` (the default pair is the local lake's). */
export function compileSql(p: Pred, cols: Columns = INLINE, d: Dialect = duckdb): string {
  const rec = (x: Pred) => compileSql(x, cols, d);
  switch (p.k) {
    case 'const':
      return p.value ? 'TRUE' : 'FALSE';
    case 'and':
      return `(${p.items.map(rec).join(' AND ')})`;
    case 'or':
      return `(${p.items.map(rec).join(' OR ')})`;
    case 'not':
      return `(NOT ${rec(p.item)})`;
    case 'glob': {
      const tokens = p.cased ? p.tokens : p.tokens.map((t) => (typeof t === 'string' ? t.toLowerCase() : t));
      return onValue(field(p.field), (v) => globSql(v, tokens), cols, d, !p.cased);
    }
    case 're':
      return onValue(field(p.field), (v) => d.regexp(v, flagsPrefix(p.flags) + p.source), cols, d);
    case 'cmp': {
      const op = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[p.op];
      return onValue(field(p.field), (v) => `TRY_CAST(${v} AS DOUBLE) ${op} ${num(p.value)}`, cols, d);
    }
    case 'null': {
      const ref = field(p.field);
      if (!ref.list) return `(${cols.value(ref)} IS NULL)`;
      return `(NOT ${onValue(ref, (v) => `${v} IS NOT NULL`, cols, d)})`;
    }
    case 'fieldref': {
      const a = field(p.field);
      const b = field(p.other);
      const x = p.cased ? cols.value(a) : cols.lower(a);
      const y = p.cased ? cols.value(b) : cols.lower(b);
      const body =
        p.mode === 'eq'
          ? `${x} = ${y}`
          : p.mode === 'contains'
            ? `strpos(${x}, ${y}) > 0`
            : p.mode === 'startswith'
              ? `strpos(${x}, ${y}) = 1`
              : `(length(${x}) >= length(${y}) AND substr(${x}, length(${x}) - length(${y}) + 1) = ${y})`;
      return `COALESCE(${body}, FALSE)`;
    }
  }
}
