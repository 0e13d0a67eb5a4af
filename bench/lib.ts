/** Shared by the benchmarks: argument parsing, timing, child-process peak memory, the final JSON line. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function arg(name: string, fallback: number): number;
export function arg(name: string, fallback: string): string;
export function arg(name: string, fallback: number | string): number | string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) return fallback;
  const v = process.argv[i + 1]!;
  return typeof fallback === 'number' ? Number(v) : v;
}

export async function timed<T>(fn: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - t0) / 1000, value };
}

export interface ChildRun {
  seconds: number;
  code: number;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the child (VmHWM), in MiB. */
  peakRssMiB: number;
  /** CPU time of the child, all threads (user + system, sampled every 50 ms: slightly under the total). */
  cpuSeconds: number;
}

/** Runs a command, sampling its peak RSS from /proc while it runs. */
export function runChild(cmd: string, args: string[], env: Record<string, string> = {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    let cpuTicks = 0;
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
        // /proc/<pid>/stat: utime and stime are fields 14 and 15 (after the parenthesised command name).
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        cpuTicks = Math.max(cpuTicks, Number(f[11]) + Number(f[12]));
      } catch {
        /* exited */
      }
    };
    const timer = setInterval(sample, 50);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      // Clock ticks are 1/100 s on Linux.
      resolve({ seconds: (performance.now() - t0) / 1000, code: code ?? -1, stdout, stderr, peakRssMiB: Math.round(peak), cpuSeconds: cpuTicks / 100 });
    });
  });
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Every benchmark ends with exactly one line of JSON holding its figures and ratios. */
export function finalLine(figures: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(figures) + '\n');
}
