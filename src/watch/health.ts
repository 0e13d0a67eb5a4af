/**
 * The daemon's counters and the 127.0.0.1 endpoint that shows them: `/healthz` (JSON status; 503 once
 * draining) and `/metrics` (Prometheus text exposition format 0.0.4).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OutboxStats } from './deps.js';
import type { SourceStats } from './source.js';

/** Latency buckets (seconds) for file-to-outbox; the target is p99 < 2 s. */
const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

export class WatchMetrics {
  readonly started = Date.now();
  eventsIn = 0;
  filesIn = 0;
  itemsAcked = 0;
  /** Items already in the lake when they came (re-deliveries): acked without detection. */
  itemsSkipped = 0;
  alertsOut = 0;
  commits = 0;
  lastCommitAt = 0;
  readonly failures = new Map<string, number>();
  /** Milliseconds spent per pipeline phase (read, detect, queue, commit, ack), for tuning and the benchmark. */
  readonly phaseMs: Record<string, number> = {};
  readonly latency = { buckets: BUCKETS.map(() => 0), count: 0, sum: 0 };
  readonly scheduleRuns = new Map<string, { ok: number; failed: number }>();

  /** Adds the time since `t0` (performance.now()) to a phase; returns now, to chain phases. */
  lap(phase: string, t0: number): number {
    const t = performance.now();
    this.phaseMs[phase] = (this.phaseMs[phase] ?? 0) + (t - t0);
    return t;
  }

  fail(kind: string): void {
    this.failures.set(kind, (this.failures.get(kind) ?? 0) + 1);
  }

  /** One alert left for the outbox `seconds` after its item arrived. */
  observeLatency(seconds: number): void {
    this.latency.count++;
    this.latency.sum += seconds;
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) this.latency.buckets[i]!++;
    });
  }

  scheduleRun(name: string, ok: boolean): void {
    const r = this.scheduleRuns.get(name) ?? { ok: 0, failed: 0 };
    if (ok) r.ok++;
    else r.failed++;
    this.scheduleRuns.set(name, r);
  }
}

export interface HealthView {
  status: 'starting' | 'running' | 'draining';
  metrics: WatchMetrics;
  sources: { name: string; stats: SourceStats }[];
  outbox(): Promise<OutboxStats>;
}

const esc = (v: string) => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

/** Prometheus text for the view. */
export async function renderMetrics(v: HealthView): Promise<string> {
  const m = v.metrics;
  const out: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: [Record<string, string>, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const l = Object.entries(labels).map(([k, x]) => `${k}="${esc(x)}"`);
      out.push(`${name}${l.length ? `{${l.join(',')}}` : ''} ${Number.isFinite(value) ? value : 0}`);
    }
  };
  const lag = Math.max(0, ...v.sources.map((s) => s.stats.lagSeconds));
  const ob = await v.outbox().catch(() => ({}) as OutboxStats);
  metric('vigil_watch_up', 'gauge', '1 while running, 0 while starting or draining.', [[{}, v.status === 'running' ? 1 : 0]]);
  metric('vigil_watch_events_in_total', 'counter', 'CloudTrail events read from sources.', [[{}, m.eventsIn]]);
  metric('vigil_watch_files_in_total', 'counter', 'Log files read from sources.', [[{}, m.filesIn]]);
  metric('vigil_watch_items_acked_total', 'counter', 'Source items acked (stored and alerts queued).', [[{}, m.itemsAcked]]);
  metric('vigil_watch_items_skipped_total', 'counter', 'Re-delivered items already in the lake.', [[{}, m.itemsSkipped]]);
  metric('vigil_watch_alerts_out_total', 'counter', 'Alerts queued in the outbox.', [[{}, m.alertsOut]]);
  metric('vigil_watch_lake_commits_total', 'counter', 'Lake commits (batches).', [[{}, m.commits]]);
  metric('vigil_watch_last_commit_timestamp_seconds', 'gauge', 'Time of the last lake commit.', [[{}, m.lastCommitAt / 1000]]);
  metric('vigil_watch_lag_seconds', 'gauge', 'Age of the newest item when received (upstream time to receipt).', [[{}, lag]]);
  metric('vigil_watch_source_received_total', 'counter', 'Items received per source.', v.sources.map((s) => [{ source: s.name }, s.stats.received]));
  metric('vigil_watch_source_errors_total', 'counter', 'Errors reaching a source.', v.sources.map((s) => [{ source: s.name }, s.stats.errors]));
  metric('vigil_watch_failures_total', 'counter', 'Failures by kind.', [...m.failures].map(([kind, n]) => [{ kind }, n]));
  metric('vigil_watch_outbox_pending', 'gauge', 'Notices waiting for delivery.', [[{}, Number(ob.pending ?? 0)]]);
  metric('vigil_watch_outbox_delivered_total', 'counter', 'Notices delivered.', [[{}, Number(ob.delivered ?? 0)]]);
  metric('vigil_watch_outbox_failed_total', 'counter', 'Notices that failed for good.', [[{}, Number(ob.failed ?? 0)]]);
  metric(
    'vigil_watch_schedule_runs_total',
    'counter',
    'Scheduled job runs by schedule and outcome.',
    [...m.scheduleRuns].flatMap(([name, r]) => [
      [{ schedule: name, outcome: 'ok' }, r.ok] as [Record<string, string>, number],
      [{ schedule: name, outcome: 'failed' }, r.failed] as [Record<string, string>, number],
    ]),
  );
  const h = 'vigil_watch_alert_latency_seconds';
  out.push(`# HELP ${h} From an item's arrival to its alert in the outbox.`, `# TYPE ${h} histogram`);
  BUCKETS.forEach((b, i) => out.push(`${h}_bucket{le="${b}"} ${m.latency.buckets[i]}`));
  out.push(`${h}_bucket{le="+Inf"} ${m.latency.count}`, `${h}_sum ${m.latency.sum}`, `${h}_count ${m.latency.count}`);
  return out.join('\n') + '\n';
}

/** Status as JSON for /healthz. */
export async function healthStatus(v: HealthView): Promise<Record<string, unknown>> {
  const m = v.metrics;
  return {
    status: v.status,
    uptimeSeconds: Math.round((Date.now() - m.started) / 1000),
    eventsIn: m.eventsIn,
    filesIn: m.filesIn,
    alertsOut: m.alertsOut,
    lastCommit: m.lastCommitAt ? new Date(m.lastCommitAt).toISOString() : null,
    failures: Object.fromEntries(m.failures),
    sources: v.sources.map((s) => ({ name: s.name, ...s.stats })),
    outbox: await v.outbox().catch((e: Error) => ({ error: e.message.split('\n')[0] })),
  };
}

/** Serves /healthz and /metrics on 127.0.0.1 only. Port 0 takes a free port; the one bound is returned. */
export async function startHealthServer(port: number, view: () => HealthView): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = async () => {
      const v = view();
      if (req.method !== 'GET') {
        res.writeHead(405, { allow: 'GET' }).end();
      } else if (path === '/healthz') {
        const body = await healthStatus(v);
        res.writeHead(v.status === 'running' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      } else if (path === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(await renderMetrics(v));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
      }
    };
    reply().catch((e: Error) => res.writeHead(500).end(e.message.split('\n')[0]));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
