/**
 * Applying the lake's events: only rows added since the last run, by the lake's row ids. The lake is
 * append-only and DuckDB gives appended rows higher row ids, so the highest id applied is the checkpoint; a
 * lake whose ids fell below it was rebuilt, and is read again from the start (applying is idempotent).
 */
import type { Store } from '../store/store.js';
import { TABLE } from '../lake/schema.js';
import { LAKE_COLUMNS, recordFromLakeRow } from './event.js';
import { EVENT_NAMES } from './kinds/index.js';
import { applyRecords } from './record.js';
import { getMeta, setMeta } from './schema.js';

const CHECKPOINT = 'lake_rowid';
const PAGE = 5000;

export async function refresh(store: Store): Promise<number> {
  const top = (await store.one<{ top: number | null }>(`SELECT max(rowid) AS top FROM ${TABLE}`))?.top;
  if (top === null || top === undefined) return 0;
  let from = Number((await getMeta(store, CHECKPOINT)) ?? -1);
  if (from > top) from = -1;
  if (from === top) return 0;
  const names = EVENT_NAMES.map(() => '?').join(', ');
  let applied = 0;
  for (;;) {
    const rows = await store.all(
      `SELECT rowid AS vigil_rowid, ${LAKE_COLUMNS} FROM ${TABLE}
       WHERE rowid > ? AND rowid <= ? AND errorcode IS NULL AND eventname IN (${names})
       ORDER BY rowid LIMIT ${PAGE}`,
      [from, top, ...EVENT_NAMES],
    );
    const upTo = rows.length < PAGE ? top : Number(rows[rows.length - 1]!.vigil_rowid);
    // A page of changes and the checkpoint land together.
    applied += await store.transaction(async () => {
      const n = await applyRecords(store, rows.map(recordFromLakeRow));
      await setMeta(store, CHECKPOINT, String(upTo));
      return n;
    });
    from = upTo;
    if (upTo >= top) return applied;
  }
}
