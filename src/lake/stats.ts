/** What the lake holds: `vigil lake stats` and `vigil lake errors`. */
import type { Row, Store } from '../store/store.js';
import { TABLE } from './schema.js';

export interface LakeStats {
  events: number;
  firstEvent: string | null;
  lastEvent: string | null;
  files: { done: number; error: number; records: number };
  byDay: Row[];
  byAccount: Row[];
  byRegion: Row[];
  bySource: Row[];
}

export async function lakeStats(store: Store, top = 15): Promise<LakeStats> {
  const totals = (await store.one<{ events: number; first: string | null; last: string | null }>(
    `SELECT count(*) AS events, min(eventtime) AS first, max(eventtime) AS last FROM ${TABLE}`,
  ))!;
  const files = (await store.one<{ done: number; error: number; records: number }>(
    `SELECT count(*) FILTER (WHERE status = 'done') AS done, count(*) FILTER (WHERE status = 'error') AS error,
            coalesce(sum(records), 0) AS records FROM lake_files`,
  ))!;
  const by = (col: string, order = 'events DESC', limit = top) =>
    store.all(`SELECT ${col}, count(*) AS events FROM ${TABLE} GROUP BY 1 ORDER BY ${order} LIMIT ${limit}`);
  return {
    events: totals.events,
    firstEvent: totals.first,
    lastEvent: totals.last,
    files,
    byDay: await by(`replace(timestamp, '/', '-') AS day`, 'day', 10_000),
    byAccount: await by('account'),
    byRegion: await by('region'),
    bySource: await by('eventsource'),
  };
}

export interface LakeFileError {
  file: string;
  error: string;
  when: string;
}

export async function lakeErrors(store: Store): Promise<LakeFileError[]> {
  return store.all<LakeFileError & Row>(
    `SELECT key AS file, error, strftime(ingested_at, '%Y-%m-%dT%H:%M:%SZ') AS when FROM lake_files WHERE status = 'error' ORDER BY key`,
  );
}
