/**
 * Saved queries: one `.sql` file each in this folder, Athena-compatible SQL over `cloudtrail_logs` (so the same text
 * runs locally with the compat macros and on Athena), with a header of `-- key: value` lines:
 *   -- name: console-logins-without-mfa
 *   -- description: one line for `vigil lake queries`
 *   -- parameters: since, until
 * and `'{{since}}'` / `'{{until}}'` placeholders, ISO-8601 times compared to `eventtime`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, VigilError } from '../../util/errors.js';
import { isoSeconds } from '../../util/time.js';

export interface SavedQuery {
  name: string;
  description: string;
  parameters: string[];
  /** The SQL with its placeholders. */
  sql: string;
  file: string;
}

export interface SavedQueryParams {
  since: Date;
  until: Date;
}

const DIR = dirname(fileURLToPath(import.meta.url));
const PARAMS = ['since', 'until'] as const;

/** Reads one saved query file; a missing header field is a packaging bug, reported with the file. */
export function parseSavedQuery(text: string, file: string): SavedQuery {
  const header: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^--\s*([a-z]+):\s*(.*?)\s*$/.exec(line);
    if (m) header[m[1]!] ??= m[2]!;
    else if (line.trim() && !line.trim().startsWith('--')) break;
  }
  if (!header.name || !header.description) throw new VigilError(`${file}: saved query without "-- name:" and "-- description:"`);
  const parameters = (header.parameters ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const used = [...new Set([...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!))];
  for (const p of used) {
    if (!(PARAMS as readonly string[]).includes(p)) throw new VigilError(`${file}: unknown placeholder {{${p}}}`);
    if (!parameters.includes(p)) throw new VigilError(`${file}: {{${p}}} is used but not listed in "-- parameters:"`);
  }
  return { name: header.name, description: header.description, parameters, sql: text, file };
}

let cache: SavedQuery[] | undefined;

/** Every saved query, by name. A file named otherwise than its query is a packaging bug. */
export function listSavedQueries(): SavedQuery[] {
  cache ??= readdirSync(DIR)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => {
      const q = parseSavedQuery(readFileSync(join(DIR, f), 'utf8'), join(DIR, f));
      if (`${q.name}.sql` !== f) throw new VigilError(`${q.file}: the query is named "${q.name}"; name the file ${q.name}.sql`);
      return q;
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return cache;
}

/** A window end as eventtime text; an invalid time is bad input. */
function windowEnd(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new UsageError('saved query: invalid time');
  return isoSeconds(d);
}

/** The SQL of a saved query with its time window filled in. Unknown name → UsageError listing the names. */
export function renderSavedQuery(name: string, params: SavedQueryParams): string {
  const q = listSavedQueries().find((x) => x.name === name);
  if (!q) throw new UsageError(`unknown saved query "${name}"; saved queries: ${listSavedQueries().map((x) => x.name).join(', ')}`);
  const values: Record<string, string> = { since: windowEnd(params.since), until: windowEnd(params.until) };
  return q.sql.replace(/\{\{(\w+)\}\}/g, (_m, p: string) => values[p]!);
}
