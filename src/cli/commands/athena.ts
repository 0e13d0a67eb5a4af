import type { Command } from 'commander';
import { contextFor, type Context } from '../context.js';
import { athenaDdl, AthenaEngine, type LakeStats } from '../../athena/index.js';
import { UsageError } from '../../util/errors.js';

export type EngineName = 'local' | 'athena';

export const ENGINE_HELP = 'local (the DuckDB lake) or athena (the trail bucket, see `vigil athena`)';

/** Validates `--engine`. */
export function engineOf(v: string | undefined): EngineName {
  const e = v ?? 'local';
  if (e !== 'local' && e !== 'athena') throw new UsageError(`--engine: local or athena, not ${e}`);
  return e;
}

/**
 * Runs `fn` with an Athena engine from vigil.yaml and a signal that Ctrl-C aborts (the running query is then
 * stopped on Athena, not left to run and bill).
 */
export async function withAthena<T>(ctx: Context, fn: (engine: AthenaEngine, signal: AbortSignal) => Promise<T>): Promise<T> {
  const engine = new AthenaEngine(ctx.config.athena, { profile: ctx.config.aws.profile });
  const ac = new AbortController();
  const onInt = () => ac.abort();
  process.once('SIGINT', onInt);
  try {
    return await fn(engine, ac.signal);
  } finally {
    process.off('SIGINT', onInt);
  }
}

/** Data scanned and its cost, on stderr: a line for people, one JSON object with `--json`. */
export function reportAthenaCost(ctx: Context, stats: LakeStats & { queryIds: string[] }): void {
  if (ctx.output.json) ctx.output.log(JSON.stringify({ engine: 'athena', ...stats, costUSD: Number(stats.costUSD.toFixed(6)) }));
  else
    ctx.output.log(
      `athena: ${stats.queries} ${stats.queries === 1 ? 'query' : 'queries'} (${stats.queryIds.join(', ')}) scanned ${(stats.dataScannedBytes / 1e6).toFixed(1)} MB ($${stats.costUSD.toFixed(4)})`,
    );
}

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
