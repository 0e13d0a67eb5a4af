/**
 * The lake survives SIGKILL at any moment: after every kill the store opens, holds no event twice and every file
 * the manifest calls done is fully there; the final run ends with exactly the right rows.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Store } from '../src/store/store.js';
import { vigil, startVigil } from './helpers/cli.js';
import { manyRecords } from './helpers/records.js';
import '../src/lake/schema.js';

describe('crash safety', () => {
  it('a run killed with SIGKILL at any moment loses and doubles nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-crash-'));
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    const recs = manyRecords(24_000, 'crash');
    // 120 files of 200; every 10th file re-delivers the previous one's records (duplicates across files).
    for (let f = 0; f < 120; f++) {
      const from = f % 10 === 9 ? (f - 1) * 200 : f * 200;
      writeFileSync(join(logs, `f${String(f).padStart(3, '0')}.json.gz`), gzipSync(JSON.stringify({ Records: recs.slice(from, from + 200) })));
    }
    const idsOf = (f: number) => {
      const from = f % 10 === 9 ? (f - 1) * 200 : f * 200;
      return Array.from({ length: 200 }, (_, i) => `crash-${from + i}`);
    };
    const expected = new Set(Array.from({ length: 120 }, (_, f) => idsOf(f)).flat());
    const db = join(dir, 'v.duckdb');
    // Small batches: many transactions, so kills land inside and between them.
    const env = { VIGIL_LAKE_BATCH_BYTES: '20000' };
    const args = ['lake', 'ingest', logs, '--db', db, '--quiet'];

    const delays = [150, 400, 700, 900, 1200, 1600];
    for (const ms of delays) {
      const child = startVigil(args, env);
      await new Promise((r) => setTimeout(r, ms + Math.floor(Math.random() * 200)));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const store = await Store.open({ path: db });
      const [{ n, distinct }] = (await store.all(
        `SELECT count(*) AS n, count(DISTINCT (eventid, recipientaccountid)) AS distinct FROM cloudtrail_logs`,
      )) as [{ n: number; distinct: number }];
      expect(n).toBe(distinct);
      // The store holds exactly the records of the files the manifest calls done: none lost, none extra.
      const done = await store.all<{ key: string }>(`SELECT key FROM lake_files WHERE status = 'done'`);
      const want = new Set(done.flatMap((d) => idsOf(Number(/f(\d+)\.json\.gz$/.exec(d.key)![1]))));
      const have = new Set((await store.all<{ eventid: string }>(`SELECT eventid FROM cloudtrail_logs`)).map((r) => r.eventid));
      expect(have).toEqual(want);
      store.close();
    }
    const last = vigil([...args.slice(0, -1), '--json'], { env });
    expect(last.code).toBe(0);
    const store = await Store.open({ path: db });
    const ids = (await store.all<{ eventid: string }>(`SELECT eventid FROM cloudtrail_logs`)).map((r) => r.eventid);
    expect(ids.length).toBe(expected.size);
    expect(new Set(ids)).toEqual(expected);
    const files = await store.one<{ n: number }>(`SELECT count(*) AS n FROM lake_files WHERE status = 'done'`);
    expect(files!.n).toBe(120);
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);
});
