/** vigil.yaml's `detect:` section feeds rule parameters (Sigma `expand` placeholders) to both engines. */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vigil } from './helpers/cli.js';
import { fixtureRecords } from './helpers/records.js';

describe('detect params from vigil.yaml', () => {
  it('approvedRegions from config decides whether a launch is in an unapproved region', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-detcfg-'));
    try {
      const base = fixtureRecords().find((r) => r.eventName === 'ConsoleLogin')!;
      const launch = { ...base, eventID: 'launch-1', eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', awsRegion: 'eu-west-1', errorCode: undefined };
      const input = JSON.stringify(launch);
      const rule = 'aws-ec2-instance-in-unapproved-region';
      const rules = (code: { stdout: string }) => code.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).rule.id as string);
      // Built-in defaults approve eu-west-1.
      expect(rules(vigil(['detect', '-', '--json'], { input }))).not.toContain(rule);
      const cfg = join(dir, 'vigil.yaml');
      writeFileSync(cfg, 'detect:\n  params:\n    approvedRegions: [us-east-1]\n');
      expect(rules(vigil(['detect', '-', '--json', '--config', cfg], { input }))).toContain(rule);
      // A flag's file overrides the config.
      const params = join(dir, 'params.yaml');
      writeFileSync(params, 'approvedRegions: [eu-west-1]\n');
      expect(rules(vigil(['detect', '-', '--json', '--config', cfg, '--params', params], { input }))).not.toContain(rule);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
