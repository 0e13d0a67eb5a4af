/**
 * A rule file (native or Sigma) → a compiled Rule: its predicate (the one model both engines run), its window
 * (threshold or correlation) and its alert metadata. Errors name the construct; the loader adds file and line.
 */
import { compileDetectionFull, DetectionError, type Placeholders } from './sigma/detection.js';
import { field, FieldError } from './fields.js';
import { ConditionError } from './sigma/condition.js';
import { fieldsOf, type Pred } from './ir.js';
import { durationSeconds, type RuleFile, type RuleTest, type Severity } from './schema.js';

export type WindowType = 'count' | 'value_count' | 'temporal' | 'temporal_ordered';

/** N events (or distinct values, or every member rule) within `seconds`, per group. */
export interface WindowSpec {
  type: WindowType;
  /** Member rule ids (a threshold rule's member is itself). */
  members: string[];
  groupBy: string[];
  seconds: number;
  /** count/value_count: at least n. */
  n: number;
  /** value_count: the field whose distinct values are counted. */
  field?: string;
}

export interface Rule {
  id: string;
  name?: string;
  title: string;
  description?: string;
  severity: Severity;
  tags: string[];
  format: 'native' | 'sigma';
  file: string;
  /** Single-event predicate (absent for correlation rules). */
  pred?: Pred;
  window?: WindowSpec;
  dedup: { seconds: number; keys: string[] };
  /** False for base rules whose matches only feed a correlation. */
  generate: boolean;
  runbook?: string;
  remediation?: string;
  falsepositives?: string[];
  tests: RuleTest[];
  /** Correlation references as written, resolved by the pack. */
  refs?: string[];
  /** Things that load but deserve a look (fields CloudTrail does not have, defaults applied). */
  warnings: string[];
  /** Correlation with Sigma `generate: true`: its member rules keep alerting on their own. */
  keepMembers?: boolean;
}

export class RuleError extends Error {}

const SIGMA_LEVEL: Record<string, Severity> = { informational: 'info', low: 'low', medium: 'medium', high: 'high', critical: 'critical' };
export const DEFAULT_DEDUP = { seconds: 3600, keys: ['userIdentity.arn'] };

function checkFields(paths: string[], what: string): string[] {
  return paths.map((p) => {
    try {
      const ref = field(p);
      if (ref.list) throw new RuleError(`${what} '${p}': a list field cannot be a key`);
      return ref.path;
    } catch (e) {
      if (e instanceof FieldError) throw new RuleError(`${what}: ${e.message}`);
      throw e;
    }
  });
}

export function compileRule(doc: RuleFile, file: string, placeholders: Placeholders): Rule {
  const format = doc.severity || !doc.level ? 'native' : 'sigma';
  const ls = doc.logsource;
  if (ls?.product && ls.product.toLowerCase() !== 'aws') throw new RuleError(`logsource product '${ls.product}' is not AWS CloudTrail`);
  if (ls?.service && ls.service.toLowerCase() !== 'cloudtrail') throw new RuleError(`logsource service '${ls.service}' is not CloudTrail`);
  const rule: Rule = {
    id: doc.id,
    name: doc.name,
    title: doc.title,
    description: doc.description,
    severity: doc.severity ?? SIGMA_LEVEL[doc.level ?? 'medium']!,
    tags: doc.tags ?? [],
    format,
    file,
    dedup: {
      seconds: doc.dedup?.period ? durationSeconds(doc.dedup.period) : DEFAULT_DEDUP.seconds,
      keys: doc.dedup?.keys ? checkFields(doc.dedup.keys, 'dedup.keys') : DEFAULT_DEDUP.keys,
    },
    generate: true,
    runbook: doc.runbook,
    remediation: doc.remediation,
    falsepositives: doc.falsepositives,
    tests: doc.tests ?? [],
    warnings: [],
  };
  const ph = { ...(doc.params ?? {}), ...placeholders };
  if (doc.detection) {
    let aggregation;
    try {
      const d = compileDetectionFull(doc.detection, ph);
      rule.pred = d.pred;
      aggregation = d.aggregation;
    } catch (e) {
      if (e instanceof DetectionError || e instanceof ConditionError) throw new RuleError(`detection: ${(e as Error).message}`);
      throw e;
    }
    for (const f of fieldsOf(rule.pred)) if (field(f).unknown) rule.warnings.push(`field '${f}' is not in CloudTrail records: always empty`);
    if (aggregation && doc.threshold) throw new RuleError('detection: an aggregation (|) and threshold together; keep one');
    if (aggregation) {
      if (!aggregation.timeframe) rule.warnings.push('aggregation without timeframe: counted over 24h windows');
      rule.window = {
        type: aggregation.field ? 'value_count' : 'count',
        members: [rule.id],
        groupBy: aggregation.groupBy,
        seconds: durationSeconds(aggregation.timeframe ?? '24h'),
        n: aggregation.n,
        field: aggregation.field,
      };
    }
    if (doc.threshold) {
      rule.window = {
        type: 'count',
        members: [rule.id],
        groupBy: checkFields(doc.threshold.groupBy ?? [], 'threshold.groupBy'),
        seconds: durationSeconds(doc.threshold.window),
        n: doc.threshold.count,
      };
    }
  }
  if (doc.correlation) {
    const c = doc.correlation;
    if (c.aliases) throw new RuleError('correlation.aliases: field aliases are not supported (use the same CloudTrail field in every rule)');
    const refs = Array.isArray(c.rules) ? c.rules : [c.rules];
    const cond = c.condition ?? {};
    for (const op of ['lt', 'lte', 'eq'] as const)
      if (cond[op] !== undefined) throw new RuleError(`correlation.condition.${op}: upper bounds cannot be decided while a window is still open; use gte or gt`);
    const n = cond.gte ?? (cond.gt !== undefined ? cond.gt + 1 : undefined);
    const type: WindowType = c.type === 'event_count' ? 'count' : c.type;
    if ((type === 'count' || type === 'value_count') && n === undefined) throw new RuleError(`correlation.condition: ${c.type} needs gte or gt`);
    const valueField = c.field ?? cond.field;
    if (type === 'value_count' && !valueField) throw new RuleError('correlation: value_count needs condition.field');
    if (type === 'temporal_ordered' && refs.length < 2) throw new RuleError('correlation: temporal_ordered needs at least two rules');
    rule.refs = refs;
    rule.window = {
      type,
      members: refs,
      groupBy: checkFields(c['group-by'] ?? [], 'correlation.group-by'),
      seconds: durationSeconds(c.timespan),
      n: n ?? refs.length,
      field: valueField ? checkFields([valueField], 'correlation.field')[0] : undefined,
    };
    // Sigma: generate=true keeps the member rules' own alerts too.
    rule.keepMembers = c.generate === true;
  }
  if (rule.window && !doc.dedup?.keys && rule.window.groupBy.length) rule.dedup = { ...rule.dedup, keys: rule.window.groupBy };
  return rule;
}
