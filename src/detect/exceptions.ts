/**
 * The exception table (YAML). Each exception compiles to a predicate of the rule model, so the JS and SQL
 * engines apply it identically: a rule's events are kept only when no active exception for that rule matches.
 * Expired exceptions stop applying and are reported.
 */
import { readFileSync } from 'node:fs';
import picomatch from 'picomatch';
import { parse } from 'yaml';
import { UsageError } from '../util/errors.js';
import { and, ANY, not, or, parseGlob, type Pred } from './ir.js';
import { ExceptionFile, type ExceptionEntry } from './schema.js';
import { cidrRegex } from './sigma/detection.js';

export interface RuleException extends ExceptionEntry {
  /** Position in the file, for reports. */
  index: number;
  pred: Pred;
  expiresAt?: Date;
}

export interface ExceptionSet {
  active: RuleException[];
  expired: RuleException[];
}

export const NO_EXCEPTIONS: ExceptionSet = { active: [], expired: [] };

const glob = (field: string, value: string): Pred => ({ k: 'glob', field, tokens: parseGlob(value), cased: false });

function actorPred(v: string): Pred {
  const m = /^\/(.*)\/([ims]*)$/.exec(v);
  if (m) return { k: 're', field: 'userIdentity.arn', source: m[1]!, flags: m[2]! };
  return glob('userIdentity.arn', v);
}

function ipPred(v: string): Pred {
  return v.includes('/') ? { k: 're', field: 'sourceIPAddress', source: cidrRegex(v), flags: '' } : glob('sourceIPAddress', v);
}

export function exceptionPred(e: ExceptionEntry): Pred {
  const parts: Pred[] = [];
  if (e.actor) parts.push(actorPred(e.actor));
  if (e.sourceIp) parts.push(ipPred(e.sourceIp));
  if (e.account) {
    // The event's account, as the lake's `account` column: recipientAccountId, else the caller's account.
    parts.push(or([glob('recipientAccountId', e.account), and([{ k: 'null', field: 'recipientAccountId' }, glob('userIdentity.accountId', e.account)])]));
  }
  if (e.region) parts.push(glob('awsRegion', e.region));
  if (e.userAgent) parts.push(glob('userAgent', e.userAgent));
  if (e.resource) {
    const g = parseGlob(e.resource);
    parts.push(or([glob('resources.ARN', e.resource), { k: 'glob', field: 'requestParameters', tokens: [ANY, ...g, ANY], cased: false }]));
  }
  return and(parts);
}

/** Parses an exception table; `now` decides which are expired. */
export function parseExceptions(text: string, file: string, now = new Date()): ExceptionSet {
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    throw new UsageError(`${file}: invalid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const r = ExceptionFile.safeParse(data ?? { exceptions: [] });
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new UsageError(`${file}: ${i.path.join('.') || 'exceptions'}: ${i.message}`);
  }
  const out: ExceptionSet = { active: [], expired: [] };
  r.data.exceptions.forEach((e, index) => {
    const expiresAt = e.expires === undefined ? undefined : new Date(e.expires);
    if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new UsageError(`${file}: exceptions.${index}.expires: not a date`);
    let pred: Pred;
    try {
      pred = exceptionPred(e);
    } catch (err) {
      throw new UsageError(`${file}: exceptions.${index}: ${(err as Error).message}`);
    }
    const x: RuleException = { ...e, index, pred, expiresAt };
    (expiresAt && expiresAt.getTime() <= now.getTime() ? out.expired : out.active).push(x);
  });
  return out;
}

export function loadExceptions(file: string, now = new Date()): ExceptionSet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  return parseExceptions(text, file, now);
}

/** The predicate an event must satisfy to be kept for these rule ids (none of their exceptions match). */
export function keepFor(set: ExceptionSet, ruleIds: string[]): Pred {
  const hits = set.active.filter((x) => ruleIds.some((id) => picomatch.isMatch(id, x.rule)));
  return hits.length ? not(or(hits.map((x) => x.pred))) : { k: 'const', value: true };
}
