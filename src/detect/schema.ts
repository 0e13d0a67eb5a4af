/**
 * The rule file contract (native YAML and Sigma v2, one schema) and the exception table, as zod schemas with
 * JSON Schema exported for editors (`vigil rules schema`). Sigma's descriptive metadata is accepted and kept;
 * keys that would change what a rule does but that vigil does not run (action, timeframe...) are errors.
 */
import { z } from 'zod';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** 30s, 5m, 1h, 7d (Sigma timespans). */
export const Duration = z.string().regex(/^[1-9]\d*[smhdw]$/, 'a duration like 30s, 5m, 1h, 1d');

export function durationSeconds(d: string): number {
  const n = Number(d.slice(0, -1));
  return n * { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[d.slice(-1) as 's' | 'm' | 'h' | 'd' | 'w']!;
}

const FieldList = z.array(z.string().min(1));

const SingleTest = z
  .object({
    name: z.string(),
    match: z.boolean().describe('Whether the rule matches this event.'),
    event: z.record(z.string(), z.unknown()).describe('A CloudTrail record as it appears in the logs (camelCase).'),
  })
  .strict();
const WindowTest = z
  .object({
    name: z.string(),
    events: z.array(z.record(z.string(), z.unknown())).min(1),
    alerts: z.number().int().min(0).describe('How many alerts the events raise (after dedup).'),
  })
  .strict();
export const RuleTest = z.union([SingleTest, WindowTest]);
export type RuleTest = z.infer<typeof RuleTest>;

const CorrelationCondition = z
  .object({
    gte: z.number().int().optional(),
    gt: z.number().int().optional(),
    lte: z.number().int().optional(),
    lt: z.number().int().optional(),
    eq: z.number().int().optional(),
    field: z.string().optional(),
  })
  .strict();

export const Correlation = z
  .object({
    type: z.enum(['event_count', 'value_count', 'temporal', 'temporal_ordered']),
    rules: z.union([z.string(), z.array(z.string()).min(1)]),
    'group-by': FieldList.optional(),
    timespan: Duration,
    condition: CorrelationCondition.optional(),
    field: z.string().optional(),
    aliases: z.record(z.string(), z.record(z.string(), z.string())).optional(),
    generate: z.boolean().optional(),
  })
  .strict();

const Meta = {
  id: z.string().min(1).describe('Unique id (a slug for native rules, a UUID in Sigma).'),
  name: z.string().optional().describe('Sigma: a name correlation rules can refer to.'),
  title: z.string().min(1),
  description: z.string().optional(),
  severity: z.enum(SEVERITIES).optional(),
  level: z.enum(['informational', 'low', 'medium', 'high', 'critical']).optional().describe('Sigma spelling of severity.'),
  tags: z.array(z.string()).optional().describe('MITRE ATT&CK tags: attack.<tactic>, attack.tNNNN[.NNN].'),
  status: z.string().optional(),
  author: z.string().optional(),
  date: z.union([z.string(), z.date()]).optional(),
  modified: z.union([z.string(), z.date()]).optional(),
  references: z.array(z.string()).optional(),
  license: z.string().optional(),
  related: z.array(z.record(z.string(), z.unknown())).optional(),
  fields: z.array(z.string()).optional(),
  taxonomy: z.string().optional(),
  scope: z.array(z.string()).optional(),
  falsepositives: z.array(z.string()).optional(),
  runbook: z.string().optional(),
  remediation: z.string().optional(),
  logsource: z.record(z.string(), z.string()).optional(),
  dedup: z.object({ period: Duration.optional(), keys: FieldList.optional() }).strict().optional(),
  params: z.record(z.string(), z.unknown()).optional().describe('Values for %name% placeholders (the `expand` modifier); config overrides them.'),
  generate: z.boolean().optional(),
  tests: z.array(RuleTest).optional(),
};

export const RuleFile = z
  .object({
    ...Meta,
    detection: z.record(z.string(), z.unknown()).optional().describe('Sigma detection: named searches and a condition.'),
    threshold: z
      .object({ count: z.number().int().min(1), window: Duration, groupBy: FieldList.optional() })
      .strict()
      .optional()
      .describe('Alert when `count` matches fall within `window` for the same groupBy values.'),
    correlation: Correlation.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (!r.detection && !r.correlation) ctx.addIssue({ code: 'custom', message: 'a rule needs detection or correlation' });
    if (r.detection && r.correlation) ctx.addIssue({ code: 'custom', message: 'a rule has detection or correlation, not both' });
    if (r.threshold && r.correlation) ctx.addIssue({ code: 'custom', message: 'threshold belongs to detection rules; correlations have their own condition' });
  });
export type RuleFile = z.infer<typeof RuleFile>;

export const ExceptionEntry = z
  .object({
    rule: z.string().default('*').describe('Rule id or glob (aws-iam-*).'),
    actor: z.string().optional().describe('userIdentity.arn: a glob, or /regex/.'),
    sourceIp: z.string().optional().describe('An IP or an IPv4 CIDR.'),
    account: z.string().optional(),
    region: z.string().optional(),
    resource: z.string().optional().describe('Glob over resources[].ARN or requestParameters text.'),
    userAgent: z.string().optional().describe('Glob over userAgent.'),
    reason: z.string().min(1),
    owner: z.string().min(1),
    expires: z.union([z.string(), z.date()]).optional().describe('ISO date; after it the exception stops applying.'),
  })
  .strict();
export const ExceptionFile = z.object({ exceptions: z.array(ExceptionEntry) }).strict();
export type ExceptionEntry = z.infer<typeof ExceptionEntry>;

/** JSON Schemas for editors (yaml-language-server). */
export function ruleJsonSchema(): unknown {
  return z.toJSONSchema(RuleFile, { unrepresentable: 'any', io: 'input' });
}
export function exceptionJsonSchema(): unknown {
  return z.toJSONSchema(ExceptionFile, { unrepresentable: 'any', io: 'input' });
}
