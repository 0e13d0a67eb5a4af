/** The demo's lake part: a week of a sample organisation's CloudTrail with a planted intrusion. */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOrg } from '../synth/org.js';
import { writeAwsLogs } from '../synth/awslogs.js';

export interface DemoTrail {
  dir: string;
  files: number;
  records: number;
}

export const DEMO_START = '2026-03-02';
export const DEMO_DAYS = 7;

/**
 * Writes the demo trail (deterministic: the same bytes every time). An existing one is kept unless `fresh`, so
 * a second demo run shows ingestion reading nothing it already has.
 */
export async function writeDemoTrail(root: string, fresh = false): Promise<DemoTrail | undefined> {
  const dir = join(root, 'trail');
  if (existsSync(join(dir, '.complete')) && !fresh) return undefined;
  rmSync(dir, { recursive: true, force: true });
  const out = await writeAwsLogs(
    generateOrg({ seed: 7, start: DEMO_START, days: DEMO_DAYS, intrusion: true, sharedAdminRole: true }),
    dir,
    { recordsPerFile: 200, duplicateFraction: 0.05, deliveryMinutes: 15 },
  );
  writeFileSync(join(dir, '.complete'), new Date().toISOString());
  return { dir, files: out.files, records: out.records };
}
