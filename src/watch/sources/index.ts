/**
 * The watch sources: where new CloudTrail arrives. `createSource` checks a config entry and builds the source;
 * `parseSourceArg` reads the command-line form (sqs://…, s3://bucket/prefix, dir:<path> or a directory, '-').
 */
import { existsSync, statSync } from 'node:fs';
import { UsageError } from '../../util/errors.js';
import type { Source } from '../source.js';
import { memoryCheckpoint, type SourceCtx } from './common.js';
import { SourceConfigSchema, type SourceConfig } from './config.js';
import { DirSource } from './dir.js';
import { S3PollSource } from './s3poll.js';
import { SqsSource } from './sqs.js';
import { StdinSource } from './stdin.js';

export { SourceConfigSchema, type SourceConfig } from './config.js';
export { memoryCheckpoint, type SourceCtx, type CheckpointCtx } from './common.js';
export { parseMessage, type MessagePart } from './messages.js';

/** A config entry (from vigil.yaml or parseSourceArg) checked against the schema; bad fields are named. */
export function sourceConfig(config: unknown): SourceConfig {
  const r = SourceConfigSchema.safeParse(config);
  if (r.success) return r.data;
  const label = typeof config === 'object' && config && 'name' in config ? String(config.name) : JSON.stringify(config)?.slice(0, 80);
  const issue = r.error.issues[0]!;
  const at = issue.path.length ? `${issue.path.join('.')}: ` : '';
  throw new UsageError(`watch source ${label}: ${at}${issue.message}`);
}

export function createSource(config: unknown, ctx: SourceCtx): Source {
  const cfg = sourceConfig(config);
  const full = { ...ctx, checkpoint: ctx.checkpoint ?? memoryCheckpoint() };
  switch (cfg.type) {
    case 'sqs':
      return new SqsSource(cfg, full);
    case 's3':
      return new S3PollSource(cfg, full);
    case 'dir':
      return new DirSource(cfg, full);
    case 'stdin':
      return new StdinSource(cfg, full);
  }
}

/**
 * The command-line form of a source:
 *   sqs://<queue name>, sqs://https://sqs.<region>.amazonaws.com/<account>/<name>, sqs://sqs.<region>.amazonaws.com/…
 *   s3://bucket/prefix      dir:<path>      <path of a directory>      -  (standard input)
 */
export function parseSourceArg(arg: string): SourceConfig {
  const a = arg.trim();
  if (a === '-') return sourceConfig({ type: 'stdin', name: 'stdin' });
  if (a.startsWith('sqs://')) {
    const rest = a.slice('sqs://'.length);
    if (!rest) throw new UsageError(`${arg}: no queue (use sqs://<queue name> or sqs://<queue url>)`);
    const queue = /^https?:\/\//.test(rest) || !rest.includes('/') ? rest : `https://${rest}`;
    return sourceConfig({ type: 'sqs', name: arg, queue });
  }
  if (a.startsWith('s3://')) return sourceConfig({ type: 's3', name: arg, url: a });
  if (a.startsWith('dir:')) {
    const path = a.slice('dir:'.length);
    if (!path) throw new UsageError(`${arg}: no directory (use dir:<path>)`);
    return sourceConfig({ type: 'dir', name: arg, path });
  }
  if (existsSync(a) && statSync(a).isDirectory()) return sourceConfig({ type: 'dir', name: arg, path: a });
  throw new UsageError(`${arg}: not a watch source (use sqs://<queue>, s3://bucket/prefix, dir:<path>, a directory, or - for stdin)`);
}
