import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigSchema, type Config } from '../config/schema.js';
import { Store } from '../store/store.js';
import type { Notice } from './notice.js';
import { backoffMs, listOutbox, Outbox, retryFailed } from './outbox.js';
import { secretResolver } from './sinks/index.js';
import { startReceiver } from './sinks/testing.js';

function notice(i: number, over: Partial<Notice> = {}): Notice {
  return {
    id: `alert:n${i}`,
    kind: 'alert',
    title: `Alert ${i}`,
    severity: 'high',
    source: 'aws-test-rule',
    account: '111111111111',
    region: 'eu-west-1',
    tags: [],
    time: '2026-11-20T10:00:00Z',
    summary: `Alert ${i}: someone did something`,
    body: { i },
    ...over,
  };
}

const webhook = (url: string, extra: Record<string, unknown> = {}) => ({ name: 'hook', type: 'webhook', url, ...extra });
const cfg = (sinks: unknown[]): Config => ConfigSchema.parse({ sinks });

/** A clock the test moves. */
function clock(start = Date.parse('2026-11-20T10:00:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function openStore(path = ':memory:'): Promise<Store> {
  const s = await Store.open({ path });
  cleanup.push(() => s.close());
  return s;
}

describe('enqueue', () => {
  it('routes each notice to the sinks that accept it, once per (sink, notice id)', async () => {
    const store = await openStore();
    const ob = await Outbox.open(
      store,
      cfg([
        { name: 'all', type: 'stdout' },
        { name: 'crit', type: 'stdout', route: { minSeverity: 'critical' } },
      ]),
      { sinks: undefined, sinkDeps: { stdout: () => undefined } },
    );
    cleanup.push(() => ob.close());
    expect(await ob.enqueue([notice(1), notice(2, { severity: 'critical' }), notice(1)])).toBe(3);
    expect(await ob.enqueue([notice(1), notice(2, { severity: 'critical' })])).toBe(0);
    const rows = await listOutbox(store);
    expect(rows.map((r) => `${r.sink}:${r.notice_id}:${r.status}`).sort()).toEqual(['all:alert:n1:pending', 'all:alert:n2:pending', 'crit:alert:n2:pending']);
    expect(await ob.stats()).toMatchObject({ pending: 3, delivered: 0, failed: 0, bySink: { all: { pending: 2 }, crit: { pending: 1 } } });
  });

  it("runs on the caller's connection, inside its transaction: a rollback queues nothing", async () => {
    const store = await openStore();
    const ob = await Outbox.open(store, cfg([{ name: 'all', type: 'stdout' }]));
    cleanup.push(() => ob.close());
    await expect(
      store.transaction(async () => {
        expect(await ob.enqueue([notice(1)], store)).toBe(1);
        throw new Error('the batch failed');
      }),
    ).rejects.toThrow('the batch failed');
    expect(await listOutbox(store)).toHaveLength(0);
    await store.transaction(() => ob.enqueue([notice(1)], store));
    expect(await listOutbox(store)).toHaveLength(1);
  });
});

describe('delivery', () => {
  it('a running outbox sends fresh notices at once, and passes running beside it never send one twice', async () => {
    // A slow receiver keeps fresh sends in flight while the loop's passes (every 5 ms) read the pending rows.
    const rx = await startReceiver(async () => {
      await new Promise((r) => setTimeout(r, 15));
      return { status: 200 };
    });
    cleanup.push(() => rx.close());
    const store = await openStore();
    const ob = await Outbox.open(store, cfg([webhook(rx.url, { rateLimit: 10_000 })]));
    cleanup.push(() => ob.close());
    ob.start(5);
    for (let b = 0; b < 10; b++) {
      await ob.enqueue(Array.from({ length: 20 }, (_, i) => notice(b * 20 + i)));
      // The same notices again (an alert seen again): nothing new to send.
      await ob.enqueue([notice(b * 20)]);
    }
    await ob.stop();
    const ids = rx.requests.map((r) => String(r.headers['x-vigil-delivery']));
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
    expect(await ob.stats()).toMatchObject({ pending: 0, delivered: 200, failed: 0 });
  });

  it('retries a failing receiver (500, then 200) after its backoff and delivers once', async () => {
    const rx = await startReceiver((_r, i) => (i === 0 ? { status: 500, body: 'busy' } : { status: 200 }));
    cleanup.push(() => rx.close());
    const store = await openStore();
    const c = clock();
    const ob = await Outbox.open(store, cfg([webhook(rx.url, { retry: { baseMs: 60_000, maxMs: 600_000 } })]), { now: c.now, random: () => 0.5 });
    cleanup.push(() => ob.close());
    await ob.enqueue([notice(1)]);

    expect(await ob.deliverDue()).toEqual({ delivered: 0, failed: 1, deferred: 0 });
    const [row] = await listOutbox(store);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('HTTP 500 busy') });
    // 60 s base, half fixed + half jitter at 0.5: 45 s.
    expect(Date.parse(String(row!.next_attempt_at))).toBe(c.now() + 45_000);

    c.advance(30_000);
    expect(await ob.deliverDue()).toEqual({ delivered: 0, failed: 0, deferred: 0 });
    expect(rx.requests).toHaveLength(1);

    c.advance(15_000);
    expect(await ob.deliverDue()).toEqual({ delivered: 1, failed: 0, deferred: 0 });
    expect(await ob.deliverDue()).toEqual({ delivered: 0, failed: 0, deferred: 0 });
    expect(rx.requests).toHaveLength(2);
    expect(rx.requests.map((r) => r.headers['x-vigil-delivery'])).toEqual(['alert:n1', 'alert:n1']);
    expect(await ob.stats()).toMatchObject({ pending: 0, delivered: 1, failed: 0, retries: 1 });
  });

  it('dead-letters after maxAttempts, and at once on a permanent error; retry puts them back', async () => {
    const rx = await startReceiver((r) => (r.path === '/bad' ? { status: 400, body: 'malformed' } : { status: 503 }));
    cleanup.push(() => rx.close());
    const store = await openStore();
    const c = clock();
    const ob = await Outbox.open(
      store,
      cfg([
        webhook(`${rx.url}/flaky`, { retry: { maxAttempts: 3, baseMs: 1000, maxMs: 1000 } }),
        { ...webhook(`${rx.url}/bad`), name: 'bad' },
      ]),
      { now: c.now },
    );
    cleanup.push(() => ob.close());
    await ob.enqueue([notice(1)]);
    for (let i = 0; i < 5; i++) {
      await ob.deliverDue();
      c.advance(1000);
    }
    const rows = Object.fromEntries((await listOutbox(store)).map((r) => [r.sink, r]));
    expect(rows.hook).toMatchObject({ status: 'failed', attempts: 3 });
    expect(rows.bad).toMatchObject({ status: 'failed', attempts: 1, last_error: expect.stringContaining('HTTP 400 malformed') });
    expect(rx.requests.filter((r) => r.path === '/flaky')).toHaveLength(3);
    expect(await retryFailed(store, { sink: 'hook', now: c.now() })).toBe(1);
    expect((await listOutbox(store, { status: 'pending' })).map((r) => r.sink)).toEqual(['hook']);
  });

  it('a receiver down across an Outbox close and reopen on the same file: everything delivered after reopen, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-outbox-'));
    const path = join(dir, 'vigil.duckdb');
    // Reserve a port, then leave nothing listening on it.
    const probe = await startReceiver();
    await probe.close();
    const config = cfg([webhook(`${probe.url}/in`, { retry: { baseMs: 1000, maxMs: 1000 } })]);
    const c = clock();

    let store = await Store.open({ path });
    let ob = await Outbox.open(store, config, { now: c.now });
    await ob.enqueue([1, 2, 3, 4, 5].map((i) => notice(i)));
    expect(await ob.deliverDue()).toEqual({ delivered: 0, failed: 5, deferred: 0 });
    await ob.close();
    store.close();

    const rx = await startReceiver(() => ({ status: 200 }), Number(new URL(probe.url).port));
    cleanup.push(() => rx.close());
    c.advance(5_000);
    store = await Store.open({ path });
    cleanup.push(() => store.close());
    ob = await Outbox.open(store, config, { now: c.now });
    cleanup.push(() => ob.close());
    expect(await ob.stats()).toMatchObject({ pending: 5, delivered: 0 });
    expect(await ob.deliverDue()).toEqual({ delivered: 5, failed: 0, deferred: 0 });
    expect(await ob.deliverDue()).toEqual({ delivered: 0, failed: 0, deferred: 0 });
    expect(rx.requests.map((r) => r.headers['x-vigil-delivery']).sort()).toEqual(['alert:n1', 'alert:n2', 'alert:n3', 'alert:n4', 'alert:n5']);
    expect(await ob.stats()).toMatchObject({ pending: 0, delivered: 5, failed: 0 });
  });

  it("holds each sink's rate limit; the loop delivers what is enqueued and stop() waits for it", async () => {
    const rx = await startReceiver();
    cleanup.push(() => rx.close());
    const store = await openStore();
    const ob = await Outbox.open(store, cfg([webhook(rx.url, { rateLimit: 4 })]));
    cleanup.push(() => ob.close());
    ob.start(50);
    await ob.enqueue([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => notice(i)));
    const deadline = Date.now() + 10_000;
    while ((await ob.stats()).delivered < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await ob.stop();
    expect((await ob.stats()).delivered).toBe(10);
    const at = rx.requests.map((r) => r.at);
    // 4/s as the receiver sees it: no second holds more than 4 (sends are spaced 5% wider than 250 ms for jitter).
    for (const t of at) expect(at.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(4);
    expect(at.at(-1)! - at[0]!).toBeGreaterThanOrEqual(9 * 240);
  });

  it('stop() lets an in-flight delivery finish and record it; a sink gone from the config keeps its rows pending', async () => {
    let arrived!: () => void;
    const arrival = new Promise<void>((r) => (arrived = r));
    const rx = await startReceiver(async () => {
      arrived();
      await new Promise((r) => setTimeout(r, 400));
      return { status: 200 };
    });
    cleanup.push(() => rx.close());
    const store = await openStore();
    const ob = await Outbox.open(store, cfg([webhook(rx.url)]));
    ob.start(20);
    await ob.enqueue([notice(1)]);
    await arrival;
    await ob.stop();
    expect(await ob.stats()).toMatchObject({ pending: 0, delivered: 1 });

    const logs: string[] = [];
    await ob.close();
    await store.run(`UPDATE outbox SET status = 'pending'`);
    const other = await Outbox.open(store, cfg([{ name: 'out', type: 'stdout' }]), { log: (l) => logs.push(l), sinkDeps: { stdout: () => undefined } });
    cleanup.push(() => other.close());
    expect(await other.deliverDue()).toEqual({ delivered: 0, failed: 0, deferred: 0 });
    expect(logs.join('\n')).toContain('1 notices wait for sink hook, which is not configured');
    expect(await other.stats()).toMatchObject({ pending: 1 });
  });

  it("a pass gives each sink its rate's worth of rows, so a backlog on one never starves another", async () => {
    const store = await openStore();
    const lines: string[] = [];
    const ob = await Outbox.open(store, cfg([{ name: 'slow', type: 'stdout', rateLimit: 1, route: { minSeverity: 'high' } }, { name: 'fast', type: 'stdout', route: { kinds: ['finding'] } }]), {
      sinkDeps: { stdout: (l) => lines.push(l) },
    });
    cleanup.push(() => ob.close());
    await ob.enqueue([1, 2, 3, 4, 5].map((i) => notice(i)));
    await ob.enqueue([notice(6, { kind: 'finding', severity: 'low' })]);
    // slow: 1/s → 2 rows per pass (3 deferred); fast: its one row.
    expect(await ob.deliverDue()).toEqual({ delivered: 3, failed: 0, deferred: 3 });
    expect(await ob.stats()).toMatchObject({ bySink: { slow: { pending: 3, delivered: 2 }, fast: { pending: 0, delivered: 1 } } });
    expect(lines.map((l) => (JSON.parse(l) as Notice).id).sort()).toEqual(['alert:n1', 'alert:n2', 'alert:n6']);
  });

  it('secrets never reach stored errors or listings', async () => {
    const rx = await startReceiver((r) => ({ status: 502, body: `upstream refused ${r.path} (token s3cr3t-t0ken-value)` }));
    cleanup.push(() => rx.close());
    const store = await openStore();
    const ob = await Outbox.open(store, cfg([webhook('env:HOOK_URL', { headers: { 'x-token': 'env:HOOK_TOKEN' } })]), {
      sinkDeps: { secrets: secretResolver({}, { HOOK_URL: `${rx.url}/hooks/T0/SECRETPATH`, HOOK_TOKEN: 's3cr3t-t0ken-value' }) },
    });
    cleanup.push(() => ob.close());
    await ob.enqueue([notice(1)]);
    await ob.deliverDue();
    expect(rx.requests[0]!.headers['x-token']).toBe('s3cr3t-t0ken-value');
    const dump = JSON.stringify(await store.all('SELECT * FROM outbox'));
    expect(dump).toContain('HTTP 502 upstream refused');
    expect(dump).not.toContain('SECRETPATH');
    expect(dump).not.toContain('s3cr3t-t0ken-value');
  });
});

describe('backoff', () => {
  it('doubles per attempt up to the cap, with jitter in the upper half', () => {
    const p = { maxAttempts: 8, baseMs: 1000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, p, () => 1))).toEqual([1000, 2000, 4000, 8000, 10_000]);
    expect(backoffMs(3, p, () => 0)).toBe(2000);
  });
});
