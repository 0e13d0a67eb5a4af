/**
 * Every SQL construct whose spelling differs between DuckDB (the embedded lake) and Athena (Trino) lives here,
 * so hunts can move to Athena by swapping this one module. Everything else the SQL engine writes is the common
 * subset: LIKE ... ESCAPE, lower(), COALESCE, CASE, TRY_CAST, window functions with RANGE frames, joins.
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
  /** Seconds since the epoch of an ISO-8601 CloudTrail eventTime. */
  epochSeconds(expr: string): string;
  /** A list built from the non-null values of `items`. */
  nonNullList(items: string[]): string;
  /** An empty list of strings, and two lists joined. */
  emptyList: string;
  concatLists(a: string, b: string): string;
  /** Elements of list `list` as strings, joined into one text for transport. */
  listText(list: string, field: string): string;
  /** One JSON text holding all rows of `from` as arrays of `cols`, ordered (transport to the client). */
  rowsAsJson(cols: string[], orderBy: string, from: string): string;
}

/** JSON path segments: simple keys bare, others quoted (keys stay case-sensitive, as CloudTrail writes them). */
function jsonPath(path: string[]): string {
  return '$' + path.map((k) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `."${k.replaceAll('"', '\\"')}"`)).join('');
}

export const duckdb: Dialect = {
  name: 'duckdb',
  jsonString: (column, path) => `json_extract_string(${column}, ${sqlString(jsonPath(path))})`,
  jsonText: (column) => `CAST(${column} AS VARCHAR)`,
  // Athena: regexp_like(expr, pattern). DuckDB's regexp_matches has the same partial-match semantics (RE2).
  regexp: (expr, pattern) => `regexp_matches(${expr}, ${sqlString(pattern)})`,
  // Athena: any_match(list, v -> pred)
  anyMatch: (list, v, pred) => `(len(list_filter(${list}, ${v} -> COALESCE(${pred}, FALSE))) > 0)`,
  // Athena: to_unixtime(from_iso8601_timestamp(expr))
  epochSeconds: (expr) => `CAST(epoch(TRY_CAST(${expr} AS TIMESTAMPTZ)) AS BIGINT)`,
  // Athena: filter(ARRAY[...], x -> x IS NOT NULL)
  nonNullList: (items) => `list_filter([${items.join(', ')}], x -> x IS NOT NULL)`,
  // Athena: CAST(ARRAY[] AS ARRAY(VARCHAR)), concat(a, b)
  emptyList: 'CAST([] AS VARCHAR[])',
  concatLists: (a, b) => `list_concat(${a}, ${b})`,
  // Athena: array_join(transform(list, r -> r.field), chr(31))
  listText: (list, field) => `array_to_string(list_transform(${list}, r -> r.${field}), chr(31))`,
  // Athena: CAST(array_agg(ARRAY[...] ORDER BY ...) AS JSON)
  rowsAsJson: (cols, orderBy, from) => `SELECT CAST(to_json(list(json_array(${cols.join(', ')}) ORDER BY ${orderBy})) AS VARCHAR) AS j FROM (${from}) q`,
};

export const dialect: Dialect = duckdb;
