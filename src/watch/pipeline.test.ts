import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { ConfigSchema, type Config } from '../config/schema.js';
import { buildPack, LiveEngine, loadRules, type Alert, type Pack } from '../detect/index.js';
import { trail } from '../detect/test-helpers.js';
import '../lake/schema.js';
import type { Notice } from './notice.js';
import type { SourceItem } from './source.js';
import type { OutboxPort } from './deps.js';
import { WatchMetrics } from './health.js';
import { Pipeline } from './pipeline.js';

/** The outbox contract as the pipeline relies on it: durable across "restarts" (kept here), idempotent by id. */
class FakeOutbox implements OutboxPort {
  readonly ids = new Set<string>();
  enqueued = 0;
  failNext = false;
  async enqueue(notices: Notice[]) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('outbox table locked');
    }
    for (const n of notices) {
      this.enqueued++;
      this.ids.add(n.id);
    }
  }
  start() {}
  async stop() {}
  stats() {
    return { pending: 0, delivered: this.ids.size, failed: 0 };
  }
}

interface FakeItem extends SourceItem {
  acks: number;
  nacks: number;
}

let dir: string;
let pack: Pack;
const stores: Store[] = [];

beforeAll(() => {
  pack = buildPack(loadRules().rules);
});

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function config(watch: Record<string, unknown> = {}): Config {
  return ConfigSchema.parse({ watch: { batch: { maxFiles: 100, maxWaitMs: 60_000 }, ...watch } });
}

async function open(): Promise<{ store: Store; lake: Store }> {
  const store = await Store.open({ path: join(dir, 'v.duckdb') });
  const lake = await store.connection();
  stores.push(lake, store);
  return { store, lake };
}

/** A delivery file holding records, as a source hands it out. */
function fileItem(name: string, records: Record<string, unknown>[]): FakeItem {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ Records: records }));
  const st = statSync(path);
  const item: FakeItem = {
    id: name,
    file: { key: path, path, size: st.size, version: String(Math.trunc(st.mtimeMs)) },
    arrivedAt: Date.now(),
    acks: 0,
    nacks: 0,
    ack: async () => void item.acks++,
    nack: async () => void item.nacks++,
  };
  return item;
}

/** The same item handed out again (a queue's re-delivery). */
function redeliver(item: FakeItem): FakeItem {
  const again: FakeItem = { ...item, acks: 0, nacks: 0, ack: async () => void again.acks++, nack: async () => void again.nacks++ };
  return again;
}

