/** vigil's name and version as outputs state them, and AWS partition helpers. */
import { readFileSync } from 'node:fs';

export const PRODUCT = {
  name: 'vigil',
  vendor: 'vigil',
  version: (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version,
};

const HOME: Record<string, string> = { aws: 'us-east-1', 'aws-us-gov': 'us-gov-west-1', 'aws-cn': 'cn-north-1' };

/** The partition a resource ARN names (default aws). */
export function partitionOf(resource: string): string {
  const m = /^arn:(aws|aws-us-gov|aws-cn):/.exec(resource);
  return m ? m[1]! : 'aws';
}

/** A real region for outputs that need one (global findings are filed under the partition's home region). */
export function realRegion(region: string, partition: string): string {
  return /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region) ? region : (HOME[partition] ?? 'us-east-1');
}
