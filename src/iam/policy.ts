/**
 * IAM policy documents in vigil's normalised form: every statement with its lists as arrays, its condition block
 * kept (evaluation reports conditional grants, it does not guess the request context), and where it came from.
 */
import { UsageError } from '../util/errors.js';

export type Effect = 'Allow' | 'Deny';

/** Condition block: operator → key → values, as in the policy. */
export type ConditionBlock = Record<string, Record<string, string[]>>;

export interface Statement {
  effect: Effect;
  sid?: string;
  /** Exactly one of actions / notActions is set. */
  actions?: string[];
  notActions?: string[];
  /** Exactly one of resources / notResources is set (identity policies); neither for trust policies. */
  resources?: string[];
  notResources?: string[];
  condition?: ConditionBlock;
  /** The policy it belongs to (name or ARN), for explanations. */
  source: string;
}

export interface PolicyDocument {
  Version: '2012-10-17' | '2008-10-17';
  Statement: PolicyStatementJson[];
}

export interface PolicyStatementJson {
  Sid?: string;
  Effect: Effect;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const list = (v: unknown, where: string): string[] | undefined => {
  if (v === undefined) return undefined;
  const arr = Array.isArray(v) ? v : [v];
  if (!arr.every((x) => typeof x === 'string')) throw new UsageError(`${where}: expected a string or a list of strings`);
  return arr as string[];
};

/**
 * A policy document as AWS returns it: an object, JSON text, or URL-encoded JSON text (the raw IAM API encodes
 * documents; the CLI decodes them).
 */
export function parsePolicy(doc: unknown, source: string): Statement[] {
  let value = doc;
  if (typeof value === 'string') {
    const text = value.trimStart().startsWith('{') ? value : safeDecode(value);
    try {
      value = JSON.parse(text);
    } catch {
      throw new UsageError(`${source}: policy document is not JSON`);
    }
  }
  if (!value || typeof value !== 'object') throw new UsageError(`${source}: policy document is not an object`);
  const raw = (value as { Statement?: unknown }).Statement;
  if (raw === undefined) throw new UsageError(`${source}: policy document has no Statement`);
  const statements = Array.isArray(raw) ? raw : [raw];
  return statements.map((s, i) => parseStatement(s, `${source} Statement[${i}]`, source));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function parseStatement(s: unknown, where: string, source: string): Statement {
  if (!s || typeof s !== 'object') throw new UsageError(`${where}: not an object`);
  const o = s as Record<string, unknown>;
  if (o.Effect !== 'Allow' && o.Effect !== 'Deny') throw new UsageError(`${where}.Effect: must be Allow or Deny`);
  const st: Statement = { effect: o.Effect, source };
  if (typeof o.Sid === 'string') st.sid = o.Sid;
  st.actions = list(o.Action, `${where}.Action`);
  st.notActions = list(o.NotAction, `${where}.NotAction`);
  if (!st.actions === !st.notActions) throw new UsageError(`${where}: needs exactly one of Action or NotAction`);
  st.resources = list(o.Resource, `${where}.Resource`);
  st.notResources = list(o.NotResource, `${where}.NotResource`);
  if (st.resources && st.notResources) throw new UsageError(`${where}: has both Resource and NotResource`);
  if (o.Condition !== undefined) st.condition = parseCondition(o.Condition, `${where}.Condition`);
  return st;
}

function parseCondition(c: unknown, where: string): ConditionBlock {
  if (!c || typeof c !== 'object' || Array.isArray(c)) throw new UsageError(`${where}: not an object`);
  const out: ConditionBlock = {};
  for (const [op, keys] of Object.entries(c as Record<string, unknown>)) {
    if (!keys || typeof keys !== 'object' || Array.isArray(keys)) throw new UsageError(`${where}.${op}: not an object`);
    out[op] = {};
    for (const [k, v] of Object.entries(keys as Record<string, unknown>)) {
      const vals = (Array.isArray(v) ? v : [v]).map(String);
      out[op][k] = vals;
    }
  }
  return out;
}

/** The statements back as policy JSON (for generated policies). */
export function toDocument(statements: Statement[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: statements.map((s) => {
      const j: PolicyStatementJson = { ...(s.sid ? { Sid: s.sid } : {}), Effect: s.effect };
      if (s.actions) j.Action = one(s.actions);
      if (s.notActions) j.NotAction = one(s.notActions);
      if (s.resources) j.Resource = one(s.resources);
      if (s.notResources) j.NotResource = one(s.notResources);
      if (s.condition) j.Condition = s.condition;
      return j;
    }),
  };
}

const one = (v: string[]): string | string[] => (v.length === 1 ? v[0]! : v);
