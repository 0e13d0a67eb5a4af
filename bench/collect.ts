/**
 * npm run bench:collect [-- --accounts 5 --regions 17 --latency 50 --baseline-regions 2 --full-baseline 0]
 * An organisation on the simulated AWS (in its own process, so it has a core of its own) with 50 ms a call and
 * per-service rate limits. Measures in one run: vigil's collection (wall time, calls, throttling), a sequential
 * baseline (one call at a time, as CloudMapper collects), and the lower bound the rate limits allow; then the
 * ratios and the responses lost (the simulator delivered them, the snapshot lacks them: must be 0).
 * The sequential baseline runs on one account and `--baseline-regions` regions and is scaled by the measured
 * time per account (global calls) and per region (regional calls); `--full-baseline 1` runs it whole (slow).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { SUPPORT_CALLS } from '../src/aws/calls.js';
import { SERVICES, loadService, serviceDef } from '../src/aws/services.js';
import { syntheticScenario } from '../src/aws/sim/synthetic.js';
import { collect, type CollectOptions } from '../src/collect/collector.js';
import { openCloudMapperDir } from '../src/snapshot/cloudmapper-dir.js';
import { arg, finalLine, round } from './lib.js';

const ALL_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1',
  'eu-north-1', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'sa-east-1',
];
const accounts = arg('accounts', 5);
const regionCount = arg('regions', 17);
const latencyMs = arg('latency', 50);
const baselineRegions = arg('baseline-regions', 2);
const fullBaseline = arg('full-baseline', 0) === 1;
const log = (s: string) => process.stderr.write(s + '\n');

/** Per-service limits (requests/s per account, region and service), AWS-like: IAM is the tightest. */
const RATES: Record<string, number> = Object.fromEntries(SERVICES.map((s) => [s.prefix, 10]));
Object.assign(RATES, { ec2: 20, iam: 5, s3: 20, sts: 20 });

