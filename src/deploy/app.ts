/**
 * The CDK app: bundle the handlers, build the stack from the `deploy:` config, synthesise the cloud assembly
 * (template + code asset) offline. `vigil deploy synth` prints it; `vigil deploy deploy` hands it to the cdk CLI.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { UsageError } from '../util/errors.js';
import { bundleHandlers } from './bundle.js';
import { scheduleExpression, type DeployConfig } from './config.js';
import { VigilWatchStack } from './stack.js';

export interface SynthResult {
  stackName: string;
  /** The cloud assembly folder (`cdk deploy --app <dir>`). */
  dir: string;
  templateFile: string;
  template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  /** Resource count per CloudFormation type. */
  resources: Record<string, number>;
  bundle: { bytes: number; sinks: boolean };
  ms: number;
}

/** What a deployment of this config sets up, in a few lines (shown by synth, and by deploy before --yes). */
export function describeDeployment(cfg: DeployConfig): [string, string][] {
  const t = cfg.trail;
  return [
    ['stack', cfg.stackName + (cfg.account || cfg.region ? ` (${cfg.account ?? 'profile account'}/${cfg.region ?? 'profile region'})` : '')],
    ['trail', `s3://${t.bucket}/${t.prefix}AWSLogs/ (*.json.gz) → SQS → watch function`],
    ['nightly', `${scheduleExpression(cfg.collect.schedule)}: collect ${cfg.collect.accounts.length ? cfg.collect.accounts.join(',') : 'this account'}${cfg.collect.roleName ? ` via role ${cfg.collect.roleName}` : ''} + audit`],
    ['alerts', `SNS topic (KMS)${cfg.alertEmail ? ' + email subscription' : ''}; sinks from secret ${cfg.sinksSecretName}`],
    ['on delete', cfg.removalPolicy === 'retain' ? 'tables, queues and key retained' : 'everything destroyed'],
  ];
}

export function checkDeployConfig(cfg: DeployConfig, source = 'config'): void {
  if (!cfg.trail.bucket) throw new UsageError(`${source}: deploy.trail.bucket: the CloudTrail bucket to watch is required`);
}

export interface SynthOptions {
  outDir: string;
  /** Where the config came from, for error messages. */
  source?: string;
  /** Run CDK's CloudFormation schema validation too (about 20 s more). */
  validate?: boolean;
}

export async function synthesize(cfg: DeployConfig, opts: SynthOptions): Promise<SynthResult> {
  checkDeployConfig(cfg, opts.source);
  const t0 = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'vigil-bundle-'));
  try {
    const bundle = await bundleHandlers(work);
    const outdir = resolve(opts.outDir);
    const app = new App({ outdir, analyticsReporting: false, builtinCloudFormationValidation: !!opts.validate });
    new VigilWatchStack(app, cfg.stackName, {
      stackName: cfg.stackName,
      description: 'vigil: continuous watch of CloudTrail, nightly collect + audit, alerts',
      config: cfg,
      code: lambda.Code.fromAsset(bundle.dir),
      env: cfg.account || cfg.region ? { account: cfg.account, region: cfg.region } : undefined,
    });
    const assembly = app.synth();
    const artifact = assembly.getStackByName(cfg.stackName);
    const templateFile = join(assembly.directory, artifact.templateFile);
    const template = JSON.parse(readFileSync(templateFile, 'utf8')) as SynthResult['template'];
    const resources: Record<string, number> = {};
    for (const r of Object.values(template.Resources)) resources[r.Type] = (resources[r.Type] ?? 0) + 1;
    return { stackName: cfg.stackName, dir: assembly.directory, templateFile, template, resources, bundle: { bytes: bundle.bytes, sinks: bundle.sinks }, ms: Math.round(performance.now() - t0) };
  } finally {
    // The asset was copied into the assembly.
    rmSync(work, { recursive: true, force: true });
  }
}
