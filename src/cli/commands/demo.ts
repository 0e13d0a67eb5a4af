import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { contextFor } from '../context.js';
import { renderTable } from '../output.js';
import { runIngest } from './lake.js';
import { writeDemoTrail, DEMO_START, DEMO_DAYS } from '../../demo/lake.js';
import { installCompat } from '../../lake/compat.js';
import { renderSavedQuery } from '../../lake/queries/index.js';

/** The saved queries that reveal the planted intrusion, in the order an analyst would run them. */
const REVEALING = ['unauthorized-calls', 'iam-changes', 'access-keys-created', 'logging-tampering', 'network-changes', 'top-principals'];

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Run vigil end to end on a generated sample organisation with a planted intrusion')
    .option('--dir <dir>', 'where the demo writes its data', '.vigil/demo')
    .option('--fresh', 'regenerate the sample data and start a new store')
    .action(async (o: { dir: string; fresh?: boolean }, cmd: Command) => {
      const ctx = contextFor(cmd);
      const root = resolve(o.dir);
      if (!cmd.optsWithGlobals().db) ctx.config.store.path = join(root, 'vigil.duckdb');
      if (o.fresh) (await import('node:fs')).rmSync(ctx.config.store.path, { force: true });
      const say = (t: string) => (ctx.output.json ? ctx.output.log(t) : ctx.output.out(t));

      say(`== 1. CloudTrail of a sample organisation: ${DEMO_DAYS} days from ${DEMO_START}, with a planted intrusion`);
      const trail = await writeDemoTrail(root, o.fresh);
      say(trail ? `wrote ${trail.records} records in ${trail.files} files under ${trail.dir}` : `using the sample trail already in ${join(root, 'trail')}`);

      say(`\n== 2. vigil lake ingest ${join(o.dir, 'trail')}`);
      const ingested = await runIngest(ctx, [join(root, 'trail')], {}, { print: !ctx.output.json });

      const store = await ctx.openStore({ readOnly: true });
      const results: Record<string, unknown[]> = {};
      try {
        await installCompat(store);
        for (const name of REVEALING) {
          const sql = renderSavedQuery(name, { since: new Date(`${DEMO_START}T00:00:00Z`), until: new Date(Date.parse(`${DEMO_START}T00:00:00Z`) + DEMO_DAYS * 86400_000) });
          const { columns, rows } = await store.table(sql);
          results[name] = rows;
          say(`\n== vigil lake query --saved ${name}  (${rows.length} rows)`);
          if (!ctx.output.json) say(renderTable(columns, rows.slice(0, 12)) + (rows.length > 12 ? `\n... ${rows.length - 12} more` : ''));
        }
      } finally {
        store.close();
      }
      if (ctx.output.json) ctx.output.out(JSON.stringify({ ingest: ingested, queries: results }));
      say(`\nThe store is ${ctx.config.store.path}; try: vigil lake query --db ${ctx.config.store.path} "SELECT eventname, count(*) FROM cloudtrail_logs GROUP BY 1 ORDER BY 2 DESC LIMIT 10"`);
    });
}