/** CPU seconds a process has used (utime + stime, from /proc; Linux's 100 ticks a second). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Sim {
  endpoint: string;
  child: ChildProcess;
  stats(): Promise<{ delivered: Record<string, number>; accepted: Record<string, number>; throttled: number; requests: number }>;
  stop(): void;
}

async function startSim(dir: string, nAccounts: number, regions: string[]): Promise<Sim> {
  const scenario = { ...syntheticScenario({ accounts: nAccounts, regions }), roleNames: ['VigilAudit'], latencyMs, rateLimits: RATES };
  const path = join(dir, `scenario-${nAccounts}x${regions.length}.json`);
  writeFileSync(path, JSON.stringify(scenario));
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('src/aws/sim/main.ts'), path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((ok, fail) => {
    createInterface({ input: child.stdout! }).once('line', ok);
    child.once('exit', (code) => fail(new Error(`simulator exited (${code})`)));
  });
  const endpoint = (JSON.parse(first) as { endpoint: string }).endpoint;
  return {
    endpoint,
    child,
    stats: async () => (await (await fetch(`${endpoint}/__sim/stats`)).json()) as Awaited<ReturnType<Sim['stats']>>,
    stop: () => child.kill('SIGTERM'),
  };
}

function options(sim: Sim, dir: string, extra: Partial<CollectOptions> = {}): CollectOptions {
  return {
    dir,
    id: dir.split('/').pop()!,
    endpoint: sim.endpoint,
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
    organization: true,
    role: { name: 'VigilAudit' },
    rateLimits: RATES,
    ...extra,
  };
}

/** Delivered responses the snapshot does not hold as ok. */
function lostResponses(dir: string, delivered: Record<string, number>): string[] {
  const snap = openCloudMapperDir(dir);
  return Object.keys(delivered).filter((key) => {
    const [account, region, call, param] = key.split('|') as [string, string, string, string];
    return !SUPPORT_CALLS.has(call) && snap.call(account, region, call, param === '' ? undefined : param)?.status !== 'ok';
  });
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'vigil-bench-collect-'));
  const regions = ALL_REGIONS.slice(0, regionCount);
  log(`organisation: ${accounts} accounts × ${regions.length} regions, ${latencyMs} ms a call, rate limits ${JSON.stringify({ ec2: RATES.ec2, iam: RATES.iam, s3: RATES.s3, others: 10 })}/s`);
  try {
    // Both runs share this process: load the SDK clients and warm their lazy paths once, before either is timed.
    for (const s of SERVICES) await loadService(s.prefix);
    const warm = await startSim(work, 1, regions.slice(0, 1));
    await collect(options(warm, join(work, 'warm-up')));
    warm.stop();
    // vigil
    const sim = await startSim(work, accounts, regions);
    const vigilDir = join(work, 'vigil');
    const simCpu0 = cpuSecondsOf(sim.child.pid!);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await collect(options(sim, vigilDir));
    const vigilSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const collectorCpu = (cpu.user + cpu.system) / 1e6;
    const simulatorCpu = cpuSecondsOf(sim.child.pid!) - simCpu0;
    const stats = await sim.stats();
    sim.stop();
    const lost = lostResponses(vigilDir, stats.delivered);
    log(`vigil: ${r.calls} calls in ${vigilSeconds.toFixed(2)} s, ${r.gaps.length} gaps, ${stats.throttled} throttled by the simulator, ${r.throttleRetries} re-queued, ${lost.length} lost`);
    // What the CPU allows: each process runs on one thread, and both share two cores.
    const cpuBound = Math.max(collectorCpu, simulatorCpu, (collectorCpu + simulatorCpu) / 2);
    log(
      `CPU: collector ${collectorCpu.toFixed(1)} s, simulator ${simulatorCpu.toFixed(1)} s ` +
        `(${((1000 * collectorCpu) / stats.requests).toFixed(1)} + ${((1000 * simulatorCpu) / stats.requests).toFixed(1)} ms a request): no faster than ${cpuBound.toFixed(1)} s on this machine`,
    );

    // The bound: the busiest account/region/service at its rate (after a second's burst), or the longest chain of
    // dependent requests (identity, accounts, role, regions, the most pages of one call, then its parameterised calls).
    let rateBound = 0;
    let busiest = '';
    for (const [key, n] of Object.entries(stats.accepted)) {
      const rate = RATES[key.split('|')[2]!] ?? 10;
      const t = Math.max(0, n - Math.max(1, rate)) / rate;
      if (t > rateBound) [rateBound, busiest] = [t, `${key} (${n} requests at ${rate}/s)`];
    }
    const maxPages = Math.max(...Object.values(stats.delivered));
    const chainBound = ((4 + maxPages + 1) * latencyMs) / 1000;
    const lowerBound = Math.max(rateBound, chainBound);
    log(`lower bound: ${lowerBound.toFixed(2)} s (rate limits: ${rateBound.toFixed(2)} s on ${busiest}; request chain: ${chainBound.toFixed(2)} s)`);

    // Sequential baseline
    const seqAccounts = fullBaseline ? accounts : 1;
    const seqRegions = fullBaseline ? regions : regions.slice(0, baselineRegions);
    const seqSim = await startSim(work, seqAccounts, seqRegions);
    const seqDir = join(work, 'sequential');
    let last = performance.now();
    const spent = { global: 0, regional: 0 };
    const s0 = performance.now();
    const seq = await collect(
      options(seqSim, seqDir, {
        concurrency: { accounts: 1, perAccount: 1, perService: 1 },
        onProgress: (p) => {
          const now = performance.now();
          spent[serviceDef(p.call.split('-')[0]!).global ? 'global' : 'regional'] += now - last;
          last = now;
        },
      }),
    );
    const seqMeasured = (performance.now() - s0) / 1000;
    const setupSeconds = seqMeasured - (spent.global + spent.regional) / 1000;
    seqSim.stop();
    const sequentialSeconds = fullBaseline
      ? seqMeasured
      : setupSeconds + accounts * (spent.global / 1000 / seqAccounts) + accounts * regions.length * (spent.regional / 1000 / (seqAccounts * seqRegions.length));
    log(
      fullBaseline
        ? `sequential: ${seq.calls} calls in ${seqMeasured.toFixed(2)} s`
        : `sequential: measured ${seq.calls} calls on ${seqAccounts} account × ${seqRegions.length} regions in ${seqMeasured.toFixed(2)} s ` +
            `(global ${(spent.global / 1000).toFixed(2)} s, regional ${(spent.regional / 1000).toFixed(2)} s); scaled to ${accounts} × ${regions.length}: ${sequentialSeconds.toFixed(1)} s`,
    );
    const speedup = sequentialSeconds / vigilSeconds;
    const ofBound = vigilSeconds / lowerBound;
    log(`vigil is ${speedup.toFixed(1)}× faster than sequential (target ≥ 10×) and ${ofBound.toFixed(2)}× the lower bound (target ≤ 2×)`);
    log('figures are noisy: the machine is shared and the simulator and collector share its cores');
    finalLine({
      bench: 'collect',
      accounts,
      regions: regions.length,
      latencyMs,
      calls: r.calls,
      vigilSeconds: round(vigilSeconds),
      sequentialSeconds: round(sequentialSeconds),
      sequentialMeasured: !fullBaseline ? { accounts: seqAccounts, regions: seqRegions.length, calls: seq.calls, seconds: round(seqMeasured) } : undefined,
      lowerBoundSeconds: round(lowerBound),
      collectorCpuSeconds: round(collectorCpu),
      simulatorCpuSeconds: round(simulatorCpu),
      cpuBoundSeconds: round(cpuBound),
      ratioToCpuBound: round(vigilSeconds / cpuBound),
      rateBoundSeconds: round(rateBound),
      speedupVsSequential: round(speedup, 1),
      ratioToLowerBound: round(ofBound),
      throttledBySimulator: stats.throttled,
      requeued: r.throttleRetries,
      gaps: r.gaps.length,
      lostResponses: lost.length,
    });
    if (lost.length) process.exitCode = 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
