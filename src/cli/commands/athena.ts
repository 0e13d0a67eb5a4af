import type { Command } from 'commander';
import { contextFor } from '../context.js';
import { athenaDdl, AthenaEngine } from '../../athena/index.js';

export function registerAthena(program: Command): void {
  const athena = program.command('athena').description('Scale out: the lake table on Athena over the trail bucket');
  athena
    .command('ddl')
    .description("Print the CloudTrail table's DDL for Athena (partition projection on account, region, day)")
    .action((_o, cmd: Command) => {
      const ctx = contextFor(cmd);
      ctx.output.out(athenaDdl(ctx.config.athena) + ';');
    });
  athena
    .command('setup')
    .description('Create the database and the CloudTrail table in Athena (from vigil.yaml `athena:`)')
    .action(async (_o, cmd: Command) => {
      const ctx = contextFor(cmd);
      const engine = new AthenaEngine(ctx.config.athena, { profile: ctx.config.aws.profile });
      await engine.query(`CREATE DATABASE IF NOT EXISTS ${ctx.config.athena.database}`);
      const r = await engine.query(athenaDdl(ctx.config.athena));
      ctx.output.out(ctx.output.json ? JSON.stringify({ created: `${ctx.config.athena.database}.${ctx.config.athena.table}`, queryId: r.queryId }) : `created ${ctx.config.athena.database}.${ctx.config.athena.table}`);
    });
}
