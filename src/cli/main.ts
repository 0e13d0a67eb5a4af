import { Command, CommanderError } from 'commander';
import { ExitCode, VigilError, oneLine } from '../util/errors.js';
import { registerConfig } from './commands/config.js';
import { registerLake } from './commands/lake.js';
import { registerDemo } from './commands/demo.js';
import { registerRules } from './commands/rules.js';
import { registerHunt } from './commands/hunt.js';
import { registerDetect } from './commands/detect.js';
import { registerAthena } from './commands/athena.js';
import { registerAudit } from './commands/audit.js';
import { registerCollect } from './commands/collect.js';
import { registerInventory } from './commands/inventory.js';
import { registerAccess } from './commands/access.js';
import { registerWatch } from './commands/watch.js';
import { registerHistory } from './commands/history.js';
import { registerDeploy } from './commands/deploy.js';
import { registerOutbox } from './commands/outbox.js';
import { registerEnforce } from './commands/enforce.js';

/** Builds the CLI: a thin shell over the library; each capability registers its own commands. */
export function buildProgram(): Command {
  const program = new Command('vigil')
    .description('Keep watch over an AWS estate: collect, audit, CloudTrail lake, detections, access review.')
    .version('0.1.0')
    .option('--db <path>', 'the store (DuckDB file); default .vigil/vigil.duckdb')
    .option('--config <file>', 'vigil.yaml to read (default ./vigil.yaml when present)')
    .option('--profile <name>', 'AWS shared-config profile')
    .option('--json', 'machine output on stdout (logs stay on stderr)')
    .option('-q, --quiet', 'no logs or progress on stderr')
    .showHelpAfterError()
    .exitOverride();
  registerConfig(program);
  registerLake(program);
  registerDemo(program);
  registerRules(program);
  registerHunt(program);
  registerDetect(program);
  registerAthena(program);
  registerAudit(program);
  registerCollect(program);
  registerInventory(program);
  registerAccess(program);
  registerWatch(program);
  registerHistory(program);
  registerDeploy(program);
  registerOutbox(program);
  registerEnforce(program);
  return program;
}

/** Runs the CLI and returns the exit code (0 ok, 1 threshold, 2 usage/input, 3 runtime). */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; everything else commander rejects is bad usage.
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (err instanceof VigilError) {
      process.stderr.write(`vigil: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`vigil: ${oneLine(err)}\n`);
    if (process.env.VIGIL_DEBUG) console.error(err);
    return ExitCode.runtime;
  }
}

const isMain = process.argv[1] && /(?:^|[\\/])(?:vigil(?:\.js)?|main\.ts)$/.test(process.argv[1]);
if (isMain) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
