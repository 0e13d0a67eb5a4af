import { z } from 'zod';

/** The actions enforcement knows (one module each in ./actions). */
export const ACTION_IDS = ['revoke-public-ingress', 'start-logging', 'deactivate-access-key', 'put-public-access-block'] as const;
export type ActionId = (typeof ACTION_IDS)[number];

/** `enforce:` in vigil.yaml — automated responses: off by default, dry-run by default, allowlisted per rule. */
export const EnforceConfigSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Run enforcement at all (reads state, records what it would do). Off by default.'),
    dryRun: z.boolean().default(true).describe('Record what would be done without changing anything in AWS. Set false to act.'),
    actions: z
      .array(
        z
          .object({
            rule: z.string().min(1).describe('Glob over rule ids whose alerts trigger the action, e.g. `aws-ec2-sg-*`.'),
            action: z.enum(ACTION_IDS).describe(`One of ${ACTION_IDS.join(', ')}.`),
          })
          .strict(),
      )
      .default([])
      .describe('The allowlist: only these (rule, action) pairs ever run.'),
    roleName: z
      .string()
      .optional()
      .describe("Role assumed in the alert's account to act (e.g. VigilEnforcer); default: the current credentials."),
  })
  .strict();

export type EnforceConfig = z.infer<typeof EnforceConfigSchema>;
