/**
 * The benchmark archive: a large, realistic organisation trail (≥ the requested events, ~1.5 KB a record, ~200 records
 * a gzip file, AWSLogs layout). Days are independent, so they are generated on worker threads, one per core, and
 * the bytes do not depend on how many workers ran.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AwsLogsWriter, type AwsLogsResult } from './awslogs.js';
import { generateOrgDay, type OrgOptions } from './org.js';
import type { Account } from './estate.js';
import { UsageError } from '../util/errors.js';

export interface VolumeOptions {
  events: number;
  seed?: number;
  /** First day (`YYYY-MM-DD`). Default 2026-01-05. */
  start?: string;
  /** Days the events spread over. Default: one day per 50k events (bounded memory), 2 to 90 days. */
  days?: number;
  accounts?: Account[];
  regions?: string[];
  /** Generated colleagues beside the named people (principals for the access benchmark). Default 100. */
  extraPeople?: number;
  intrusion?: boolean;
  sharedAdminRole?: boolean;
  orgId?: string;
  recordsPerFile?: number;
  /** zlib level. Default 1 (fastest; the archive is for reading speed, not size). */
  gzipLevel?: number;
  /** Worker threads; 0 generates in this thread. Default: the cores available, at most the days. */
  workers?: number;
}

export const VOLUME_ACCOUNTS: Account[] = [
  { id: '123456789012', name: 'management' },
  { id: '234567890123', name: 'production' },
  { id: '345678901234', name: 'staging' },
  { id: '456789012345', name: 'data' },
  { id: '567890123456', name: 'sandbox' },
];
export const VOLUME_REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2'];

/** What one worker does: its share of the days, each written by its own writer. */
export interface VolumeTask {
  outDir: string;
  org: OrgOptions;
  days: number[];
  writer: { recordsPerFile: number; gzipLevel: number; seed: number; orgId?: string };
}

function emptyResult(): AwsLogsResult {
  return { files: 0, records: 0, bytes: 0, digestFiles: 0, duplicateFiles: 0, duplicateRecords: 0 };
}

function addResult(into: AwsLogsResult, r: AwsLogsResult): void {
  for (const k of Object.keys(into) as (keyof AwsLogsResult)[]) into[k] += r[k];
}

/** Writes the given days (run inside a worker, or in this thread). */
export async function writeVolumeDays(task: VolumeTask): Promise<AwsLogsResult> {
  const total = emptyResult();
  for (const d of task.days) {
    // A day is one delivery window per account and region, so files fill up to recordsPerFile (~200) as on a
    // busy organisation trail; each day has its own writer so the output does not depend on the worker split.
    const writer = new AwsLogsWriter(task.outDir, { ...task.writer, deliveryMinutes: 1440 });
    for (const r of generateOrgDay(task.org, d)) await writer.add(r);
    addResult(total, await writer.finish());
  }
  return total;
}

/** Sources run through tsx (checkout, tests): the worker registers the same loader before importing its module. */
function tsBootstrap(workerUrl: string): string {
  // The ESM entry of tsx's API (require.resolve would give the CommonJS one).
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  const api = pathToFileURL(join(dirname(pkg), 'dist/esm/api/index.mjs')).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl)}); });`;
}

function runWorker(task: VolumeTask): Promise<AwsLogsResult> {
  const self = import.meta.url;
  const ts = self.endsWith('.ts');
  const url = new URL(ts ? './volume-worker.ts' : './volume-worker.js', self);
  return new Promise((resolve, reject) => {
    const w = ts ? new Worker(tsBootstrap(url.href), { eval: true, workerData: task }) : new Worker(url, { workerData: task });
    let done = false;
    w.once('message', (m: AwsLogsResult) => {
      done = true;
      resolve(m);
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (!done) reject(new Error(`volume worker exited with code ${code} before finishing`));
    });
  });
}

/** Writes the benchmark archive under `outDir`; deterministic given the options. Prints nothing. */
export async function writeVolumeArchive(outDir: string, opts: VolumeOptions): Promise<AwsLogsResult> {
  if (!Number.isInteger(opts.events) || opts.events < 1) throw new UsageError(`synth: events must be a positive integer, got ${opts.events}`);
  const days = opts.days ?? Math.min(90, Math.max(2, Math.ceil(opts.events / 50_000)));
  const seed = opts.seed ?? 1;
  const org: OrgOptions = {
    seed,
    start: opts.start ?? '2026-01-05',
    days,
    accounts: opts.accounts ?? VOLUME_ACCOUNTS,
    regions: opts.regions ?? VOLUME_REGIONS,
    eventsPerDay: Math.ceil(opts.events / days),
    extraPeople: opts.extraPeople ?? 100,
    intrusion: opts.intrusion ?? false,
    sharedAdminRole: opts.sharedAdminRole ?? false,
  };
  const writer = { recordsPerFile: opts.recordsPerFile ?? 200, gzipLevel: opts.gzipLevel ?? 1, seed, orgId: opts.orgId };
  const all = Array.from({ length: days }, (_, i) => i);
  const workers = Math.min(opts.workers ?? availableParallelism(), days);
  if (workers <= 0) return writeVolumeDays({ outDir, org, days: all, writer });
  const shares = Array.from({ length: workers }, (_, w) => all.filter((d) => d % workers === w));
  const results = await Promise.all(shares.map((share) => runWorker({ outDir, org, days: share, writer })));
  const total = emptyResult();
  for (const r of results) addResult(total, r);
  return total;
}
