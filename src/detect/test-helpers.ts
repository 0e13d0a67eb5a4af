/** Test helpers: run a predicate through both engines over the same events (used by the detect tests). */
import { insertRecords } from '../lake/ingest.js';
import { TABLE } from '../lake/schema.js';
import type { Store } from '../store/store.js';
import { compileJs, EventView, FieldSlots } from './engine/js.js';
import { compileSql } from './engine/sql.js';
import type { Pred } from './ir.js';

let batch = 0;

/** A minimal CloudTrail record, overridable. */
export function trail(over: Record<string, unknown> = {}, i = 0): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventTime: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'iam.amazonaws.com',
    eventName: 'ListUsers',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userName: 'alice' },
    recipientAccountId: '111122223333',
    eventID: `ev-${i}`,
    ...over,
  };
}

/** Verdicts of both engines for each event; the caller asserts they are equal and as expected. */
export async function verdicts(store: Store, pred: Pred, events: Record<string, unknown>[]): Promise<{ js: boolean[]; sql: boolean[] }> {
  const tag = `b${batch++}`;
  const evs = events.map((e, i) => ({ ...e, eventID: `${tag}-${i}` }));
  const slots = new FieldSlots();
  const m = compileJs(pred, slots);
  const js = evs.map((e) => m(new EventView(e, slots)));
  await insertRecords(store, evs, tag);
  const rows = await store.all<{ eventid: string }>(`SELECT eventid FROM ${TABLE} WHERE sourcefile = '${tag}' AND ${compileSql(pred)}`);
  const hit = new Set(rows.map((r) => r.eventid));
  return { js, sql: evs.map((e) => hit.has(e.eventID)) };
}
