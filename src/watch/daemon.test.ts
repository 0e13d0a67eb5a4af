import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { ConfigSchema, type Config } from '../config/schema.js';
import { buildPack, loadRules, type Pack } from '../detect/index.js';
import { trail } from '../detect/test-helpers.js';
import type { Notice } from './notice.js';
import type { Source, SourceItem, SourceStats } from './source.js';
import type { OutboxPort, SourceContext, WatchDeps } from './deps.js';
import { Daemon, runDaemon } from './daemon.js';

let dir: string;
let pack: Pack;
beforeAll(() => {
  pack = buildPack(loadRules().rules);
});
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

class FakeOutbox implements OutboxPort {
  readonly ids = new Set<string>();
  running = false;
  stopped = 0;
  async enqueue(notices: Notice[]) {
    for (const n of notices) this.ids.add(n.id);
  }
  start() {
    this.running = true;
  }
  async stop() {
    this.running = false;
    this.stopped++;
  }
  stats() {
    return { pending: 0, delivered: this.ids.size, failed: 0 };
  }
}

/** A source handing out prepared batches, then (endless: false) reporting done, or waiting until aborted. */
class FakeSource implements Source {
  readonly name: string;
  done = false;
  readonly stats: SourceStats = { received: 0, acked: 0, nacked: 0, errors: 0, lagSeconds: 1.5 };
  closed = false;
  constructor(
    private readonly batches: SourceItem[][],
    private readonly endless: boolean,
    readonly ctx: SourceContext,
    name: string,
  ) {
    this.name = name;
  }
  async next(signal: AbortSignal): Promise<SourceItem[]> {
    const b = this.batches.shift();
    if (b) {
      this.stats.received += b.length;
      return b;
    }
    if (!this.endless) {
      this.done = true;
      return [];
    }
    await new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true })));
    return [];
  }
  async close() {
    this.closed = true;
  }
}

function item(name: string, records: Record<string, unknown>[], acked: string[]): SourceItem {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ Records: records }));
  const st = statSync(path);
  return {
    id: name,
    file: { key: path, path, size: st.size, version: String(Math.trunc(st.mtimeMs)) },
    arrivedAt: Date.now(),
    ack: async () => void acked.push(name),
    nack: async () => undefined,
  };
}

function setup(batches: SourceItem[][], endless: boolean, watch: Record<string, unknown> = {}) {
  const outbox = new FakeOutbox();
  const made: FakeSource[] = [];
  const deps: WatchDeps = {
    sources: {
      parseSourceArg: (arg) => ({ arg }),
      createSource: (cfg, ctx) => {
        const s = new FakeSource(batches, endless, ctx, `fake:${(cfg as { arg: string }).arg}`);
        made.push(s);
        return s;
      },
    },
    openOutbox: async () => outbox,
  };
  const config: Config = ConfigSchema.parse({ store: { path: join(dir, 'v.duckdb') }, watch: { batch: { maxFiles: 10, maxWaitMs: 50 }, warmupMinutes: 0, ...watch } });
  return { outbox, made, deps, config };
}

