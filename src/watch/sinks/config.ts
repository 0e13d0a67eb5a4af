import { z } from 'zod';

/**
 * A secret setting (webhook URL, HMAC key, API token): `env:NAME`, `secretsmanager:<name-or-arn>` (read with the
 * `aws:` region and endpoint), or the value itself. Resolved once when the sinks are created; never logged.
 */
const secret = (what: string) =>
  z.string().min(1).describe(`${what}: \`env:NAME\`, \`secretsmanager:<name-or-arn>\`, or the value itself (kept out of logs).`);

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

export const RouteSchema = z
  .object({
    minSeverity: z.enum(SEVERITIES).optional().describe('Lowest severity delivered (default: all).'),
    kinds: z.array(z.enum(['alert', 'finding', 'enforcement'])).optional().describe('Notice kinds delivered (default: all).'),
    rules: z.array(z.string()).optional().describe('Globs over the rule, check or action id (Notice.source), e.g. `aws-cloudtrail-*`; `!glob` excludes.'),
    tags: z.array(z.string()).optional().describe('Delivered only when the notice carries one of these tags (globs).'),
    accounts: z.array(z.string()).optional().describe('Delivered only for these account ids (globs).'),
  })
  .strict();

export const RetrySchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(100).default(8).describe('Attempts before a delivery is dead-lettered (status failed).'),
    baseMs: z.number().int().min(1).default(2000).describe('First backoff; doubles each attempt, with jitter.'),
    maxMs: z.number().int().min(1).default(15 * 60_000).describe('Longest backoff.'),
  })
  .strict();

const common = {
  name: z.string().regex(/^[\w.-]+$/, 'letters, digits, _ . - only').describe('Unique sink name (used by `vigil outbox` and in the outbox rows).'),
  route: RouteSchema.default({}).describe('Which notices this sink receives (every field optional; empty = everything).'),
  rateLimit: z.number().positive().default(5).describe('Deliveries per second to this sink at most.'),
  retry: RetrySchema.default(RetrySchema.parse({})).describe('Backoff and dead-lettering.'),
  timeoutMs: z.number().int().min(100).default(10_000).describe('Per-request timeout.'),
};

export const SlackSinkSchema = z
  .object({ ...common, type: z.literal('slack'), url: secret('Incoming-webhook URL') })
  .strict()
  .describe('Slack incoming webhook (Block Kit message).');

export const WebhookSinkSchema = z
  .object({
    ...common,
    type: z.literal('webhook'),
    url: secret('Receiver URL'),
    secret: secret('HMAC-SHA256 key for X-Vigil-Signature').optional(),
    headers: z.record(z.string(), z.string()).default({}).describe('Extra request headers (values may be secret references too).'),
  })
  .strict()
  .describe('Generic JSON webhook, signed with X-Vigil-Signature: sha256=<hex HMAC of "<timestamp>.<body>">.');

export const SnsSinkSchema = z
  .object({
    ...common,
    type: z.literal('sns'),
    topicArn: z.string().regex(/^arn:[\w-]+:sns:[\w-]+:\d{12}:[\w-]+$/, 'an SNS topic ARN').describe('Topic to publish to (e-mail subscribers work through it).'),
    region: z.string().optional().describe("The topic's region (default: taken from the ARN)."),
  })
  .strict()
  .describe('Amazon SNS Publish.');

export const JiraSinkSchema = z
  .object({
    ...common,
    type: z.literal('jira'),
    url: z.string().url().describe('Jira base URL, e.g. https://example.atlassian.net'),
    project: z.string().min(1).describe('Project key the issues are created in.'),
    issueType: z.string().default('Task'),
    user: z.string().min(1).describe('User (e-mail) for basic auth.'),
    token: secret('API token'),
    labels: z.array(z.string()).default(['vigil']).describe('Labels added to every issue (besides the dedup label).'),
    deployment: z
      .enum(['cloud', 'datacenter'])
      .optional()
      .describe('Jira Cloud or Server/Data Center (default: cloud when the URL is on atlassian.net); Cloud searches with /search/jql.'),
  })
  .strict()
  .describe('Jira: one issue per finding or alert (deduplicated by label), comments on later changes.');

export const NdjsonSinkSchema = z
  .object({ ...common, type: z.literal('ndjson'), path: z.string().min(1).describe('File that gets one JSON line per notice.') })
  .strict()
  .describe('Append notices to a file, one JSON object per line.');

export const StdoutSinkSchema = z.object({ ...common, type: z.literal('stdout') }).strict().describe('One JSON line per notice on stdout.');

export const SinkConfigSchema = z.discriminatedUnion('type', [SlackSinkSchema, WebhookSinkSchema, SnsSinkSchema, JiraSinkSchema, NdjsonSinkSchema, StdoutSinkSchema]);

/** `sinks:` in vigil.yaml — where notices go and which ones each sink receives. */
export const SinksConfigSchema = z
  .array(SinkConfigSchema)
  .superRefine((sinks, ctx) => {
    const seen = new Set<string>();
    sinks.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate sink name ${s.name}` });
      seen.add(s.name);
    });
  })
  .describe('Sinks: slack, webhook, sns, jira, ndjson, stdout; each with a route, a rate limit and retries.');

export type SinkConfig = z.infer<typeof SinkConfigSchema>;
export type SinkConfigInput = z.input<typeof SinkConfigSchema>;
export type Route = z.infer<typeof RouteSchema>;
export type RetryPolicy = z.infer<typeof RetrySchema>;

const isReference = (v: string) => v.startsWith('env:') || v.startsWith('secretsmanager:');
const mask = (v: string) => (isReference(v) ? v : '[redacted]');

/** The sinks with literal secret values blanked (references like `env:NAME` kept), for `vigil config show`. */
export function maskSinkSecrets(sinks: SinkConfig[]): SinkConfig[] {
  return sinks.map((s) => {
    switch (s.type) {
      case 'slack':
        return { ...s, url: mask(s.url) };
      case 'webhook':
        return { ...s, url: mask(s.url), secret: s.secret === undefined ? undefined : mask(s.secret), headers: Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k, mask(v)])) };
      case 'jira':
        return { ...s, token: mask(s.token) };
      default:
        return s;
    }
  });
}
