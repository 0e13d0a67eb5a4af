/**
 * Every SQL construct whose spelling differs between DuckDB (the embedded lake) and Athena (Trino) lives here,
 * so hunts and access reviews move to Athena by choosing a dialect. Everything else the SQL engines write is the
 * common subset: LIKE ... ESCAPE, lower(), strpos, starts_with, COALESCE, CASE, TRY_CAST, CROSS JOIN UNNEST,
 * window functions with RANGE frames, joins.
 *
 * `athena` is written in the intersection of Trino and DuckDB with the compat macros (src/lake/compat.ts), so the
 * very text sent to Athena also runs on the local lake (the tests prove it rule by rule). `duckdb` is the fast
 * local spelling of the same meaning (native JSON and list functions, no macro indirection).
 */
import { sqlString } from '../store/store.js';

export interface Dialect {
  name: 'duckdb' | 'athena';
  /** A string value of a key path inside a JSON column (objects and arrays come back as their JSON text). */
  jsonString(column: string, path: string[]): string;
  /** The whole JSON column as text. */
  jsonText(column: string): string;
  /** Regular-expression search (partial match, like RegExp.test); flags are inline `(?ims)`. */
  regexp(expr: string, pattern: string): string;
  /** TRUE when any element `v` of list `list` satisfies `pred` (written in terms of `v`). */
  anyMatch(list: string, v: string, pred: string): string;
  /** Whole seconds since the epoch of an ISO-8601 CloudTrail eventTime (NULL when it does not parse). */
  epochSeconds(expr: string): string;
  /** A list built from the non-null values of `items` (strings). */
  nonNullList(items: string[]): string;
  /** An empty list of strings, and two lists joined. */
  emptyList: string;
  concatLists(a: string, b: string): string;
  /**
   * A list of structs as JSON text, for transport: elements are objects, or arrays by field position where the
   * engine casts rows that way (older Trino); `listValues` in src/detect/hunt.ts reads both.
   */
  listJson(list: string): string;
  /** Number of elements of a list. */
  listLength(list: string): string;
  /** The integers from..to as a list (to >= from); with `list[i]` it walks a list of structs in both engines. */
  series(from: string, to: string): string;
}

/** JSON path segments, DuckDB's spelling: simple keys bare, others quoted (keys stay case-sensitive). */
function duckPath(path: string[]): string {
  return '$' + path.map((k) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `."${k.replaceAll('"', '\\"')}"`)).join('');
}

/** JSON path segments, Trino's spelling: simple keys bare, others in `["..."]` (the compat macros read it too). */
function trinoPath(path: string[]): string {
  return '$' + path.map((k) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `["${k.replaceAll('"', '\\"')}"]`)).join('');
}

export const duckdb: Dialect = {
  name: 'duckdb',
  jsonString: (column, path) => `json_extract_string(${column}, ${sqlString(duckPath(path))})`,
  jsonText: (column) => `CAST(${column} AS VARCHAR)`,
  // regexp_matches has regexp_like's partial-match semantics (RE2).
  regexp: (expr, pattern) => `regexp_matches(${expr}, ${sqlString(pattern)})`,
  anyMatch: (list, v, pred) => `(len(list_filter(${list}, ${v} -> COALESCE(${pred}, FALSE))) > 0)`,
  epochSeconds: (expr) => `CAST(epoch(TRY_CAST(${expr} AS TIMESTAMPTZ)) AS BIGINT)`,
  nonNullList: (items) => `list_filter([${items.join(', ')}], x -> x IS NOT NULL)`,
  emptyList: 'CAST([] AS VARCHAR[])',
  concatLists: (a, b) => `list_concat(${a}, ${b})`,
  listJson: (list) => `CAST(to_json(${list}) AS VARCHAR)`,
  listLength: (list) => `len(${list})`,
  series: (from, to) => `generate_series(${from}, ${to})`,
};

export const athena: Dialect = {
  name: 'athena',
  // json_extract_scalar gives strings, numbers and booleans as text and NULL for objects and arrays, which then
  // come back as their JSON text (what json_extract_string does); a JSON null stays NULL.
  jsonString: (column, path) => {
    const p = sqlString(trinoPath(path));
    return `COALESCE(json_extract_scalar(${column}, ${p}), NULLIF(json_format(json_extract(${column}, ${p})), 'null'))`;
  },
  // Athena's CloudTrail table holds these columns as JSON text already; the cast is a no-op there.
  jsonText: (column) => `CAST(${column} AS VARCHAR)`,
  regexp: (expr, pattern) => `regexp_like(${expr}, ${sqlString(pattern)})`,
  // any_match and transform take lambdas, which DuckDB macros cannot; filter + cardinality exist in both.
  anyMatch: (list, v, pred) => `(cardinality(filter(${list}, ${v} -> COALESCE(${pred}, FALSE))) > 0)`,
  epochSeconds: (expr) => `try(CAST(floor(to_unixtime(from_iso8601_timestamp(${expr}))) AS BIGINT))`,
  nonNullList: (items) => `filter(ARRAY[${items.join(', ')}], x -> x IS NOT NULL)`,
  // An empty ARRAY[] has no element type in DuckDB; filtering out a typed NULL gives one in both engines.
  emptyList: 'filter(ARRAY[CAST(NULL AS VARCHAR)], x -> x IS NOT NULL)',
  concatLists: (a, b) => `(${a} || ${b})`,
  listJson: (list) => `json_format(CAST(${list} AS JSON))`,
  listLength: (list) => `cardinality(${list})`,
  series: (from, to) => `sequence(${from}, ${to})`,
};

export const dialects = { duckdb, athena } as const;

/** The dialect the local lake runs by default. */
export const dialect: Dialect = duckdb;

/**
 * Local only: every row of `from` as one JSON text of arrays of `cols`, ordered — far faster than converting
 * thousands of rows value by value through the client API.
 */
export function localRowsAsJson(cols: string[], orderBy: string, from: string): string {
  return `SELECT CAST(to_json(list(json_array(${cols.join(', ')}) ORDER BY ${orderBy})) AS VARCHAR) AS j FROM (${from}) q`;
}
