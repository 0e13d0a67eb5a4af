/**
 * Warm-up: a restarted daemon replays the last minutes of the lake into the live engine, so windows (thresholds,
 * correlations) and open alerts are as they were before the stop. Rows are turned back into CloudTrail-shaped
 * records (camelCase keys) by SQL built from the lake's own field list.
 */
import type { Store } from '../store/store.js';
import { sqlString } from '../store/store.js';
import { RECORD_FIELDS, TABLE } from '../lake/schema.js';
import { isoSeconds } from '../util/time.js';

type Field = (typeof RECORD_FIELDS)[number];

const column = (f: Field) => f.column ?? f.key.toLowerCase();

/** SQL rebuilding a record field (camelCase keys) from the column or struct member `expr`. */
function rebuild(f: Field, expr: string): string {
  if (typeof f.type === 'string') return expr;
  const struct = (e: string) => `{${(f.type as Field[]).map((x) => `${sqlString(x.key)}: ${rebuild(x, `${e}.${column(x)}`)}`).join(', ')}}`;
  if (f.list) return `list_transform(${expr}, x -> ${struct('x')})`;
  return `CASE WHEN ${expr} IS NULL THEN NULL ELSE ${struct(expr)} END`;
}

/** A SELECT of one JSON text per lake row, as the record CloudTrail delivered (null fields included). */
export function recordsSql(where: string): string {
  const fields = RECORD_FIELDS.map((f) => `${sqlString(f.key)}: ${rebuild(f, column(f))}`);
  return `SELECT to_json({${fields.join(', ')}})::VARCHAR AS j FROM ${TABLE} WHERE ${where} ORDER BY eventtime, eventid`;
}

/** Drops null fields (the lake stores absent fields as NULL; the live engine reads absent and null alike). */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prune);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = prune(x);
    return out;
  }
  return v;
}

/**
 * Calls `push` with the lake's records of the last `minutes` before its newest event (event time, so an archive
 * replayed from the past warms up too), oldest first. Returns how many.
 */
export async function replayRecent(store: Store, minutes: number, push: (rec: Record<string, unknown>) => void): Promise<number> {
  if (minutes <= 0) return 0;
  const newest = await store.one<{ t: string | null }>(`SELECT max(eventtime) AS t FROM ${TABLE}`);
  const ms = newest?.t ? Date.parse(newest.t) : NaN;
  if (Number.isNaN(ms)) return 0;
  const from = isoSeconds(new Date(ms - minutes * 60_000));
  const reader = await store.conn.stream(recordsSql(`eventtime >= ${sqlString(from)}`));
  let n = 0;
  for await (const rows of reader.yieldRowObjectJs()) {
    for (const r of rows) {
      push(prune(JSON.parse(String(r.j))) as Record<string, unknown>);
      n++;
    }
  }
  return n;
}
