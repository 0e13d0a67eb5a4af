import type { Command } from 'commander';
import { contextFor, type Context } from '../context.js';
import { renderCsv, renderPairs, renderTable } from '../output.js';
import { progressBar } from '../progress.js';
import { ingest } from '../../lake/run.js';
import { lakeErrors, lakeStats } from '../../lake/stats.js';
import { parseTimeArg, type LogFilter } from '../../lake/layout.js';
import { installCompat } from '../../lake/compat.js';
import { listSavedQueries, renderSavedQuery } from '../../lake/queries/index.js';
import { UsageError } from '../../util/errors.js';
import { scopeQuery, type QueryScope } from '../../athena/index.js';
import { ENGINE_HELP, engineOf, reportAthenaCost, withAthena } from './athena.js';
import type { Row } from '../../store/store.js';

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

interface FilterFlags {
  since?: string;
  until?: string;
  accounts?: string[];
  regions?: string[];
}

function filterFrom(o: FilterFlags): LogFilter {
  return {
    since: o.since ? parseTimeArg(o.since) : undefined,
    until: o.until ? parseTimeArg(o.until) : undefined,
    accounts: o.accounts,
    regions: o.regions,
  };
}

const mb = (bytes: number) => (bytes / 1048576).toFixed(1);

export function registerLake(program: Command): void {
  const lake = program.command('lake').description('The CloudTrail lake: ingest logs once, query them with Athena-compatible SQL');

  lake
    .command('ingest')
    .description('Load CloudTrail logs (files, directories, globs, s3://bucket/prefix, - for stdin) into the lake, exactly once')
    .argument('<source...>', 'log files, directories, globs, s3:// URLs or -')
    .option('--since <time>', 'skip files and events before this (30d, 12h, 2024-03-01, ISO time)')
    .option('--until <time>', 'skip files and events after this')
    .option('--accounts <ids>', 'only these accounts (comma-separated)', list)
    .option('--regions <names>', 'only these regions (comma-separated)', list)
    .option('--endpoint <url>', 'S3-compatible endpoint for s3:// sources')
    .option('--retry-errors', 'read again files that failed before, even if unchanged')
    .action(async (sources: string[], o: FilterFlags & { endpoint?: string; retryErrors?: boolean }, cmd: Command) => {
      const ctx = contextFor(cmd);
      if (o.endpoint) ctx.config.aws.endpoint = o.endpoint;
      await runIngest(ctx, sources, filterFrom(o), { retryErrors: !!o.retryErrors });
    });

  lake
    .command('query')
    .description('Run SQL over cloudtrail_logs (Athena dialect works: json_extract_scalar, from_iso8601_timestamp ...)')
    .argument('[sql]', 'the SQL to run')
    .option('--saved <name>', 'run a saved query (see `vigil lake queries`)')
    .option('--since <time>', 'for saved queries: from (default 30d)')
    .option('--until <time>', 'for saved queries: to (default now)')
    .option('--csv', 'CSV output')
    .option('--fail-on-rows', 'exit 1 when the query returns any row (for CI and cron)')
    .option('--engine <engine>', ENGINE_HELP, 'local')
    .action(async (sql: string | undefined, o: QueryFlags, cmd: Command) => {
      const ctx = contextFor(cmd);
      if (!sql && !o.saved) throw new UsageError('lake query: give SQL or --saved <name>');
      if (sql && o.saved) throw new UsageError('lake query: give SQL or --saved, not both');
      const scope: QueryScope = o.saved ? { since: parseTimeArg(o.since ?? '30d'), until: o.until ? parseTimeArg(o.until) : new Date() } : {};
      const text = o.saved ? renderSavedQuery(o.saved, { since: scope.since!, until: scope.until! }) : sql!;
      const { columns, rows } = engineOf(o.engine) === 'athena' ? await queryAthena(ctx, text, scope) : await queryLocal(ctx, text, scope);
      printRows(ctx, columns, rows, !!o.csv);
      if (o.failOnRows && rows.length > 0) process.exitCode = 1;
    });

  lake
    .command('queries')
    .description('List the saved queries')
    .action((_o, cmd: Command) => {
      const ctx = contextFor(cmd);
      const qs = listSavedQueries();
      if (ctx.output.json) ctx.output.out(JSON.stringify(qs.map((q) => ({ name: q.name, description: q.description }))));
      else ctx.output.out(qs.map((q) => `${q.name.padEnd(28)} ${q.description}`).join('\n'));
    });

  lake
    .command('stats')
    .description('What the lake holds: events per day, account, region and source; files and errors')
    .action(async (_o, cmd: Command) => {
      const ctx = contextFor(cmd);
      const store = await ctx.openStore({ readOnly: true });
      try {
        const s = await lakeStats(store);
        if (ctx.output.json) return ctx.output.out(JSON.stringify(s));
        ctx.output.out(
          renderPairs([
            ['events', s.events],
            ['first event', s.firstEvent],
            ['last event', s.lastEvent],
            ['files ingested', s.files.done],
            ['files with errors', s.files.error],
          ]),
        );
        for (const [title, rows] of [
          ['per day', s.byDay],
          ['per account', s.byAccount],
          ['per region', s.byRegion],
          ['per source (top 15)', s.bySource],
        ] as const) {
          ctx.output.out(`\n${title}`);
          ctx.output.out(renderTable(Object.keys(rows[0] ?? { events: 0 }), rows));
        }
      } finally {
        store.close();
      }
    });

  lake
    .command('errors')
    .description('Files that could not be ingested, each with a one-line reason')
    .action(async (_o, cmd: Command) => {
      const ctx = contextFor(cmd);
      const store = await ctx.openStore({ readOnly: true });
      try {
        const errs = await lakeErrors(store);
        if (ctx.output.json) ctx.output.out(JSON.stringify(errs));
        else ctx.output.out(errs.length ? errs.map((e) => `${e.file}: ${e.error}`).join('\n') : 'no ingestion errors');
      } finally {
        store.close();
      }
    });
}

