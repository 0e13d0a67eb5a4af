/**
 * Rule fields are CloudTrail JSON paths (camelCase, dotted into nested objects). Both engines read a field the
 * same way, defined once here from the lake's RECORD_FIELDS:
 * - a struct leaf (userIdentity.arn) is a string, as the lake stores it (numbers and booleans as text);
 * - a path into a JSON column (requestParameters.bucketName) is the string at that key, objects/arrays as JSON
 *   text, as json_extract_string returns them; keys stay case-sensitive;
 * - resources.<field> is a list (a condition holds when any element satisfies it);
 * - missing anywhere along the path = null. Nothing here throws on odd events.
 */
import { RECORD_FIELDS } from '../lake/schema.js';
import { dialect, type Dialect } from './dialect.js';

interface SchemaField {
  key: string;
  type: string | SchemaField[];
  list?: boolean;
  column?: string;
}

export type Value = string | null;

export interface FieldRef {
  /** Canonical dotted path (the record's JSON keys). */
  path: string;
  /** A list field: the value is one string per element. */
  list: boolean;
  /** Reads the value from a parsed record. */
  get(rec: Record<string, unknown>): Value | Value[];
  /** SQL expression for the value (for lists: the list column and the element's field). */
  sql: string;
  /** The same expression in another SQL dialect (differs only for paths into JSON columns). */
  sqlIn?(d: Dialect): string;
  listField?: string;
  /** Not a field of CloudTrail records as the lake stores them: always null (in both engines). */
  unknown?: boolean;
  /** A key path inside a JSON column (lets a hunt parse each JSON column once per row). */
  json?: { column: string; path: string[] };
}

export class FieldError extends Error {}

const colName = (f: SchemaField) => f.column ?? f.key.toLowerCase();

/** How the lake turns a JSON value into a VARCHAR (and json_extract_string into text). */
export function toText(v: unknown): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

function walk(v: unknown, keys: string[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

const cache = new Map<string, FieldRef>();

/** Resolves a rule field to its reader and SQL; unknown fields are errors (the lake could not answer them). */
export function field(path: string): FieldRef {
  const hit = cache.get(path);
  if (hit) return hit;
  const ref = resolve(path);
  cache.set(path, ref);
  return ref;
}

function findField(fields: SchemaField[], seg: string): SchemaField | undefined {
  // Exact JSON key first; Athena-style lowercase names are accepted as aliases.
  return fields.find((f) => f.key === seg) ?? fields.find((f) => f.key.toLowerCase() === seg.toLowerCase() || colName(f) === seg);
}

function resolve(path: string): FieldRef {
  const segs = path.split('.');
  if (segs.some((s) => s === '')) throw new FieldError(`field '${path}': empty path segment`);
  const top = findField(RECORD_FIELDS as SchemaField[], segs[0]!);
  // Rules written for other pipelines name fields CloudTrail does not have (SigmaHQ: `status`, `type`): such a
  // field is always missing, in the lake and therefore in the live engine too. Loading reports it as a warning.
  if (!top) return unknownField(path);
  const keys = [top.key];
  const sqlParts = [colName(top)];
  let f: SchemaField = top;
  let i = 1;
  while (typeof f.type !== 'string') {
    if (f.list) {
      const rest = segs.slice(i);
      if (rest.length !== 1) throw new FieldError(`field '${path}': give one field of ${f.key}[] (e.g. ${f.key}.${(f.type[0] as SchemaField).key})`);
      const leaf = findField(f.type, rest[0]!);
      if (!leaf || typeof leaf.type !== 'string') throw new FieldError(`field '${path}': '${rest[0]}' is not a field of ${f.key}`);
      const outer = [...keys];
      const key = leaf.key;
      return {
        path: [...outer, key].join('.'),
        list: true,
        listField: colName(leaf),
        sql: sqlParts.join('.'),
        get: (rec) => {
          const arr = walk(rec, outer);
          if (!Array.isArray(arr)) return [];
          return arr.map((el) => (el && typeof el === 'object' ? toText((el as Record<string, unknown>)[key]) : null));
        },
      };
    }
    if (i >= segs.length) throw new FieldError(`field '${path}': a struct; name one of its fields (e.g. ${path}.${(f.type[0] as SchemaField).key})`);
    const next = findField(f.type, segs[i]!);
    if (!next) return unknownField(path);
    keys.push(next.key);
    sqlParts.push(colName(next));
    f = next;
    i++;
  }
  if (f.type === 'JSON') {
    const inner = segs.slice(i);
    const all = [...keys, ...inner];
    const column = sqlParts.join('.');
    return {
      path: all.join('.'),
      list: false,
      json: inner.length ? { column, path: inner } : undefined,
      sql: inner.length ? dialect.jsonString(column, inner) : dialect.jsonText(column),
      sqlIn: (d) => (inner.length ? d.jsonString(column, inner) : d.jsonText(column)),
      get: (rec) => toText(walk(rec, all)),
    };
  }
  if (i < segs.length) {
    if (f.type.startsWith('MAP')) throw new FieldError(`field '${path}': map fields (${keys.join('.')}) are not supported in rules`);
    throw new FieldError(`field '${path}': ${keys.join('.')} is a string, it has no field '${segs[i]}'`);
  }
  if (f.type !== 'VARCHAR') throw new FieldError(`field '${path}': type ${f.type} is not supported in rules`);
  return { path: keys.join('.'), list: false, sql: sqlParts.join('.'), get: (rec) => toText(walk(rec, keys)) };
}

function unknownField(path: string): FieldRef {
  return { path, list: false, sql: 'CAST(NULL AS VARCHAR)', get: () => null, unknown: true };
}

/** Every field a keyword (a value without a field name) is searched in: all text fields and JSON columns. */
export function keywordFields(): FieldRef[] {
  const out: FieldRef[] = [];
  const visit = (fields: SchemaField[], prefix: string[]) => {
    for (const f of fields) {
      const p = [...prefix, f.key];
      if (f.type === 'VARCHAR' || f.type === 'JSON') out.push(field(p.join('.')));
      else if (Array.isArray(f.type) && !f.list) visit(f.type, p);
      else if (Array.isArray(f.type) && f.list) for (const x of f.type) if (x.type === 'VARCHAR') out.push(field([...p, x.key].join('.')));
    }
  };
  visit(RECORD_FIELDS as SchemaField[], []);
  return out;
}
