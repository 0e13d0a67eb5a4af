import { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { Store } from '../store/store.js';
import { processOutput, type Output } from './output.js';

/** Options every command accepts (declared once on the root program). */
export interface GlobalOptions {
  db?: string;
  config?: string;
  json?: boolean;
  quiet?: boolean;
  profile?: string;
}

/** What a command handler gets: the merged config, output, and the store on demand. */
export interface Context {
  config: Config;
  output: Output;
  openStore(opts?: { readOnly?: boolean }): Promise<Store>;
}

export function contextFor(cmd: Command): Context {
  const g = cmd.optsWithGlobals() as GlobalOptions;
  const config = loadConfig({
    file: g.config,
    overrides: { 'store.path': g.db, 'aws.profile': g.profile },
  });
  const output = processOutput(!!g.json, !!g.quiet);
  return {
    config,
    output,
    openStore: (opts = {}) =>
      Store.open({
        path: config.store.path,
        readOnly: opts.readOnly,
        threads: config.lake.threads,
        memoryLimit: config.lake.memoryLimit,
      }),
  };
}
