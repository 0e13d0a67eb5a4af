/**
 * Athena (Trino/Presto) compatibility for the lake: SQL written for Athena's CloudTrail table runs unchanged on
 * DuckDB. Each Trino function DuckDB lacks, or spells or means differently, becomes a TEMP macro on the connection
 * (temp objects need no write access, so read-only stores get them too).
 *
 * DuckDB resolves a temp macro before a built-in of the same name, so a macro can shadow a built-in; the built-in
 * stays reachable as `system.main.<name>` (used inside the bodies below to avoid recursion). Shadowing is used
 * only where Trino's meaning differs and Athena's must win on this connection:
 * - date_add(unit, n, ts)   Trino's argument order; DuckDB's date_add(ts, interval) still works (2-argument form).
 * - date_diff(unit, a, b)   Trino counts whole units elapsed (DuckDB's date_sub), not boundaries crossed.
 * - regexp_replace(s, p[, r]) Trino replaces every match and writes groups as $1; DuckDB's 4-argument form
 *                           (options g, i, m, s) is kept.
 * - replace(s, x)           Trino's 2-argument form removes x; the 3-argument form is DuckDB's, unchanged.
 * - cardinality(array)      Trino's cardinality of arrays (DuckDB's takes only maps; maps are not supported here).
 * Known differences no macro bridges: CAST(json AS VARCHAR) keeps a JSON string's quotes (Trino unquotes it; use
 * json_extract_scalar); to_iso8601(date) returns a timestamp's text; date_parse needs a constant format; Trino's
 * `$["key"]` JSONPath is understood by json_extract_scalar, json_extract and json_size; Joda-style
 * format_datetime/parse_datetime are absent. try(expr) exists in both (DuckDB 1.5 has it built in).
 * The session time zone is set to UTC, as on Athena, so date_trunc and date_format see UTC days.
 */
import type { Store } from '../store/store.js';

/** One Trino function as a DuckDB macro: one body per arity (DuckDB macros overload by parameter count). */
export interface CompatMacro {
  name: string;
  /** [parameters, body] per overload. Parameters start with `_` so they never capture a column name. */
  overloads: [params: string[], body: string][];
  doc: string;
  /**
   * Created first with a NULL body, and for real once every other macro exists. DuckDB binds a macro's body when
   * it is created, and strptime refuses a format that is not a constant then; a placeholder lets date_parse be
   * created, and at call time its (constant) format folds before strptime sees it.
   */
  deferred?: boolean;
}

/** Trino date_format/date_parse (MySQL-style) specifiers → DuckDB strftime/strptime ones. */
const MYSQL_FORMAT: [string, string][] = [
  ['%a', '%a'],
  ['%b', '%b'],
  ['%c', '%-m'],
  ['%d', '%d'],
  ['%e', '%-d'],
  ['%f', '%f'],
  ['%H', '%H'],
  ['%h', '%I'],
  ['%I', '%I'],
  ['%i', '%M'],
  ['%j', '%j'],
  ['%k', '%-H'],
  ['%l', '%-I'],
  ['%M', '%B'],
  ['%m', '%m'],
  ['%p', '%p'],
  ['%r', '%I:%M:%S %p'],
  ['%S', '%S'],
  ['%s', '%S'],
  ['%T', '%H:%M:%S'],
  ['%v', '%V'],
  ['%W', '%A'],
  ['%Y', '%Y'],
  ['%y', '%y'],
];

/**
 * SQL that rewrites a MySQL-style format (expression `f`) into a strftime one. Each specifier is replaced by a
 * marker (chr(1)) + the target letter, so a later replacement never re-reads an earlier result; `%%` is parked
 * on chr(2) first. The markers become `%` (and `%%`) at the end.
 */
function mysqlToStrftime(f: string): string {
  const rep = (e: string, from: string, to: string) => `system.main.replace(${e}, ${from}, ${to})`;
  const marked = (spec: string) => `'${spec.replaceAll('%', "' || chr(1) || '")}'`;
  let e = rep(f, "'%%'", 'chr(2)');
  for (const [from, to] of MYSQL_FORMAT) e = rep(e, `'${from}'`, marked(to));
  return rep(rep(e, 'chr(1)', "'%'"), 'chr(2)', "'%%'");
}

/**
 * DuckDB's regexp_replace(s, p, r, options) as a macro: DuckDB wants the options constant when the macro is
 * created, so each combination of g, i, m and s gets its own branch with constant options.
 */
function regexpReplaceWithOptions(): string {
  const combos = [''];
  for (const flag of ['g', 'i', 'm', 's']) combos.push(...combos.map((c) => c + flag));
  const key = "array_to_string(list_sort(string_split(_o, '')), '')";
  const branches = combos.map((c) => `WHEN '${c}' THEN system.main.regexp_replace(_s, _p, _r, '${c}')`);
  return `CASE ${key} ${branches.join(' ')} END`;
}

