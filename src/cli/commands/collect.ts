import type { Command } from 'commander';
import { contextFor, type Context } from '../context.js';
import { renderPairs, renderTable } from '../output.js';
import { progressBar } from '../progress.js';
import { collectSnapshot, importCloudMapper, type CoverageGap } from '../../collect/index.js';
import { loadCollectConfig, parseCollectConfig, type CollectConfig } from '../../collect/config.js';
import type { SimulatedAws } from '../../aws/sim/server.js';
import { UsageError } from '../../util/errors.js';

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

interface CollectFlags {
  regions?: string[];
  accounts?: string[];
  organization?: boolean;
  role?: string;
  externalId?: string;
  sessionName?: string;
  endpoint?: string;
  importCloudmapper?: string;
  accountsFile?: string;
  includeSecrets?: boolean;
  simulate?: string;
  partition?: string;
}

export function registerCollect(program: Command): void {
  program
    .command('collect')
    .description('Collect an inventory snapshot of every account and enabled region through the AWS SDK (read-only)')
    .option('--regions <names>', 'only these regions (comma-separated; default: every enabled region)', list)
    .option('--accounts <ids>', 'these accounts (comma-separated, id or id=name); default: the current one, or --organization', list)
    .option('--organization', "every active account of the organisation (Organizations ListAccounts)")
    .option('--role <name>', 'role to assume in each account ({account} and {name} are replaced)')
    .option('--external-id <id>', 'external ID for the assumed role')
    .option('--session-name <name>', 'role session name (default vigil-collect)')
    .option('--partition <name>', 'aws, aws-us-gov or aws-cn (default: from the credentials)')
    .option('--endpoint <url>', 'send every call to this endpoint (the simulated AWS)')
    .option('--simulate <scenario>', 'collect from a simulated AWS serving this scenario file (YAML/JSON), started on 127.0.0.1')
    .option('--accounts-file <file>', 'collection settings (accounts, role, regions, rate limits) as YAML, at the root or under collect:')
    .option('--include-secrets', 'keep Lambda environment values, UserData and similar fields (default: redacted)')
    .option('--import-cloudmapper <dir>', "turn a CloudMapper collection (account-data/'s parent, or one account's folder) into a snapshot")
    .action(async (o: CollectFlags, cmd: Command) => {
      const ctx = contextFor(cmd);
      if (o.importCloudmapper) return runImport(ctx, o.importCloudmapper);
      await runCollect(ctx, o);
    });
}

async function runImport(ctx: Context, dir: string): Promise<void> {
  const store = await ctx.openStore();
  try {
    const saved = await importCloudMapper(store, dir);
    if (ctx.output.json) ctx.output.out(JSON.stringify({ snapshot: saved.id, time: saved.time, resources: saved.resources, source: dir }));
    else ctx.output.out(renderPairs([['snapshot', saved.id], ['collected', saved.time], ['resources', saved.resources], ['source', dir]]));
  } finally {
    store.close();
  }
}

function settings(ctx: Context, o: CollectFlags): CollectConfig {
  // vigil.yaml's `collect:` section when the config schema carries one, then --accounts-file, then flags.
  const fromYaml = (ctx.config as { collect?: unknown }).collect;
  const base = o.accountsFile ? loadCollectConfig(o.accountsFile) : parseCollectConfig(fromYaml, 'vigil.yaml');
  const accounts = o.accounts?.map((a) => {
    const [id, name] = a.split('=');
    if (!/^\d{12}$/.test(id ?? '')) throw new UsageError(`--accounts: ${a} is not a 12-digit account id`);
    return { id: id!, name };
  });
  if (o.partition && !['aws', 'aws-us-gov', 'aws-cn'].includes(o.partition)) throw new UsageError(`--partition: aws, aws-us-gov or aws-cn, not ${o.partition}`);
  return {
    ...base,
    organization: o.organization ?? base.organization,
    accounts: accounts ?? base.accounts,
    regions: o.regions ?? base.regions,
    partition: (o.partition as CollectConfig['partition']) ?? base.partition,
    includeSecrets: o.includeSecrets ?? base.includeSecrets,
    role: o.role ? { name: o.role, externalId: o.externalId, sessionName: o.sessionName ?? 'vigil-collect', durationSeconds: base.role?.durationSeconds ?? 3600 } : base.role,
  };
}

