import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Command } from 'commander';
import { contextFor, type Context } from '../context.js';
import { renderPairs, renderTable } from '../output.js';
import type { SynthResult } from '../../deploy/app.js';
import type { DeployConfig } from '../../deploy/config.js';
import { ExitCode, UsageError, VigilError } from '../../util/errors.js';

interface SynthFlags {
  out: string;
  bucket?: string;
  prefix?: string;
  stack?: string;
  validate?: boolean;
}

/** The `deploy:` section with this command's flags applied. */
function deployConfig(ctx: Context, o: SynthFlags): DeployConfig {
  const cfg = ctx.config.deploy;
  if (o.prefix !== undefined && o.prefix !== '' && !o.prefix.endsWith('/')) throw new UsageError(`--prefix: a key prefix ends with / (got ${o.prefix})`);
  if (o.stack !== undefined && !/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(o.stack)) throw new UsageError(`--stack: a stack name is letters, digits and hyphens, starting with a letter`);
  return {
    ...cfg,
    stackName: o.stack ?? cfg.stackName,
    trail: { ...cfg.trail, bucket: o.bucket ?? cfg.trail.bucket, prefix: o.prefix ?? cfg.trail.prefix },
  };
}

/** aws-cdk-lib takes a while to load: only `vigil deploy` pays for it. */
const app = () => import('../../deploy/app.js');

function summary(r: SynthResult, cfg: DeployConfig, describe: (c: DeployConfig) => [string, string][]): string {
  const rows = Object.entries(r.resources)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, count]) => ({ type, count }));
  return [
    renderPairs([...describe(cfg), ['assembly', r.dir], ['code', `${(r.bundle.bytes / 1e6).toFixed(1)} MB${r.bundle.sinks ? '' : ' (no sinks module: SNS only)'}`]]),
    '',
    renderTable(['type', 'count'], rows),
  ].join('\n');
}

function synthJson(r: SynthResult, cfg: DeployConfig, describe: (c: DeployConfig) => [string, string][]) {
  return { stackName: r.stackName, dir: r.dir, templateFile: r.templateFile, resources: r.resources, bundle: r.bundle, ms: r.ms, summary: Object.fromEntries(describe(cfg)) };
}

/** The cdk CLI of the installed aws-cdk package (VIGIL_CDK_BIN overrides it, for tests). */
function cdkBin(): string {
  return process.env.VIGIL_CDK_BIN ?? createRequire(import.meta.url).resolve('aws-cdk/bin/cdk');
}

function runCdk(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    // cdk's output goes to stderr: stdout stays machine output.
    const child = spawn(process.execPath, [cdkBin(), ...args], { stdio: ['inherit', process.stderr, process.stderr] });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? ExitCode.runtime));
  });
}

const synthOptions = (c: Command) =>
  c
    .option('--out <dir>', 'the cloud assembly folder', '.vigil/cdk.out')
    .option('--bucket <name>', 'the CloudTrail bucket (default: deploy.trail.bucket)')
    .option('--prefix <prefix>', 'key prefix before AWSLogs/ (default: deploy.trail.prefix)')
    .option('--stack <name>', 'stack name (default: deploy.stackName)')
    .option('--validate', "also run CDK's CloudFormation schema validation (slower)");

export function registerDeploy(program: Command): void {
  const deploy = program.command('deploy').description('The serverless form on AWS: a CDK app (trail queue → watch function, nightly audit, alerts)');
  synthOptions(deploy.command('synth'))
    .description('Synthesise the CloudFormation template and code asset offline (no AWS calls)')
    .action(async (o: SynthFlags, cmd: Command) => {
      const ctx = contextFor(cmd);
      const cfg = deployConfig(ctx, o);
      const { synthesize, describeDeployment } = await app();
      const r = await synthesize(cfg, { outDir: o.out, validate: o.validate });
      ctx.output.out(ctx.output.json ? JSON.stringify(synthJson(r, cfg, describeDeployment)) : summary(r, cfg, describeDeployment));
    });
  synthOptions(deploy.command('deploy'))
    .description('Synthesise, then deploy with the cdk CLI (asks for --yes; IAM changes need approval)')
    .option('--yes', 'really deploy to the AWS account of the profile')
    .action(async (o: SynthFlags & { yes?: boolean }, cmd: Command) => {
      const ctx = contextFor(cmd);
      const cfg = deployConfig(ctx, o);
      const { synthesize, describeDeployment } = await app();
      const r = await synthesize(cfg, { outDir: o.out, validate: o.validate });
      if (!o.yes) {
        ctx.output.out(ctx.output.json ? JSON.stringify({ ...synthJson(r, cfg, describeDeployment), deployed: false }) : summary(r, cfg, describeDeployment));
        throw new UsageError(`not deployed: run again with --yes to deploy stack ${cfg.stackName}${ctx.config.aws.profile ? ` with profile ${ctx.config.aws.profile}` : ''}`);
      }
      const args = ['deploy', '--app', r.dir, '--require-approval', 'broadening', ...(ctx.config.aws.profile ? ['--profile', ctx.config.aws.profile] : []), cfg.stackName];
      ctx.output.log(`cdk ${args.join(' ')}`);
      const code = await runCdk(args);
      if (code !== 0) throw new VigilError(`cdk deploy of ${cfg.stackName} failed (exit ${code}); see its output above`);
      ctx.output.out(ctx.output.json ? JSON.stringify({ ...synthJson(r, cfg, describeDeployment), deployed: true }) : `deployed ${cfg.stackName}`);
    });
}