const stop = (i: number) => trail({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', requestParameters: { name: `t${i}` } }, i);
const failedLogin = (i: number) =>
  trail(
    {
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      eventType: 'AwsConsoleSignIn',
      responseElements: { ConsoleLogin: 'Failure' },
      sourceIPAddress: '203.0.113.9',
      eventID: `login-${i}`,
    },
    60 * i,
  );
const quiet = (i: number) => trail({ eventID: `q-${i}` }, i);

function pipeline(store: Store, lake: Store, outbox: OutboxPort, cfg = config()) {
  return new Pipeline({ store, lake, config: cfg, pack, outbox, metrics: new WatchMetrics(), log: () => undefined });
}

const lakeCount = async (s: Store) => Number((await s.one<{ n: number }>('SELECT count(*) AS n FROM cloudtrail_logs'))!.n);

describe('live engine: alerts as they open', () => {
  it('emits each alert once, at its first event, with the id it has when its dedup period closes', () => {
    const opened: Alert[] = [];
    const e = new LiveEngine(pack, undefined, { onOpen: (a) => opened.push(a) });
    for (const [i, r] of [stop(1), stop(2), ...[0, 1, 2, 3, 4, 5].map(failedLogin)].entries()) {
      e.push(r);
      // Two StopLogging by one actor are one alert; the burst opens at its 5th failure.
      if (i === 0) expect(opened).toHaveLength(1);
      if (i === 5) expect(opened).toHaveLength(1);
      if (i === 6) expect(opened).toHaveLength(2);
    }
    const closed = e.flush();
    expect(opened.map((a) => a.id).sort()).toEqual(closed.map((a) => a.id).sort());
    expect(opened.map((a) => a.count)).toEqual([1, 1]);
    expect(closed.find((a) => a.rule.id === 'aws-cloudtrail-stop-logging')?.count).toBe(2);
    // retain: false keeps nothing for flush (a daemon's memory stays bounded).
    const lean = new LiveEngine(pack, undefined, { retain: false });
    lean.push(stop(1));
    expect(lean.flush()).toEqual([]);
  });
});

describe('watch pipeline', () => {
  it('queues alerts when they open, and acks an item only after its events are committed to the lake', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-pipe-'));
    const { store, lake } = await open();
    const outbox = new FakeOutbox();
    const p = pipeline(store, lake, outbox);
    await p.start();
    const a = fileItem('a.json', [quiet(1), stop(2), quiet(3)]);
    const b = fileItem('b.json', [quiet(4), quiet(5)]);
    await p.handle([a, b]);
    // The alert left before any commit: it does not wait for the dedup period or the batch.
    expect([...outbox.ids]).toHaveLength(1);
    expect([...outbox.ids][0]).toMatch(/^alert:/);
    expect(a.acks + b.acks).toBe(0);
    expect(await lakeCount(store)).toBe(0);
    await p.commit();
    expect([a.acks, b.acks]).toEqual([1, 1]);
    expect(await lakeCount(store)).toBe(5);
    await p.close();
  });

  it('queues what enforcement did (or would do) beside the alert that triggered it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-pipe-'));
    const { store, lake } = await open();
    const outbox = new FakeOutbox();
    const handled: string[] = [];
    const enforcer = {
      handle: async (a: Alert, records: Record<string, unknown>[]): Promise<Notice[]> => {
        handled.push(`${a.rule.id}:${records.length}`);
        return [{ id: `enforcement:${a.id}`, kind: 'enforcement', title: 'dry run: start-logging', severity: a.severity, source: 'start-logging', account: a.account, region: a.region, tags: [], time: a.firstSeen, summary: 'would start logging', body: {} }];
      },
    };
    const p = new Pipeline({ store, lake, config: config(), pack, outbox, enforcer, metrics: new WatchMetrics(), log: () => undefined });
    await p.start();
    await p.handle([fileItem('a.json', [quiet(1), stop(2)])]);
    await p.commit();
    expect(handled).toEqual(['aws-cloudtrail-stop-logging:1']);
    expect([...outbox.ids].sort()).toEqual([expect.stringMatching(/^alert:/), expect.stringMatching(/^enforcement:/)]);
    await p.close();
  });

  it('commits when the batch is full or the oldest item has waited maxWaitMs', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-pipe-'));
    const { store, lake } = await open();
    const p = pipeline(store, lake, new FakeOutbox(), config({ batch: { maxFiles: 2, maxWaitMs: 1000 } }));
    await p.start();
    const items = [0, 1, 2].map((i) => fileItem(`f${i}.json`, [quiet(10 + i)]));
    await p.handle(items.slice(0, 2));
    await p.idle();
    expect(items.map((i) => i.acks)).toEqual([1, 1, 0]);
    await p.handle(items.slice(2));
    const t = items[2]!.arrivedAt;
    await p.tick(t + 999);
    await p.idle();
    expect(items[2]!.acks).toBe(0);
    expect(p.msUntilDue(t + 500)).toBe(500);
    await p.tick(t + 1000);
    await p.idle();
    expect(items[2]!.acks).toBe(1);
    await p.close();
  });

  it('acks a re-delivered file already in the lake without running it again', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-pipe-'));
    const { store, lake } = await open();
    const outbox = new FakeOutbox();
    const p = pipeline(store, lake, outbox);
    await p.start();
    const a = fileItem('a.json', [stop(1)]);
    await p.handle([a]);
    await p.commit();
    const again = redeliver(a);
    await p.handle([again]);
    expect(again.acks).toBe(1);
    expect(outbox.enqueued).toBe(1);
    expect(p.stats.events).toBe(1);
    await p.close();
  });

  it('after a crash between commit and ack, a restart (warm-up + re-delivery) gives the same alerts once and each event once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-pipe-'));
    // Six failed sign-ins a minute apart, one file each: the threshold (5 in 10 min) is crossed in file 5.
    const items = () => [0, 1, 2, 3, 4, 5].map((i) => fileItem(`login-${i}.json`, [failedLogin(i), stop(100 + i)]));

    // The reference: one clean run.
    const clean = new FakeOutbox();
    {
      const { store, lake } = await open();
      const p = pipeline(store, lake, clean);
      await p.start();
      await p.handle(items());
      await p.close();
      for (const s of stores.splice(0)) s.close();
      rmSync(join(dir, 'v.duckdb'));
    }
    expect(clean.ids.size).toBeGreaterThanOrEqual(2);
    expect([...clean.ids].some((id) => id.startsWith("alert:"))).toBe(true);

    const outbox = new FakeOutbox();
    const first = items();
    {
      const { store, lake } = await open();
      const p = pipeline(store, lake, outbox);
      await p.start();
      await p.handle(first.slice(0, 3));
      await p.commit();
      // Items 4 ran (alerts queued) but their commit never happened; nothing after was acked: the process dies.
      await p.handle(first.slice(3, 4));
      for (const s of stores.splice(0)) s.close();
    }
    expect(first.map((i) => i.acks)).toEqual([1, 1, 1, 0, 0, 0]);

    const { store, lake } = await open();
    const p = pipeline(store, lake, outbox);
    await p.start();
    expect(await p.warmup(60)).toBe(6);
    // The queue gives back everything not acked, and (at-least-once) one item that was.
    const second = first.map(redeliver);
    await p.handle([second[2]!, ...second.slice(3)]);
    await p.close();
    expect(second[2]!.acks).toBe(1);
    expect(p.stats.events).toBe(6 + 6); // warm-up 6 + items 4-6; item 3 was skipped
    expect([...outbox.ids].sort()).toEqual([...clean.ids].sort());
    expect(await lakeCount(store)).toBe(12);
  });

  it('without warm-up the threshold alert after a restart would be missed (the warm-up is what finds it)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-pipe-'));
    const { store, lake } = await open();
    const first = pipeline(store, lake, new FakeOutbox());
    await first.start();
    await first.handle([0, 1, 2].map((i) => fileItem(`l${i}.json`, [failedLogin(i)])));
    await first.close();
    const cold = new FakeOutbox();
    const p = pipeline(store, lake, cold);
    await p.start();
    await p.handle([3, 4].map((i) => fileItem(`l${i}.json`, [failedLogin(i)])));
    expect(cold.ids.size).toBe(0);
    const warm = new FakeOutbox();
    const q = pipeline(store, lake, warm);
    await q.start();
    await q.warmup(60);
    await q.handle([3, 4].map((i) => fileItem(`m${i}.json`, [{ ...failedLogin(i), eventID: `m-${i}` }])));
    expect(warm.ids.size).toBe(1);
    await p.close();
    await q.close();
  });

  it('resource history runs beside detection, per file; its alerts are queued before the commit, which waits for it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-pipe-'));
    const { store, lake } = await open();
    const outbox = new FakeOutbox();
    const recorded: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const history = {
      recordChanges: async (_s: Store, recs: Record<string, unknown>[]) => {
        await gate;
        recorded.push(recs.length);
      },
      // One alert per file holding a StopLogging (as a history rule would find it), built by the live engine.
      detectWithHistory: async (_s: Store, recs: Record<string, unknown>[]) => {
        const e = new LiveEngine(pack);
        for (const r of recs) if (r.eventName === 'StopLogging') e.push({ ...r, eventID: `h-${String(r.eventID)}` });
        return e.flush().map((a) => ({ ...a, id: `h-${a.id}` }));
      },
    };
    const p = new Pipeline({ store, lake, config: config(), pack, outbox, history, metrics: new WatchMetrics(), log: () => undefined });
    await p.start();
    const a = fileItem('a.json', [stop(1), quiet(2)]);
    const b = fileItem('b.json', [quiet(3)]);
    await p.handle([a, b]);
    // The live alert is out; history is still held at the gate, so nothing may commit or ack.
    expect([...outbox.ids]).toHaveLength(1);
    const committing = p.commit();
    await new Promise((r) => setTimeout(r, 50));
    expect(a.acks + b.acks).toBe(0);
    expect(await lakeCount(store)).toBe(0);
    release();
    await committing;
    expect(recorded).toEqual([3]);
    expect([...outbox.ids].filter((id) => id.startsWith('alert:h-'))).toHaveLength(1);
    expect([a.acks, b.acks]).toEqual([1, 1]);
    expect(await lakeCount(store)).toBe(3);
    await p.close();
  });

  it('records an unreadable file in the manifest and acks it; gives back an item whose alerts cannot be queued', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-pipe-'));
    const { store, lake } = await open();
    const outbox = new FakeOutbox();
    const metrics = new WatchMetrics();
    const p = new Pipeline({ store, lake, config: config(), pack, outbox, metrics, log: () => undefined });
    await p.start();
    const bad = fileItem('bad.json', []);
    writeFileSync(bad.file!.path!, '{"Records": [');
    await p.handle([bad]);
    expect(bad.acks).toBe(0);
    await p.commit();
    expect(bad.acks).toBe(1);
    const row = await store.one<{ status: string; error: string }>('SELECT status, error FROM lake_files WHERE key = ?', [bad.file!.key]);
    expect(row?.status).toBe('error');
    expect(row?.error).toMatch(/JSON/);
    outbox.failNext = true;
    const x = fileItem('x.json', [stop(7)]);
    await p.handle([x]);
    await p.commit();
    expect([x.acks, x.nacks]).toEqual([0, 1]);
    expect(Object.fromEntries(metrics.failures)).toEqual({ 'bad-file': 1, outbox: 1 });
    expect(await lakeCount(store)).toBe(0);
    await p.close();
  });
});
