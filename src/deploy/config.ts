import { z } from 'zod';

const accountId = z.string().regex(/^\d{12}$/, 'an account id is 12 digits');

/** Names CloudFormation accepts for stacks (letters, digits, hyphens; starts with a letter). */
const stackName = z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'a stack name is letters, digits and hyphens, starting with a letter');

/**
 * An EventBridge schedule: `cron(...)`/`rate(...)` as EventBridge writes them, or a 5-field UTC cron
 * ("0 3 * * *"), converted by scheduleExpression().
 */
const schedule = z
  .string()
  .refine((v) => {
    try {
      scheduleExpression(v);
      return true;
    } catch {
      return false;
    }
  }, 'not a schedule: a 5-field cron ("0 3 * * *"), cron(...) or rate(...)');

/** `deploy:` in vigil.yaml — the serverless form on AWS (CDK). */
export const DeployConfigSchema = z
  .object({
    stackName: stackName.default('vigil-watch').describe('The CloudFormation stack.'),
    account: accountId.optional().describe('Account to deploy to (default: the profile\'s, resolved at deploy time).'),
    region: z.string().optional().describe('Region to deploy to (default: the profile\'s).'),
    trail: z
      .object({
        bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)').optional().describe('The existing CloudTrail bucket (imported, never created or changed beyond its notification).'),
        prefix: z
          .string()
          .default('')
          .refine((p) => p === '' || p.endsWith('/'), 'a key prefix ends with /')
          .describe('Key prefix before AWSLogs/ in the trail bucket ("" or ending with /).'),
        kmsKeyArn: z.string().startsWith('arn:', 'a KMS key ARN').optional().describe('KMS key of the trail files (SSE-KMS trails): the watch function may decrypt with it via S3.'),
        orgId: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'an organization id looks like o-abc1234567').optional().describe('Organization id of an organization trail.'),
      })
      .strict()
      .default({ prefix: '' }),
    collect: z
      .object({
        accounts: z.array(accountId).default([]).describe('Accounts the nightly job collects (default: the organization\'s accounts when trail.orgId is set, else the deployment account).'),
        regions: z.array(z.string()).default([]).describe('Regions the nightly job collects (default: every enabled region).'),
        roleName: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'an IAM role name').optional().describe('Role assumed in member accounts (needs SecurityAudit there).'),
        externalId: z.string().optional().describe('External id of the member-account role.'),
        schedule: schedule.default('0 3 * * *').describe('When the collect + audit job runs (UTC).'),
      })
      .strict()
      .default({ accounts: [], regions: [], schedule: '0 3 * * *' }),
    alertEmail: z.email().optional().describe('Email subscribed to the alerts topic (confirmed by the recipient).'),
    sinksSecretName: z.string().min(1).default('vigil/sinks').describe('Secrets Manager secret holding the sinks (webhook URLs), as JSON.'),
    removalPolicy: z.enum(['retain', 'destroy']).default('retain').describe('What deleting the stack does to tables, queues and the key.'),
    lambda: z
      .object({
        memoryMb: z.number().int().min(128).max(10240).default(1024),
        timeoutSeconds: z.number().int().min(10).max(900).default(120).describe('Watch and outbox functions (the nightly job gets 900).'),
        batchSize: z.number().int().min(1).max(10000).default(10).describe('S3 notifications per watch invocation.'),
        batchWindowSeconds: z.number().int().min(0).max(300).default(5),
      })
      .strict()
      .default({ memoryMb: 1024, timeoutSeconds: 120, batchSize: 10, batchWindowSeconds: 5 }),
    dedupDays: z.number().int().min(1).max(365).default(30).describe('How long an alert id is remembered (DynamoDB TTL).'),
  })
  .strict();

export type DeployConfig = z.infer<typeof DeployConfigSchema>;

/** EventBridge's form of a schedule: 5-field cron → cron(min hour dom month dow year), with `?` where required. */
export function scheduleExpression(v: string): string {
  const s = v.trim();
  if (/^rate\(\s*\d+\s+(minute|minutes|hour|hours|day|days)\s*\)$/.test(s)) return s;
  if (/^cron\(.+\)$/.test(s)) {
    if (s.slice(5, -1).trim().split(/\s+/).length !== 6) throw new Error('cron(...) takes 6 fields');
    return s;
  }
  const f = s.split(/\s+/);
  if (f.length !== 5 || !f.every((x) => /^[\d*,/\-A-Za-z?LW#]+$/.test(x))) throw new Error('a cron has 5 fields');
  const [min, hour, month] = [f[0]!, f[1]!, f[3]!];
  let [dom, dow] = [f[2]!, f[4]!];
  // EventBridge wants exactly one of day-of-month / day-of-week to be `?`; cron's `*` means "any" in both.
  if (dow === '*' || dow === '?') dow = '?';
  else if (dom === '*' || dom === '?') dom = '?';
  else throw new Error('EventBridge cannot restrict both day-of-month and day-of-week');
  // Cron counts weekdays 0-6 from Sunday, EventBridge 1-7.
  if (dow !== '?') dow = dow.replace(/\d/g, (d) => String((Number(d) % 7) + 1));
  return `cron(${min} ${hour} ${dom} ${month} ${dow} *)`;
}
