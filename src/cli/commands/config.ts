import type { Command } from 'commander';
import { stringify } from 'yaml';
import { configJsonSchema, configLeaves, envName } from '../../config/load.js';
import { contextFor } from '../context.js';
import { maskSinkSecrets } from '../../watch/sinks/config.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('Show the configuration and its schema');
  config
    .command('schema')
    .description("Print vigil.yaml's JSON Schema (for editors)")
    .action(() => {
      process.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
    });
  config
    .command('show')
    .description('Print the configuration in effect (file, VIGIL_* environment and flags merged)')
    .action((_opts, cmd: Command) => {
      const ctx = contextFor(cmd);
      // Sinks may hold webhook URLs and tokens literally: never printed.
      const shown = { ...ctx.config, sinks: maskSinkSecrets(ctx.config.sinks) };
      ctx.output.out(ctx.output.json ? JSON.stringify(shown, null, 2) : stringify(shown));
    });
  config
    .command('env')
    .description('List the VIGIL_* environment variables that override vigil.yaml')
    .action((_opts, cmd: Command) => {
      const ctx = contextFor(cmd);
      const rows = configLeaves().map((l) => ({ variable: envName(l.path), key: l.path.join('.') }));
      ctx.output.out(ctx.output.json ? JSON.stringify(rows) : rows.map((r) => `${r.variable.padEnd(36)} ${r.key}`).join('\n'));
    });
}
