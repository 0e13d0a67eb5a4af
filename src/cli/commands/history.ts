import type { Command } from 'commander';
import { contextFor, type Context } from '../context.js';
import { renderPairs, renderTable } from '../output.js';
import { AmbiguousRefError, bringUpToDate, historyOf, ownerAnswer, type Change, type ResourceInfo } from '../../history/index.js';
import type { Store } from '../../store/store.js';
import { UsageError } from '../../util/errors.js';

const toolText = (c: Change) => (c.toolDetail ? `${c.tool} (${c.toolDetail})` : c.tool);
const describe = (r: ResourceInfo) => `${r.type} ${r.id} (${r.arn}) in ${r.account}/${r.region}${r.deleted ? ', deleted' : ''}`;

/** Opens the store, brings history up to date (seed, new lake events), runs `fn`; ambiguous refs list their matches. */
async function withHistory(cmd: Command, fn: (store: Store, ctx: Context) => Promise<void>): Promise<void> {
  const ctx = contextFor(cmd);
  const store = await ctx.openStore();
  try {
    const { seeded, changes } = await bringUpToDate(store);
    if (seeded || changes) ctx.output.log(`history: ${seeded} resources seeded from the latest snapshot, ${changes} new changes from the lake`);
    await fn(store, ctx);
  } catch (e) {
    if (e instanceof AmbiguousRefError) {
      const rows = e.candidates.map((c) => ({ type: c.type, account: c.account, region: c.region, id: c.id, arn: c.arn }));
      if (ctx.output.json) ctx.output.out(JSON.stringify({ ambiguous: e.ref, candidates: rows }));
      else ctx.output.out(renderTable(['type', 'account', 'region', 'id', 'arn'], rows, 100));
      throw new UsageError(`${e.ref} matches ${e.candidates.length} resources; give the ARN`);
    }
    throw e;
  } finally {
    store.close();
  }
}

const notFound = (ref: string) => new UsageError(`${ref}: no resource with this ARN or id in the history (lake events and snapshots)`);

/** A command taking one resource reference, run with history brought up to date. */
function refCommand(program: Command, name: string, description: string, fn: (ref: string, store: Store, ctx: Context) => Promise<void>): void {
  program
    .command(name)
    .description(description)
    .argument('<ref>', 'ARN or id: sg-…, i-…, AKIA…, a user, role, policy, bucket, KMS key or trail name')
    .action(async (ref: string, _o, cmd: Command) => withHistory(cmd, (store, ctx) => fn(ref, store, ctx)));
}

export function registerHistory(program: Command): void {
  refCommand(program, 'history', 'Who changed a resource, when, from where and with which tool (from the lake and the latest snapshot)', async (ref, store, ctx) => {
    const h = await historyOf(store, ref);
    if (!h) throw notFound(ref);
    if (ctx.output.json) return ctx.output.out(JSON.stringify(h));
    const r = h.resource;
    ctx.output.out(describe(r));
    if (r.seedSnapshot) ctx.output.out(`state seeded from snapshot ${r.seedSnapshot} (${r.seedTime})`);
    const rows = h.changes.map((c) => ({ time: c.time, action: c.action, event: c.eventName, who: c.principalArn, from: c.sourceIp, tool: toolText(c) }));
    ctx.output.out(renderTable(['time', 'action', 'event', 'who', 'from', 'tool'], rows, 70));
  });

  refCommand(program, 'owner', 'Who created a resource, when, from where and with which tool', async (ref, store, ctx) => {
    const a = await ownerAnswer(store, ref);
    if (!a) throw notFound(ref);
    if (ctx.output.json) return ctx.output.out(JSON.stringify(a));
    ctx.output.out(describe(a.resource));
    if (!a.owner) return ctx.output.out(a.unknown ?? 'unknown');
    const o = a.owner;
    ctx.output.out(
      renderPairs([
        ['created by', o.principalArn ?? 'unknown'],
        ['principal type', o.principalType],
        ['at', o.time],
        ['from', o.sourceIp],
        ['tool', toolText(o)],
        ['event', `${o.eventName} ${o.eventId}`],
      ]),
    );
  });
}