async function runCollect(ctx: Context, o: CollectFlags): Promise<void> {
  const s = settings(ctx, o);
  let sim: SimulatedAws | undefined;
  if (o.simulate) {
    const [{ startSimulatedAws }, { loadScenario }] = await Promise.all([import('../../aws/sim/server.js'), import('../../aws/sim/scenario.js')]);
    sim = await startSimulatedAws(loadScenario(o.simulate));
  }
  const endpoint = sim?.endpoint ?? o.endpoint ?? ctx.config.aws.endpoint;
  const store = await ctx.openStore();
  const bar = progressBar(ctx.output, 'collect {bar} {value}/{total} calls | {errors} errors | {where} | ETA {eta_formatted}');
  try {
    const r = await collectSnapshot(store, {
      endpoint,
      profile: ctx.config.aws.profile,
      // The simulated AWS takes any key; real AWS gets the SDK's default chain (env, profile, SSO, IMDS...).
      credentials: sim ? { accessKeyId: 'AKIDSIMULATED', secretAccessKey: 'simulated' } : undefined,
      accounts: s.accounts.length ? s.accounts : undefined,
      organization: s.organization,
      role: s.role,
      regions: s.regions,
      partition: s.partition,
      rateLimits: s.rateLimits,
      concurrency: s.concurrency,
      requestTimeoutMs: s.requestTimeoutMs,
      maxAttempts: s.maxAttempts,
      includeSecrets: s.includeSecrets,
      onProgress: (p) => bar.update(p.done, p.total, { errors: p.errors, where: `${p.account} ${p.region} ${p.call}` }),
    });
    bar.stop();
    const byStatus: Record<string, number> = {};
    for (const g of r.gaps) byStatus[g.status] = (byStatus[g.status] ?? 0) + 1;
    const summary = {
      snapshot: r.saved.id,
      time: r.meta.time,
      accounts: r.meta.accounts.map((a) => ({ id: a.id, name: a.name, regions: a.regions })),
      calls: r.calls,
      ok: r.ok,
      throttleRetries: r.throttleRetries,
      resources: r.saved.resources,
      seconds: Math.round(r.elapsedMs) / 1000,
      gaps: r.gaps,
      gapsByStatus: byStatus,
    };
    if (ctx.output.json) ctx.output.out(JSON.stringify(summary));
    else printSummary(ctx, summary);
    // A partial run (anything but regions the accounts never enabled) is exit 1.
    if (r.gaps.some((g) => g.status !== 'disabled')) process.exitCode = 1;
  } finally {
    bar.stop();
    store.close();
    await sim?.close();
  }
}

function printSummary(
  ctx: Context,
  s: { snapshot: string; accounts: { id: string; regions: string[] }[]; calls: number; ok: number; throttleRetries: number; resources: number; seconds: number; gaps: CoverageGap[]; gapsByStatus: Record<string, number> },
): void {
  ctx.output.out(
    renderPairs([
      ['snapshot', s.snapshot],
      ['accounts', s.accounts.length],
      ['regions', [...new Set(s.accounts.flatMap((a) => a.regions))].length],
      ['calls', s.calls],
      ['answered', s.ok],
      ['throttled, retried', s.throttleRetries],
      ['resources', s.resources],
      ['coverage gaps', Object.entries(s.gapsByStatus).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'],
      ['seconds', s.seconds],
    ]),
  );
  if (s.gaps.length) {
    ctx.output.out('');
    const shown = s.gaps.slice(0, 50);
    ctx.output.out(renderTable(['account', 'region', 'call', 'param', 'status', 'error'], shown as unknown as Record<string, unknown>[]));
    if (s.gaps.length > shown.length) ctx.output.out(`… and ${s.gaps.length - shown.length} more (--json lists them all)`);
  }
}
