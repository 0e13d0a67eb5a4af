/** `vigil deploy synth|deploy`: synth as a user runs it (a child process), the rest in-process; nothing reaches AWS. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../cli/main.js';
import { vigilAsync } from '../../test/helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-deploy-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = join(dir, 'vigil.yaml');
writeFileSync(config, ['deploy:', '  stackName: vigil-test', '  trail: { prefix: org/ }', '  collect: { schedule: "0 4 * * *" }', ''].join('\n'));
const empty = join(dir, 'empty.yaml');
writeFileSync(empty, '{}\n');

// A stand-in for the cdk CLI: records its arguments.
const fakeCdk = join(dir, 'fake-cdk.mjs');
const cdkArgs = join(dir, 'cdk-args.json');
writeFileSync(fakeCdk, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(cdkArgs)}, JSON.stringify(process.argv.slice(2)));\n`);
const env = { VIGIL_CDK_BIN: fakeCdk };

/** Runs the CLI in this process, capturing stdout and stderr. */
async function runHere(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  try {
    process.exitCode = undefined;
    const code = await run(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}
afterEach(() => {
  delete process.env.VIGIL_CDK_BIN;
});

// Started at once: the child process synthesises while the in-process tests run (2 cores).
const synthOut = join(dir, 'synth');
const childSynth = vigilAsync(['--config', config, '--json', 'deploy', 'synth', '--out', synthOut, '--bucket', 'trail-bucket'], { env });

describe('vigil deploy', () => {
  it('without a trail bucket: exit 2 naming the field', async () => {
    const r = await runHere(['--config', empty, 'deploy', 'synth', '--out', join(dir, 'none')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('vigil: config: deploy.trail.bucket: the CloudTrail bucket to watch is required');
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });

  it('deploy without --yes prints what would be deployed and exits 2 without running cdk; with --yes runs cdk deploy on the assembly', async () => {
    const out = join(dir, 'deploy');
    process.env.VIGIL_CDK_BIN = fakeCdk;
    const dry = await runHere(['--config', config, '--profile', 'audit', 'deploy', 'deploy', '--out', out, '--bucket', 'trail-bucket']);
    expect(dry.code).toBe(2);
    expect(dry.stdout).toContain('s3://trail-bucket/org/AWSLogs/');
    expect(dry.stdout).toMatch(/AWS::DynamoDB::Table\s+3/);
    expect(dry.stderr).toContain('not deployed: run again with --yes to deploy stack vigil-test with profile audit');
    expect(existsSync(cdkArgs)).toBe(false);
    const real = await runHere(['--config', config, '--profile', 'audit', '--json', 'deploy', 'deploy', '--out', out, '--bucket', 'trail-bucket', '--yes']);
    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout)).toMatchObject({ stackName: 'vigil-test', deployed: true });
    expect(JSON.parse(readFileSync(cdkArgs, 'utf8'))).toEqual(['deploy', '--app', out, '--require-approval', 'broadening', '--profile', 'audit', 'vigil-test']);
  });

  it('synth --json writes the cloud assembly and summarises it', async () => {
    const r = await childSynth;
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { stackName: string; dir: string; templateFile: string; resources: Record<string, number> };
    expect(j.stackName).toBe('vigil-test');
    expect(j.dir).toBe(synthOut);
    const template = JSON.parse(readFileSync(j.templateFile, 'utf8')) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    const types = Object.values(template.Resources).map((x) => x.Type);
    for (const [type, n] of Object.entries(j.resources)) expect(types.filter((t) => t === type)).toHaveLength(n);
    expect(j.resources['AWS::Lambda::Function']).toBe(4);
    const notification = Object.values(template.Resources).find((x) => x.Type === 'Custom::S3BucketNotifications')!;
    expect(JSON.stringify(notification.Properties)).toContain('"Value":"org/AWSLogs/"');
    expect(JSON.stringify(template)).toContain('cron(0 4 * * ? *)');
    // The code asset: the three handlers and the rule pack beside them.
    const asset = Object.values(template.Resources).find((x) => x.Type === 'AWS::Lambda::Function' && x.Properties.Handler === 'watch.handler')!;
    const assetHash = (asset.Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
    for (const f of ['watch.mjs', 'outbox.mjs', 'audit.mjs', 'rules']) expect(existsSync(join(synthOut, `asset.${assetHash}`, f)), f).toBe(true);
  });
});