/** Trino JSONPath `$["key"]` / `$['key']` → DuckDB's `$."key"`; dotted and indexed paths pass through. */
const jsonPath = (p: string) => String.raw`system.main.regexp_replace(${p}, '\[\s*["'']([^"'']*)["'']\s*\]', '."\1"', 'g')`;

/** The scheme://[user@]host[:port] part of a URL: group 1 is the host. */
const URL_HOST = String.raw`'^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^:/?#]+)'`;

export const COMPAT_MACROS: CompatMacro[] = [
  // JSON
  {
    name: 'json_extract_scalar',
    overloads: [
      [
        ['_j', '_p'],
        `CASE WHEN json_type(_j, ${jsonPath('_p')}) IN ('OBJECT', 'ARRAY') THEN NULL ELSE json_extract_string(_j, ${jsonPath('_p')}) END`,
      ],
    ],
    doc: 'The scalar (string, number, boolean) at a JSONPath as VARCHAR; NULL for objects, arrays and missing keys.',
  },
  {
    name: 'json_array_contains',
    overloads: [[['_j', '_v'], "list_contains(json_extract_string(_j, '$[*]'), CAST(_v AS VARCHAR))"]],
    doc: 'Whether a JSON array holds a value.',
  },
  {
    name: 'json_array_get',
    overloads: [[['_j', '_i'], "json_extract(_j, CASE WHEN _i < 0 THEN '$[#' || _i || ']' ELSE '$[' || _i || ']' END)"]],
    doc: 'Element i (0-based, negative from the end) of a JSON array, as JSON.',
  },
  {
    name: 'json_extract',
    overloads: [[['_j', '_p'], `system.main.json_extract(_j, ${jsonPath('_p')})`]],
    doc: 'The JSON value at a JSONPath (Trino\'s `$["key"]` understood too).',
  },
  { name: 'json_parse', overloads: [[['_s'], 'json(_s)']], doc: 'Text to JSON.' },
  { name: 'json_format', overloads: [[['_j'], 'CAST(json(_j) AS VARCHAR)']], doc: 'JSON to text.' },
  {
    name: 'json_size',
    overloads: [
      [
        ['_j', '_p'],
        `CASE json_type(_j, ${jsonPath('_p')}) WHEN 'ARRAY' THEN json_array_length(_j, ${jsonPath('_p')}) WHEN 'OBJECT' THEN len(json_keys(_j, ${jsonPath('_p')})) WHEN NULL THEN NULL ELSE 0 END`,
      ],
    ],
    doc: 'Elements of the array or keys of the object at a path (0 for scalars).',
  },
  // Time
  {
    name: 'from_iso8601_timestamp',
    overloads: [[['_s'], 'CAST(_s AS TIMESTAMPTZ)']],
    doc: "ISO-8601 text ('2024-03-01T12:00:00Z', fractional seconds, offsets) to TIMESTAMP WITH TIME ZONE.",
  },
  { name: 'from_iso8601_date', overloads: [[['_s'], 'CAST(_s AS DATE)']], doc: "ISO-8601 day ('2024-03-01') to DATE." },
  {
    name: 'to_iso8601',
    overloads: [[['_t'], "strftime(timezone('UTC', CAST(_t AS TIMESTAMPTZ)), '%Y-%m-%dT%H:%M:%S.%gZ')"]],
    doc: "A time as ISO-8601 text in UTC ('2024-03-01T12:00:00.000Z').",
  },
  { name: 'from_unixtime', overloads: [[['_n'], 'to_timestamp(_n)']], doc: 'Seconds since the epoch to TIMESTAMPTZ.' },
  { name: 'to_unixtime', overloads: [[['_t'], 'epoch(_t)']], doc: 'A time to seconds since the epoch (DOUBLE).' },
  {
    name: 'date_format',
    overloads: [[['_t', '_f'], `strftime(_t, ${mysqlToStrftime('_f')})`]],
    doc: 'Format a time with MySQL-style specifiers (%Y %m %d %H %i %s %T ...).',
  },
  {
    name: 'date_parse',
    overloads: [[['_s', '_f'], `vigil_strptime(_s, ${mysqlToStrftime('_f')})`]],
    doc: 'Parse text with MySQL-style specifiers (a constant format) to TIMESTAMP.',
  },
  { name: 'vigil_strptime', overloads: [[['_s', '_f'], 'strptime(_s, _f)']], doc: 'strptime, for date_parse.', deferred: true },
  {
    name: 'date_add',
    overloads: [
      [['_t', '_i'], '_t + _i'],
      [['_u', '_n', '_t'], "_t + _n * CAST('1 ' || _u AS INTERVAL)"],
    ],
    doc: "Trino's date_add(unit, n, time) (n may be negative); DuckDB's date_add(time, interval) still works.",
  },
  {
    name: 'date_diff',
    overloads: [[['_u', '_a', '_b'], 'system.main.date_sub(_u, _a, _b)']],
    doc: "Trino's date_diff(unit, a, b): whole units from a to b.",
  },
  { name: 'day_of_week', overloads: [[['_t'], 'isodow(_t)']], doc: 'ISO day of week, Monday = 1.' },
  { name: 'day_of_year', overloads: [[['_t'], 'dayofyear(_t)']], doc: 'Day of the year.' },
  // Strings and regular expressions
  { name: 'regexp_like', overloads: [[['_s', '_p'], 'regexp_matches(_s, _p)']], doc: 'Whether the pattern matches part of the text.' },
  {
    name: 'regexp_replace',
    overloads: [
      [['_s', '_p'], "system.main.regexp_replace(_s, _p, '', 'g')"],
      [['_s', '_p', '_r'], String.raw`system.main.regexp_replace(_s, _p, system.main.regexp_replace(_r, '\$(\d)', '\\\1', 'g'), 'g')`],
      [['_s', '_p', '_r', '_o'], regexpReplaceWithOptions()],
    ],
    doc: "Trino's regexp_replace: every match, $1 for groups; DuckDB's 4-argument form (options g, i, m, s) unchanged.",
  },
  {
    name: 'replace',
    overloads: [
      [['_s', '_x'], "system.main.replace(_s, _x, '')"],
      [['_s', '_x', '_r'], 'system.main.replace(_s, _x, _r)'],
    ],
    doc: "replace(s, x) removes x, as in Trino; replace(s, x, r) is unchanged.",
  },
  { name: 'codepoint', overloads: [[['_c'], 'unicode(_c)']], doc: 'Unicode code point of a character.' },
  { name: 'url_extract_host', overloads: [[['_u'], `nullif(regexp_extract(_u, ${URL_HOST}, 1), '')`]], doc: 'Host of a URL.' },
  {
    name: 'url_extract_path',
    overloads: [[['_u'], String.raw`regexp_extract(_u, '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*([^?#]*)', 1)`]],
    doc: 'Path of a URL.',
  },
  {
    name: 'url_extract_protocol',
    overloads: [[['_u'], `nullif(regexp_extract(_u, '^([A-Za-z][A-Za-z0-9+.-]*)://', 1), '')`]],
    doc: 'Scheme of a URL.',
  },
  // Arrays
  {
    name: 'array_join',
    overloads: [
      [['_a', '_sep'], 'array_to_string(_a, _sep)'],
      [['_a', '_sep', '_null'], 'array_to_string(list_transform(_a, _x -> coalesce(CAST(_x AS VARCHAR), _null)), _sep)'],
    ],
    doc: 'Join array elements into text (nulls skipped, or replaced by the third argument).',
  },
  { name: 'cardinality', overloads: [[['_a'], 'len(_a)']], doc: 'Number of elements of an array.' },
  { name: 'sequence', overloads: [[['_a', '_b'], 'generate_series(_a, _b)']], doc: 'The integers from a to b as an array.' },
  { name: 'element_at', overloads: [[['_a', '_k'], '_a[_k]']], doc: 'Element of an array (1-based, negative from the end) or value of a map key.' },
  { name: 'array_max', overloads: [[['_a'], 'list_max(_a)']], doc: 'Largest element.' },
  { name: 'array_min', overloads: [[['_a'], 'list_min(_a)']], doc: 'Smallest element.' },
  // Aggregates
  { name: 'approx_distinct', overloads: [[['_x'], 'approx_count_distinct(_x)']], doc: 'Approximate count of distinct values.' },
  { name: 'approx_percentile', overloads: [[['_x', '_p'], 'approx_quantile(_x, _p)']], doc: 'Approximate percentile (p in 0..1).' },
];

function macroSql(m: CompatMacro, placeholder = false): string {
  const bodies = m.overloads.map(([params, body]) => `(${params.join(', ')}) AS ${placeholder ? 'NULL' : body}`);
  return `CREATE OR REPLACE TEMP MACRO ${m.name}${bodies.join(', ')}`;
}

/** All of COMPAT_MACROS as one script (also what `installCompat` runs). */
export function compatSql(): string {
  const deferred = COMPAT_MACROS.filter((m) => m.deferred);
  return [
    "SET TimeZone = 'UTC'",
    ...deferred.map((m) => macroSql(m, true)),
    ...COMPAT_MACROS.filter((m) => !m.deferred).map((m) => macroSql(m)),
    ...deferred.map((m) => macroSql(m)),
  ].join(';\n') + ';';
}

/** Installs the Athena compatibility macros on the store's connection (works on read-only stores). */
export async function installCompat(store: Store): Promise<void> {
  await store.run(compatSql());
}
