import type { Command } from 'commander';
import { contextFor } from '../context.js';
import { renderTable } from '../output.js';
import { diffSnapshots, listResources, listSnapshots, RESOURCE_TYPES } from '../../collect/index.js';
import { UsageError } from '../../util/errors.js';

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

function checkTypes(types: string[] | undefined): string[] | undefined {
  for (const t of types ?? []) {
    if (!RESOURCE_TYPES.includes(t)) throw new UsageError(`--type: unknown type ${t} (known: ${RESOURCE_TYPES.join(', ')})`);
  }
  return types;
}

const short = (v: unknown) => {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
};

export function registerInventory(program: Command): void {
  const inv = program.command('inventory').description('Resources in collected snapshots, and what changed between them');

  inv
    .command('list')
    .description('Resources of a snapshot (default: the latest)')
    .option('--type <types>', `only these types (comma-separated): ${RESOURCE_TYPES.join(', ')}`, list)
    .option('--snapshot <id>', 'which snapshot (see `vigil inventory snapshots`)')
    .option('--account <id>', 'only this account')
    .action(async (o: { type?: string[]; snapshot?: string; account?: string }, cmd: Command) => {
      const ctx = contextFor(cmd);
      const store = await ctx.openStore({ readOnly: true });
      try {
        const { snapshot, resources } = await listResources(store, { snapshot: o.snapshot, types: checkTypes(o.type) });
        const rows = resources.filter((r) => !o.account || r.account === o.account);
        if (ctx.output.json) ctx.output.out(JSON.stringify({ snapshot, resources: rows.map(({ configuration: _c, ...r }) => r) }));
        else {
          ctx.output.log(`snapshot ${snapshot}: ${rows.length} resources`);
          ctx.output.out(renderTable(['type', 'account', 'region', 'name', 'arn'], rows as unknown as Record<string, unknown>[], 80));
        }
      } finally {
        store.close();
      }
    });

  inv
    .command('diff')
    .description('Added, removed and changed resources between two snapshots (default: the last two)')
    .argument('[old]', 'the earlier snapshot id')
    .argument('[new]', 'the later snapshot id')
    .option('--type <types>', 'only these types (comma-separated)', list)
    .action(async (oldId: string | undefined, newId: string | undefined, o: { type?: string[] }, cmd: Command) => {
      const ctx = contextFor(cmd);
      const store = await ctx.openStore({ readOnly: true });
      try {
        const d = await diffSnapshots(store, oldId, newId, checkTypes(o.type));
        if (ctx.output.json) {
          const strip = <T extends { configuration?: unknown }>({ configuration: _c, ...r }: T) => r;
          ctx.output.out(JSON.stringify({ old: d.old, new: d.new, added: d.added.map(strip), removed: d.removed.map(strip), changed: d.changed }));
          return;
        }
        ctx.output.log(`${d.old} → ${d.new}: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`);
        const lines: string[] = [];
        for (const r of d.added) lines.push(`+ ${r.type} ${r.account} ${r.region} ${r.name}  ${r.arn}`);
        for (const r of d.removed) lines.push(`- ${r.type} ${r.account} ${r.region} ${r.name}  ${r.arn}`);
        for (const c of d.changed) {
          lines.push(`~ ${c.type} ${c.account} ${c.region} ${c.name}  ${c.arn}`);
          for (const f of c.fields.slice(0, 20)) lines.push(`    ${f.path}: ${short(f.old)} → ${short(f.new)}`);
          if (c.fields.length > 20) lines.push(`    … ${c.fields.length - 20} more fields`);
        }
        ctx.output.out(lines.length ? lines.join('\n') : 'no changes');
      } finally {
        store.close();
      }
    });

  inv
    .command('snapshots')
    .description('The snapshots in the store, oldest first')
    .action(async (_o, cmd: Command) => {
      const ctx = contextFor(cmd);
      const store = await ctx.openStore({ readOnly: true });
      try {
        const rows = await listSnapshots(store);
        if (ctx.output.json) ctx.output.out(JSON.stringify(rows));
        else ctx.output.out(renderTable(['id', 'time', 'source', 'calls', 'ok', 'gaps'], rows as unknown as Record<string, unknown>[], 80));
      } finally {
        store.close();
      }
    });
}
