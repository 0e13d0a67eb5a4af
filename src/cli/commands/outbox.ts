import type { Command } from 'commander';
import { contextFor, type Context } from '../context.js';
import { renderTable } from '../output.js';
import { UsageError } from '../../util/errors.js';
import type { Store } from '../../store/store.js';
import { ensureOutboxSchema, listOutbox, Outbox, outboxStats, retryFailed, type OutboxStatus } from '../../watch/outbox.js';
import { createSinks, testNotice } from '../../watch/sinks/index.js';

const STATUSES: OutboxStatus[] = ['pending', 'delivered', 'failed'];

async function withStore(cmd: Command, fn: (store: Store, ctx: Context) => Promise<void>): Promise<void> {
  const ctx = contextFor(cmd);
  const store = await ctx.openStore();
  try {
    await ensureOutboxSchema(store);
    await fn(store, ctx);
  } finally {
    store.close();
  }
}

export function registerOutbox(program: Command): void {
  const outbox = program.command('outbox').description('The durable outbox of notices for the sinks (Slack, webhooks, SNS, Jira, files)');

  outbox
    .command('list')
    .description('Deliveries, newest first, with status, attempts and the last (redacted) error')
    .option('--status <status>', `only ${STATUSES.join(' | ')}`)
    .option('--sink <name>', 'only this sink')
    .option('--limit <n>', 'rows at most', '100')
    .action(async (o: { status?: string; sink?: string; limit: string }, cmd: Command) => {
      if (o.status && !STATUSES.includes(o.status as OutboxStatus)) throw new UsageError(`--status ${o.status}: expected ${STATUSES.join(', ')}`);
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit ${o.limit}: expected a positive integer`);
      await withStore(cmd, async (store, ctx) => {
        const rows = await listOutbox(store, { status: o.status as OutboxStatus | undefined, sink: o.sink, limit });
        if (ctx.output.json) return ctx.output.out(JSON.stringify(rows));
        ctx.output.out(renderTable(['sink', 'notice_id', 'severity', 'status', 'attempts', 'next_attempt_at', 'ref', 'last_error'], rows, 50));
        const s = await outboxStats(store);
        ctx.output.log(`${s.pending} pending, ${s.delivered} delivered, ${s.failed} failed`);
      });
    });

  outbox
    .command('retry')
    .description('Put failed (dead-lettered) deliveries back in the queue, due now')
    .option('--sink <name>', 'only this sink')
    .action(async (o: { sink?: string }, cmd: Command) => {
      await withStore(cmd, async (store, ctx) => {
        const n = await retryFailed(store, { sink: o.sink });
        if (ctx.output.json) ctx.output.out(JSON.stringify({ requeued: n }));
        else ctx.output.out(`${n} deliveries back to pending`);
      });
    });

  outbox
    .command('deliver')
    .description('Deliver what is due now (one pass per sink rate limit until nothing more is due)')
    .action(async (_o, cmd: Command) => {
      await withStore(cmd, async (store, ctx) => {
        const ob = await Outbox.open(store, ctx.config, { log: ctx.output.log });
        const total = { delivered: 0, failed: 0, deferred: 0 };
        try {
          for (;;) {
            const r = await ob.deliverDue();
            total.delivered += r.delivered;
            total.failed += r.failed;
            total.deferred = r.deferred;
            if (r.deferred === 0 || r.delivered + r.failed === 0) break;
          }
        } finally {
          await ob.close();
        }
        const s = await outboxStats(store);
        const out = { ...total, pending: s.pending, deadLetters: s.failed };
        if (ctx.output.json) ctx.output.out(JSON.stringify(out));
        else ctx.output.out(`${out.delivered} delivered, ${out.failed} failed attempts; ${out.pending} pending, ${out.deadLetters} dead letters`);
        if (total.failed > 0) process.exitCode = 1;
      });
    });

  outbox
    .command('test')
    .description('Send a test notice straight to one sink (not through the queue)')
    .argument('<sink>', 'sink name from the config')
    .action(async (name: string, _o, cmd: Command) => {
      const ctx = contextFor(cmd);
      const entry = ctx.config.sinks.find((s) => s.name === name);
      if (!entry) throw new UsageError(`${name}: no such sink in the config (sinks: ${ctx.config.sinks.map((s) => s.name).join(', ') || 'none'})`);
      const [sink] = await createSinks({ ...ctx.config, sinks: [entry] });
      const n = testNotice();
      try {
        const { ref } = await sink!.deliver(n);
        if (ctx.output.json) ctx.output.out(JSON.stringify({ sink: name, delivered: true, notice: n.id, ref: ref ?? null }));
        else ctx.output.out(`${name}: delivered test notice ${n.id}${ref ? ` (${ref})` : ''}`);
      } catch (e) {
        // The sink's error is already redacted.
        if (ctx.output.json) ctx.output.out(JSON.stringify({ sink: name, delivered: false, error: (e as Error).message }));
        else ctx.output.out(`${name}: ${(e as Error).message}`);
        process.exitCode = 1;
      }
    });
}
