import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { contextFor, type Context } from '../context.js';
import { renderTable } from '../output.js';
import { UsageError } from '../../util/errors.js';
import {
  buildPack,
  exceptionJsonSchema,
  loadExceptions,
  loadRuleFiles,
  loadRules,
  NO_EXCEPTIONS,
  ruleJsonSchema,
  runRuleTests,
  type Pack,
} from '../../detect/index.js';

export interface RuleFlags {
  rules?: string[];
  only?: boolean;
  exceptions?: string;
  params?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Adds the options every rule-running command shares. */
export function ruleOptions(cmd: Command): Command {
  return cmd
    .option('--rules <path>', 'rule file or directory (repeatable); adds to the built-in pack', collect)
    .option('--only', 'run only the --rules given, not the built-in pack')
    .option('--exceptions <file>', 'exception table (YAML)')
    .option('--params <file>', 'YAML map of placeholder values for rules (%name% with the expand modifier)');
}

function placeholders(file?: string): Record<string, unknown> {
  if (!file) return {};
  try {
    const v = parse(readFileSync(file, 'utf8')) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('expected a map of name: value(s)');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Loads the pack the flags describe; rules that fail to load are reported and the rest run. */
export function packFromFlags(ctx: Context, o: RuleFlags): Pack {
  if (o.only && !o.rules?.length) throw new UsageError('--only needs --rules');
  let loaded;
  try {
    // vigil.yaml's detect: section first, flags over it.
    const cfg = ctx.config.detect;
    loaded = loadRules([...cfg.rules, ...(o.rules ?? [])], { only: o.only, placeholders: { ...cfg.params, ...placeholders(o.params) } });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const exceptionsFile = o.exceptions ?? ctx.config.detect.exceptions;
  const exceptions = exceptionsFile ? loadExceptions(exceptionsFile) : NO_EXCEPTIONS;
  const pack = buildPack(loaded.rules, exceptions, loaded.failed);
  for (const f of pack.failed) ctx.output.log(`rule not loaded: ${f.error}`);
  for (const x of exceptions.expired)
    ctx.output.log(`exception #${x.index + 1} (${x.rule}, owner ${x.owner}) expired ${x.expiresAt!.toISOString().slice(0, 10)}: no longer applied`);
  if (pack.failed.length) process.exitCode = 1;
  return pack;
}

export function registerRules(program: Command): void {
  const rules = program.command('rules').description('Detection rules: list, check and test (Sigma and native YAML)');

  ruleOptions(rules.command('list').description('List the rules that would run'))
    .action((o: RuleFlags, cmd: Command) => {
      const ctx = contextFor(cmd);
      const pack = packFromFlags(ctx, o);
      const rows = pack.rules.map((r) => ({
        id: r.id,
        severity: r.severity,
        kind: r.window ? (r.refs ? `correlation:${r.window.type}` : 'threshold') : 'event',
        format: r.format,
        title: r.title,
      }));
      if (ctx.output.json) for (const r of rows) ctx.output.out(JSON.stringify(r));
      else ctx.output.out(renderTable(['id', 'severity', 'kind', 'format', 'title'], rows));
    });

  rules
    .command('check')
    .description('Load rules and report how many load and why any do not')
    .argument('<path...>', 'rule files or directories')
    .action((paths: string[], _o: unknown, cmd: Command) => {
      const ctx = contextFor(cmd);
      let loaded;
      try {
        loaded = loadRuleFiles(paths);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const pack = buildPack(loaded.rules, NO_EXCEPTIONS, loaded.failed);
      const failed = pack.failed.map((f) => ({ file: f.file, error: f.error }));
      const warnings = pack.rules.flatMap((r) => r.warnings.map((warning) => ({ file: r.file, rule: r.id, warning })));
      if (ctx.output.json) ctx.output.out(JSON.stringify({ loaded: pack.rules.length, failed, warnings }));
      else {
        ctx.output.out(`${pack.rules.length} rules loaded, ${failed.length} failed`);
        for (const f of failed) ctx.output.out(`  error: ${f.error}`);
        for (const w of warnings) ctx.output.out(`  warning: ${w.file}: rule ${w.rule}: ${w.warning}`);
      }
      if (failed.length) process.exitCode = 1;
    });

  rules
    .command('test')
    .description('Run the inline tests of rules (default: the built-in pack) through both engines')
    .argument('[path...]', 'rule files or directories (default: the built-in pack)')
    .option('--no-sql', 'only the live engine (skip the SQL engine and the differential check)')
    .action(async (paths: string[], o: { sql: boolean }, cmd: Command) => {
      const ctx = contextFor(cmd);
      const loaded = paths.length ? loadRuleFiles(paths) : loadRules();
      for (const f of loaded.failed) ctx.output.log(`rule not loaded: ${f.error}`);
      const outcomes = await runRuleTests(loaded.rules, { sql: o.sql });
      const untested = loaded.rules.filter((r) => r.tests.length === 0).map((r) => r.id);
      const failed = outcomes.filter((x) => !x.ok);
      if (ctx.output.json) {
        ctx.output.out(JSON.stringify({ rules: loaded.rules.length, tests: outcomes.length, failed, untested, notLoaded: loaded.failed }));
      } else {
        for (const f of failed)
          ctx.output.out(`FAIL ${f.rule} / ${f.test}: expected ${f.expected}, live ${f.live}${f.sql !== undefined ? `, sql ${f.sql}` : ''} (${f.file})`);
        ctx.output.out(
          `${outcomes.length - failed.length}/${outcomes.length} tests passed over ${loaded.rules.length} rules` +
            (untested.length ? `; ${untested.length} rules without tests: ${untested.join(', ')}` : '') +
            (loaded.failed.length ? `; ${loaded.failed.length} rule files not loaded` : ''),
        );
      }
      if (failed.length || loaded.failed.length) process.exitCode = 1;
    });

  rules
    .command('schema')
    .description('Print the JSON Schema of rule files (or of the exception table) for editors')
    .option('--exceptions', 'the exception table schema')
    .action((o: { exceptions?: boolean }, cmd: Command) => {
      const ctx = contextFor(cmd);
      ctx.output.out(JSON.stringify(o.exceptions ? exceptionJsonSchema() : ruleJsonSchema(), null, 2));
    });
}
