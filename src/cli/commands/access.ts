import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { contextFor, type Context } from '../context.js';
import { renderTable } from '../output.js';
import { parseTimeArg } from '../../lake/layout.js';
import { accessReport, generatePolicy, isDenial, loadGranted, reviewPrincipal, type ActionStatus, type Granted, type ReviewRequest } from '../../access/index.js';
import { UsageError } from '../../util/errors.js';
import { AthenaLake, type LakeSource } from '../../athena/index.js';
import { ENGINE_HELP, engineOf, reportAthenaCost, withAthena } from './athena.js';

interface AccessFlags {
  user?: string;
  role?: string;
  group?: string;
  destrole?: string;
  destaccount?: string;
  showUsed?: boolean;
  showUnused?: boolean;
  since?: string;
  until?: string;
  iam?: string[];
  snapshot?: string;
  scp?: string[];
  json?: boolean;
  engine?: string;
}

const MARK: Record<ActionStatus['status'], string> = { used: ' ', unused: '-', unknown: '?', 'used-not-granted': '+' };

function requestOf(o: AccessFlags): ReviewRequest {
  return {
    user: o.user,
    role: o.role,
    group: o.group,
    destrole: o.destrole,
    destaccount: o.destaccount,
    window: { since: o.since ? parseTimeArg(o.since) : undefined, until: o.until ? parseTimeArg(o.until) : undefined },
  };
}

/**
 * Runs a subcommand with its flags, context, the lake to read and the grants. The local store (read-only) always
 * gives the grants (snapshot, IAM details); with `--engine athena` the events come from Athena, whose cost is
 * reported after.
 */
async function withAccess<F extends AccessFlags>(cmd: Command, fn: (o: F, ctx: Context, lake: LakeSource, granted: Granted) => Promise<void>): Promise<void> {
  const o = cmd.optsWithGlobals() as F;
  const ctx = contextFor(cmd);
  const engine = engineOf(o.engine);
  const store = await ctx.openStore({ readOnly: true });
  try {
    const granted = await loadGranted({ iamFiles: o.iam, snapshot: o.snapshot, scpFiles: o.scp }, store);
    if (engine === 'local') return await fn(o, ctx, store, granted);
    await withAthena(ctx, async (athena, signal) => {
      const lake = new AthenaLake(athena, signal);
      try {
        await fn(o, ctx, lake, granted);
      } finally {
        if (lake.stats.queries) reportAthenaCost(ctx, { ...lake.stats, queryIds: lake.sent.map((q) => q.queryId) });
      }
    });
  } finally {
    store.close();
  }
}