interface QueryFlags {
  saved?: string;
  since?: string;
  until?: string;
  csv?: boolean;
  failOnRows?: boolean;
  engine: string;
}

/** Saved queries are scoped (time) through the dialect layer on both engines, so both run the same text. */
async function queryLocal(ctx: Context, text: string, scope: QueryScope) {
  const store = await ctx.openStore({ readOnly: true });
  try {
    await installCompat(store);
    const sql = Object.keys(scope).length ? scopeQuery(text, scope, 'main.cloudtrail_logs') : text;
    return await store.table(sql).catch((e: Error) => {
      throw new UsageError(`query: ${e.message.split('\n')[0]}`);
    });
  } finally {
    store.close();
  }
}

async function queryAthena(ctx: Context, text: string, scope: QueryScope) {
  return withAthena(ctx, async (engine, signal) => {
    const r = await engine.query(Object.keys(scope).length ? scopeQuery(text, scope, engine.table) : text, signal);
    reportAthenaCost(ctx, { queries: 1, dataScannedBytes: r.dataScannedBytes, costUSD: r.costUSD, queryIds: [r.queryId] });
    return r;
  });
}

export function printRows(ctx: Context, columns: string[], rows: Row[], csv: boolean): void {
  if (ctx.output.json) ctx.output.out(JSON.stringify(rows));
  else if (csv) ctx.output.out(renderCsv(columns, rows));
  else ctx.output.out(renderTable(columns, rows));
}

/** Shared by `lake ingest` and the demo. Exit 1 when some files failed (a partial run). */
export async function runIngest(ctx: Context, sources: string[], filter: LogFilter, opts: { retryErrors?: boolean; print?: boolean } = {}) {
  const { retryErrors = false, print = true } = opts;
  const store = await ctx.openStore();
  const bar = progressBar(ctx.output, 'ingest {bar} {percentage}% | {value}/{total} files | {eps} ev/s | {mbs} MB/s | {errors} errors | ETA {eta_formatted}');
  const t0 = Date.now();
  try {
    const r = await ingest(store, {
      sources,
      filter,
      retryErrors,
      config: ctx.config,
      onInfo: (m) => ctx.output.log(m),
      onProgress: (p) => {
        const secs = Math.max((Date.now() - t0) / 1000, 0.001);
        bar.update(p.filesDone, p.filesTotal, { eps: Math.round(p.inserted / secs), mbs: mb(p.bytesDone / secs), errors: p.errors });
      },
    });
    bar.stop();
    if (!print) {
      // the caller reports
    } else if (ctx.output.json) {
      ctx.output.out(JSON.stringify(r));
    } else {
      ctx.output.out(
        renderPairs([
          ['files ingested', r.filesIngested],
          ['files already ingested', r.filesSkipped],
          ['files with errors', r.filesFailed],
          ['digest files skipped', r.digestsSkipped],
          ['files pruned', r.pruned],
          ['S3 folders skipped unlisted', r.prunedPrefixes],
          ['events stored', r.inserted],
          ['time', `${r.seconds.toFixed(1)} s (${Math.round(r.inserted / Math.max(r.seconds, 0.001))} events/s)`],
        ]),
      );
      for (const e of r.errors.slice(0, 20)) ctx.output.log(`error: ${e.key}: ${e.error}`);
      if (r.errors.length > 20) ctx.output.log(`... and ${r.errors.length - 20} more: vigil lake errors`);
    }
    if (r.filesFailed > 0) process.exitCode = 1;
    return r;
  } finally {
    bar.stop();
    store.close();
  }
}