const stop = (i: number) => trail({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' }, i);

describe('watch daemon', () => {
  it('--once: runs every item, commits, acks, stops the outbox and closes the sources', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-daemon-'));
    const acked: string[] = [];
    const batches = [[item('a.json', [stop(1), trail({}, 2)], acked)], [item('b.json', [trail({ eventID: 'b' }, 3)], acked)]];
    const { outbox, made, deps, config } = setup(batches, false);
    const store = await Store.open({ path: config.store.path });
    try {
      const logs: string[] = [];
      const s = await runDaemon({ store, config, pack, deps, sources: ['x'], once: true, log: (m) => logs.push(m) });
      expect(s).toMatchObject({ events: 3, files: 2, alerts: 1, acked: 2 });
      expect(acked.sort()).toEqual(['a.json', 'b.json']);
      expect(outbox.ids.size).toBe(1);
      expect(outbox.stopped).toBe(1);
      expect(made[0]!.closed).toBe(true);
      expect(Number((await store.one<{ n: number }>('SELECT count(*) AS n FROM cloudtrail_logs'))!.n)).toBe(3);
      // The checkpoint context is scoped by the source and survives in the store.
      await made[0]!.ctx.checkpoint.set('position', { after: 'b.json' });
      expect(await made[0]!.ctx.checkpoint.get('position')).toEqual({ after: 'b.json' });
      expect(await made[0]!.ctx.checkpoint.get('other')).toBeUndefined();
    } finally {
      store.close();
    }
  });

  it('serves /healthz and /metrics on 127.0.0.1 while running, and drains on SIGTERM', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-daemon-'));
    const acked: string[] = [];
    const { outbox, deps, config } = setup([[item('a.json', [stop(1)], acked)]], true);
    const store = await Store.open({ path: config.store.path });
    try {
      const logs: string[] = [];
      const done = runDaemon({ store, config, pack, deps, sources: ['x'], healthPort: 0, log: (m) => logs.push(m) });
      const port = await waitFor(() => Number(/127\.0\.0\.1:(\d+)/.exec(logs.join('\n'))?.[1]) || undefined);
      const base = `http://127.0.0.1:${port}`;
      await waitFor(async () => ((await (await fetch(`${base}/healthz`)).json()) as { eventsIn: number }).eventsIn === 1 || undefined);
      const h = await fetch(`${base}/healthz`);
      expect(h.status).toBe(200);
      expect(await h.json()).toMatchObject({ status: 'running', filesIn: 1, alertsOut: 1, sources: [{ name: 'fake:x', lagSeconds: 1.5 }] });
      await waitFor(() => acked.length === 1 || undefined);
      const m = await (await fetch(`${base}/metrics`)).text();
      expect(m).toMatch(/^vigil_watch_events_in_total 1$/m);
      expect(m).toMatch(/^vigil_watch_alerts_out_total 1$/m);
      expect(m).toMatch(/^vigil_watch_lag_seconds 1\.5$/m);
      expect(m).toMatch(/^vigil_watch_outbox_delivered_total 1$/m);
      expect(m).toMatch(/^vigil_watch_alert_latency_seconds_count 1$/m);
      expect(m).toMatch(/^vigil_watch_last_commit_timestamp_seconds \d+/m);
      expect((await fetch(`${base}/nope`)).status).toBe(404);
      process.emit('SIGTERM', 'SIGTERM');
      const s = await done;
      expect(s.acked).toBe(1);
      expect(outbox.running).toBe(false);
      expect(logs.join('\n')).toMatch(/SIGTERM: draining/);
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    } finally {
      store.close();
    }
  });

  it('a source that cannot work stops the daemon with its error, after closing what was opened', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-daemon-'));
    const { outbox, deps, config } = setup([], false);
    deps.sources.createSource = (_cfg, ctx) => {
      const s = new FakeSource([], false, ctx, 'broken');
      s.next = async () => {
        throw new Error('sqs://nope: no such queue');
      };
      return s;
    };
    const store = await Store.open({ path: config.store.path });
    try {
      const d = new Daemon({ store, config, pack, deps, sources: ['x'], log: () => undefined });
      await d.start();
      await expect(d.run()).rejects.toThrow(/broken: sqs:\/\/nope: no such queue/);
      expect(outbox.stopped).toBe(1);
    } finally {
      store.close();
    }
  });

  it('refuses to start without sources, naming where to put them', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-daemon-'));
    const { deps, config } = setup([], false);
    const store = await Store.open({ path: config.store.path });
    try {
      await expect(runDaemon({ store, config, pack, deps, log: () => undefined })).rejects.toThrow(/watch.sources/);
    } finally {
      store.close();
    }
  });
});

async function waitFor<T>(f: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
