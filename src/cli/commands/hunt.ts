import type { Command } from 'commander';
import { contextFor, type Context } from '../context.js';
import { parseTimeArg } from '../../lake/layout.js';
import { alertsCsv, formatAlert, hunt, type Alert, type AlertFormat, type HuntResult } from '../../detect/index.js';
import { packFromFlags, ruleOptions, type RuleFlags } from './rules.js';
import { huntAthena } from '../../athena/index.js';
import { ENGINE_HELP, engineOf, reportAthenaCost, withAthena } from './athena.js';

export interface FormatFlags {
  csv?: boolean;
  ocsf?: boolean;
}

export function formatOf(ctx: Context, o: FormatFlags): AlertFormat {
  return o.csv ? 'csv' : o.ocsf ? 'ocsf' : ctx.output.json ? 'json' : 'text';
}

export function printAlerts(ctx: Context, alerts: Alert[], format: AlertFormat): void {
  if (format === 'csv') ctx.output.out(alertsCsv(alerts));
  else for (const a of alerts) ctx.output.out(formatAlert(a, format));
  if (format === 'text' && alerts.length === 0) ctx.output.out('no alerts');
}

export function registerHunt(program: Command): void {
  ruleOptions(
    program
      .command('hunt')
      .description('Run detection rules retroactively over the CloudTrail lake (SQL)')
      .option('--since <time>', 'from (30d, 12h, 2024-03-01, ISO time)', '30d')
      .option('--until <time>', 'to (default now)')
      .option('--csv', 'CSV output')
      .option('--ocsf', 'OCSF Detection Finding (class 2004), one JSON object a line')
      .option('--engine <engine>', ENGINE_HELP, 'local'),
  ).action(async (o: RuleFlags & FormatFlags & { since: string; until?: string; engine?: string }, cmd: Command) => {
    const ctx = contextFor(cmd);
    const engine = engineOf(o.engine);
    const pack = packFromFlags(ctx, o);
    const window = { since: parseTimeArg(o.since), until: o.until ? parseTimeArg(o.until) : undefined };
    const t0 = Date.now();
    let r: HuntResult;
    if (engine === 'athena') {
      // The scan runs on Athena; the windowed rules run locally over its matches (no local store needed).
      const a = await withAthena(ctx, (athena, signal) => huntAthena(athena, pack, window, signal));
      reportAthenaCost(ctx, { queries: 1, dataScannedBytes: a.dataScannedBytes, costUSD: a.costUSD, queryIds: [a.queryId] });
      r = a;
    } else {
      const store = await ctx.openStore({ readOnly: true });
      try {
        r = await hunt(store, pack, window);
      } finally {
        store.close();
      }
    }
    ctx.output.log(`hunt: ${pack.rules.length} rules, ${r.matches} matching events, ${r.alerts.length} alerts in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    printAlerts(ctx, r.alerts, formatOf(ctx, o));
  });
}
