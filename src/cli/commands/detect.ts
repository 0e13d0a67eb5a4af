import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Command } from 'commander';
import { contextFor } from '../context.js';
import { UsageError } from '../../util/errors.js';
import { parseLogText } from '../../lake/formats.js';
import { formatAlert, LiveEngine, type Alert } from '../../detect/index.js';
import { formatOf, printAlerts, type FormatFlags } from './hunt.js';
import { packFromFlags, ruleOptions, type RuleFlags } from './rules.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

function text(buf: Buffer): string {
  return (buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf).toString('utf8');
}

/** Log files under a source: a file, or a directory walked recursively (sorted, hidden files skipped). */
function logFiles(src: string): string[] {
  const st = statSync(src, { throwIfNoEntry: false });
  if (!st) throw new UsageError(`${src}: no such file or directory`);
  if (!st.isDirectory()) return [src];
  const out: string[] = [];
  for (const name of readdirSync(src).sort()) if (!name.startsWith('.')) out.push(...logFiles(join(src, name)));
  return out;
}

export function registerDetect(program: Command): void {
  ruleOptions(
    program
      .command('detect')
      .description('Stream CloudTrail events (files, directories or - for stdin; any lake format) through the live engine')
      .argument('<source...>', 'log files ({"Records":[...]}, arrays, NDJSON, EventBridge; .gz too), directories, or -')
      .option('--csv', 'CSV output')
      .option('--ocsf', 'OCSF Detection Finding (class 2004), one JSON object a line'),
  ).action(async (sources: string[], o: RuleFlags & FormatFlags, cmd: Command) => {
    const ctx = contextFor(cmd);
    const pack = packFromFlags(ctx, o);
    const format = formatOf(ctx, o);
    const streamed: Alert[] = [];
    // Alerts print as their dedup period closes; CSV is written whole at the end.
    const engine = new LiveEngine(pack, (a) => (format === 'csv' ? streamed.push(a) : ctx.output.out(formatAlert(a, format))));
    let bad = 0;
    const files = sources.flatMap((s) => (s === '-' ? ['-'] : logFiles(s)));
    for (const f of files) {
      try {
        const buf = f === '-' ? await readAll(process.stdin) : readFileSync(f);
        const { records } = parseLogText(text(buf));
        for (const r of records) engine.push(r);
      } catch (e) {
        bad++;
        ctx.output.log(`${f === '-' ? 'stdin' : f}: skipped: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    const all = engine.flush();
    if (format === 'csv') printAlerts(ctx, all, 'csv');
    else if (all.length === 0 && format === 'text') ctx.output.out('no alerts');
    ctx.output.log(`detect: ${engine.stats.events} events, ${engine.stats.matches} matches, ${all.length} alerts`);
    if (bad) process.exitCode = 1;
  });
}
