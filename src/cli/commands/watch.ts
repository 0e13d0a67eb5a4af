import type { Command } from 'commander';
import { contextFor } from '../context.js';
import { renderPairs } from '../output.js';
import { UsageError } from '../../util/errors.js';
import { loadWatchDeps, runDaemon } from '../../watch/index.js';
import { packFromFlags, ruleOptions, type RuleFlags } from './rules.js';

interface WatchFlags extends RuleFlags {
  once?: boolean;
  healthPort?: string;
}

export function registerWatch(program: Command): void {
  ruleOptions(
    program
      .command('watch')
      .description('Watch new CloudTrail continuously: into the lake (exactly once), through the live rules, alerts to the sinks; schedules; /healthz and /metrics')
      .argument('[source...]', 'sqs://<queue url or name>, s3://bucket/prefix, dir:<path> or a directory, - (stdin); overrides watch.sources')
      .option('--once', 'stop when the sources are drained and the outbox is empty (schedules are not run)')
      .option('--health-port <port>', 'serve /healthz and /metrics on 127.0.0.1:<port> (0: any free port, printed)'),
  ).action(async (sources: string[], o: WatchFlags, cmd: Command) => {
    const ctx = contextFor(cmd);
    let healthPort: number | undefined;
    if (o.healthPort !== undefined) {
      healthPort = Number(o.healthPort);
      if (!Number.isInteger(healthPort) || healthPort < 0 || healthPort > 65535) throw new UsageError(`--health-port: ${o.healthPort} is not a port (0-65535)`);
    }
    const pack = packFromFlags(ctx, o);
    // Before the store opens: the modules register their tables (outbox, resource history) as they load.
    const deps = await loadWatchDeps();
    const store = await ctx.openStore();
    try {
      const s = await runDaemon({
        store,
        config: ctx.config,
        pack,
        deps,
        sources,
        once: o.once,
        healthPort,
        log: (m) => ctx.output.log(`watch: ${m}`),
        fault: process.env.VIGIL_FAULT,
      });
      if (ctx.output.json) ctx.output.out(JSON.stringify(s));
      else
        ctx.output.out(
          renderPairs([
            ['events', s.events],
            ['files', s.files],
            ['alerts queued', s.alerts],
            ['lake commits', s.commits],
            ['items acked', s.acked],
            ['re-deliveries skipped', s.skipped],
            ['failures', Object.entries(s.failures).map(([k, n]) => `${k}: ${n}`).join(', ') || 'none'],
            ['seconds', s.seconds.toFixed(1)],
          ]),
        );
      if (Object.keys(s.failures).length) process.exitCode = 1;
    } finally {
      store.close();
    }
  });
}