/** Options shared by `access`, `access policy` and `access report` (declared once: commander gives them to the parent). */
export function registerAccess(program: Command): void {
  const access = program
    .command('access')
    .description("Privileges granted versus used (CloudTracker's review), following AssumeRole sessions; see also `access policy`, `access report`")
    .option('--user <name>', 'IAM user (or, with --destrole, the person whose role sessions to follow; an Identity Center user too)')
    .option('--role <name>', 'IAM role (every session of it)')
    .option('--group <name>', "IAM group (its members' calls)")
    .option('--destrole <name>', "with --user: the role the user's sessions assumed (an AWSReservedSSO_* role by permission set name too)")
    .option('--destaccount <id|name>', 'account of the role or user (12-digit id, or the snapshot account name)')
    .option('--show-used', 'only the used actions')
    .option('--show-unused', 'only the unused actions')
    .option('--since <time>', 'window start (90d, 2024-03-01, ISO time); default: the whole lake')
    .option('--until <time>', 'window end; default: now')
    .option('--iam <file...>', 'saved `aws iam get-account-authorization-details` output(s), one per account')
    .option('--snapshot <dir|id>', 'snapshot (collection directory or id in the store) for IAM details, trail event selectors, credential reports; default: the latest')
    .option('--scp <file...>', 'SCP documents applying to the accounts, one file per organisation level (root first)')
    .option('--engine <engine>', ENGINE_HELP, 'local')
    .action(async (_o: AccessFlags, cmd: Command) => {
      const flags = cmd.optsWithGlobals() as AccessFlags;
      if (flags.showUsed && flags.showUnused) throw new UsageError('access: --show-used and --show-unused exclude each other');
      await withAccess<AccessFlags>(cmd, async (o, ctx, lake, granted) => {
        const review = await reviewPrincipal(lake, granted, requestOf(o));
        for (const w of review.warnings) ctx.output.log(`warning: ${w}`);
        const shown = review.actions.filter((a) =>
          o.showUsed ? a.status === 'used' || a.status === 'used-not-granted' : o.showUnused ? a.status === 'unused' : true,
        );
        if (ctx.output.json) {
          ctx.output.out(JSON.stringify(shown.map((a) => ({ action: a.action, status: a.status, ...(a.conditional ? { conditional: true } : {}) }))));
          return;
        }
        ctx.output.log(`${review.principal.kind} ${review.principal.arn}: calls of ${review.actor}`);
        if (review.sessions.length) {
          const times = review.sessions.map((s) => s.time).sort();
          ctx.output.log(`${review.sessions.length} session(s), ${times[0]} .. ${times[times.length - 1]}`);
        }
        ctx.output.out(shown.map((a) => `${MARK[a.status]} ${a.action}${a.conditional ? '  (conditional)' : ''}`).join('\n') || '(no actions)');
        if (review.failed.length && !o.showUnused) {
          ctx.output.out('\nFailed attempts (not counted as used):');
          for (const f of review.failed) ctx.output.out(`! ${f.action}  ${f.errorCode}${isDenial(f.errorCode) ? '' : ' (not a denial)'}  x${f.count}  last ${f.last}`);
        }
      });
    });

  access
    .command('policy')
    .description('Write the least-privilege policy covering what the principal used (IAM grammar, split past 6,144 characters)')
    .option('--out <file>', 'write here (policy.json; more documents as policy-2.json ...) instead of stdout')
    .action(async (_o: unknown, cmd: Command) => {
      await withAccess<AccessFlags & { out?: string }>(cmd, async (o, ctx, lake, granted) => {
        const p = await generatePolicy(lake, granted, requestOf(o));
        if (p.skipped.length) ctx.output.log(`warning: left out (not in the IAM action catalogue): ${p.skipped.join(', ')}`);
        if (p.scopes.size === 0) ctx.output.log('warning: no successful calls in the window: the policy grants nothing');
        if (o.out) {
          const files = p.documents.map((_, i) => (i === 0 ? o.out! : o.out!.replace(/(\.json)?$/, `-${i + 1}$1`)));
          p.documents.forEach((d, i) => writeFileSync(files[i]!, JSON.stringify(d, null, 2) + '\n'));
          ctx.output.log(`wrote ${files.join(', ')} (${p.scopes.size} actions)`);
        } else {
          ctx.output.out(JSON.stringify(p.documents.length === 1 ? p.documents[0] : p.documents, null, 2));
        }
      });
    });

  access
    .command('report')
    .description('Every user, group and role ranked by unused privileges; users, roles and access keys unused in the window')
    .option('--top <n>', 'rows in the ranking (default 25)', (v) => Number.parseInt(v, 10))
    .action(async (_o: unknown, cmd: Command) => {
      await withAccess<AccessFlags & { top?: number }>(cmd, async (o, ctx, lake, granted) => {
        const r = await accessReport(lake, granted, requestOf(o).window);
        for (const w of r.warnings) ctx.output.log(`warning: ${w}`);
        if (ctx.output.json) {
          ctx.output.out(JSON.stringify(r));
          return;
        }
        const top = o.top && o.top > 0 ? o.top : 25;
        const cols = ['kind', 'account', 'name', 'granted', 'used', 'unused', 'unknown', 'usedNotGranted', 'lastSeen'];
        ctx.output.out(`Principals by unused privileges (${r.principals.length}):\n${renderTable(cols, r.principals.slice(0, top) as never)}`);
        ctx.output.out(`\nUsers unused in the window: ${r.unusedUsers.map((p) => p.name).join(', ') || '(none)'}`);
        ctx.output.out(`Roles unused in the window: ${r.unusedRoles.map((p) => p.name).join(', ') || '(none)'}`);
        const keys = r.unusedAccessKeys.map((k) => `${k.user}${k.accessKeyId ? ` ${k.accessKeyId}` : ''} (last ${k.lastUsed ?? 'never'}, ${k.source})`);
        ctx.output.out(`Access keys unused in the window: ${keys.join('; ') || '(none)'}`);
      });
    });
}
