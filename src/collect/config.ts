/**
 * Collection settings, as the `collect:` section of vigil.yaml (once the shared config schema includes it) or
 * a file given with `vigil collect --accounts-file`. Flags override both.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../util/errors.js';

export const CollectConfigSchema = z
  .object({
    organization: z.boolean().default(false).describe('Discover accounts with Organizations ListAccounts (active accounts only).'),
    accounts: z
      .array(z.object({ id: z.string().regex(/^\d{12}$/, 'an account id is 12 digits'), name: z.string().optional() }).strict())
      .default([])
      .describe('Accounts to collect (default: the organisation, or the current account).'),
    role: z
      .object({
        name: z.string().describe('Role to assume in each account; {account} and {name} are replaced.'),
        externalId: z.string().optional(),
        sessionName: z.string().default('vigil-collect'),
        durationSeconds: z.number().int().min(900).max(43200).default(3600),
      })
      .strict()
      .optional(),
    regions: z.array(z.string()).optional().describe('Only these regions (default: every enabled region).'),
    partition: z.enum(['aws', 'aws-us-gov', 'aws-cn']).optional(),
    rateLimits: z.record(z.string(), z.number().positive()).default({}).describe('Requests per second per account/region/service prefix.'),
    concurrency: z.object({ accounts: z.number().int().min(1).max(256).optional(), perAccount: z.number().int().min(1).max(512).optional(), perService: z.number().int().min(1).max(64).optional() }).strict().default({}),
    requestTimeoutMs: z.number().int().min(100).default(20_000),
    maxAttempts: z.number().int().min(1).max(20).default(6),
    includeSecrets: z.boolean().default(false).describe('Keep Lambda environment values, UserData... (default: redacted).'),
  })
  .strict();

export type CollectConfig = z.infer<typeof CollectConfigSchema>;

export function parseCollectConfig(input: unknown, source: string): CollectConfig {
  const r = CollectConfigSchema.safeParse(input ?? {});
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new UsageError(`${source}: collect.${issue.path.join('.')}: ${issue.message}`);
  }
  return r.data;
}

/** A YAML/JSON file holding collection settings, at its root or under `collect:`. */
export function loadCollectConfig(path: string): CollectConfig {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  const section = doc && typeof doc === 'object' && 'collect' in doc ? (doc as { collect: unknown }).collect : doc;
  return parseCollectConfig(section, path);
}
