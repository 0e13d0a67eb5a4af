import type { Command } from 'commander';
import { contextFor } from '../context.js';
import { renderTable } from '../output.js';
import { UsageError } from '../../util/errors.js';

/** `vigil enforce list`: what automated responses did or, in dry run, would have done, with before/after state. */
export function registerEnforce(program: Command): void {
  const enforce = program.command('enforce').description('Automated responses (configured under enforce: in vigil.yaml; off and dry-run by default)');
  enforce
    .command('list')
    .description('Actions taken or planned, newest first: rule, alert, who triggered it, target, outcome')
    .option('--limit <n>', 'rows at most', '100')
    .action(async (o: { limit: string }, cmd: Command) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit ${o.limit}: expected a positive integer`);
      const ctx = contextFor(cmd);
      const store = await ctx.openStore();
      try {
        // Loaded here: enforcement pulls in four AWS SDK clients, which every other command would pay for.
        const { listEnforcement } = await import('../../watch/enforce/index.js');
        const rows = await listEnforcement(store, limit);
        if (ctx.output.json) return ctx.output.out(JSON.stringify(rows));
        ctx.output.out(renderTable(['time', 'rule', 'alert_id', 'actor', 'action', 'target', 'dry_run', 'outcome', 'error'], rows, 50));
      } finally {
        store.close();
      }
    });
}
