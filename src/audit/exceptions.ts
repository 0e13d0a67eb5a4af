/**
 * Exceptions (the mutelist): YAML entries that mute failing findings by check id or glob, account, region,
 * resource regex and tags, each with a reason, an owner and an optional expiry. A muted finding stays in every
 * report as `muted`; an expired exception no longer mutes and is reported as expired.
 */
import { readFileSync } from 'node:fs';
import picomatch from 'picomatch';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../util/errors.js';

const stringList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const date = z
  .union([z.string(), z.date()])
  .transform((v, ctx) => {
    const s = v instanceof Date ? v.toISOString() : v;
    // A bare date expires at the end of that day (UTC): "until 2026-12-31" includes the 31st.
    const t = /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T23:59:59.999Z`) : Date.parse(s);
    if (Number.isNaN(t)) {
      ctx.addIssue({ code: 'custom', message: `not a date: ${s}` });
      return z.NEVER;
    }
    return new Date(t).toISOString();
  });

export const ExceptionSchema = z
  .object({
    /** Check ids or globs (`iam_*`). */
    checks: stringList.describe('check ids or globs, e.g. iam_user_* '),
    /** Account ids or globs; default all. */
    accounts: stringList.optional().describe('account ids or globs (default: every account)'),
    /** Regions or globs; default all. */
    regions: stringList.optional().describe('regions or globs (default: every region)'),
    /** A regular expression the resource (ARN or id) or its name must match. */
    resource: z.string().optional().describe('regular expression matched against the resource ARN/id or its name'),
    /** Tags the resource must carry (values are globs). */
    tags: z.record(z.string(), z.string()).optional().describe('tags the resource must have; values are globs'),
    reason: z.string().min(1).describe('why this is accepted'),
    owner: z.string().min(1).describe('who accepted it'),
    expires: date.optional().describe('date (YYYY-MM-DD, end of day UTC) or ISO time after which it stops muting'),
  })
  .strict();

export const ExceptionsFileSchema = z.union([
  z.object({ exceptions: z.array(ExceptionSchema) }).strict(),
  z.array(ExceptionSchema),
]);

export type ExceptionInput = z.input<typeof ExceptionSchema>;

export interface Exception {
  /** Position in the file (1-based) for messages. */
  index: number;
  checks: string[];
  accounts?: string[];
  regions?: string[];
  resource?: string;
  tags?: Record<string, string>;
  reason: string;
  owner: string;
  expires?: string;
}

/** JSON Schema of the exceptions file, for editors (`vigil audit exceptions-schema`). */
export function exceptionsJsonSchema(): unknown {
  return z.toJSONSchema(ExceptionsFileSchema, { io: 'input', unrepresentable: 'any' });
}

const list = (v: string | string[] | undefined) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

export function parseExceptions(value: unknown, source = 'exceptions'): Exception[] {
  if (value === null || value === undefined) return [];
  const raw = Array.isArray(value) ? value : (value as { exceptions?: unknown }).exceptions;
  if (!Array.isArray(raw) || (!Array.isArray(value) && Object.keys(value as object).some((k) => k !== 'exceptions'))) {
    throw new UsageError(`${source}: expected a list of exceptions, or { exceptions: [...] }`);
  }
  // Entry by entry, so the message names the entry and field (a union's error would not).
  const entries = raw.map((entry, i) => {
    const parsed = ExceptionSchema.safeParse(entry);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${source}: ${['exceptions', i, ...issue.path].join('.')}: ${issue.message}`);
  });
  return entries.map((e, i) => {
    if (e.resource !== undefined) {
      try {
        new RegExp(e.resource);
      } catch (err) {
        throw new UsageError(`${source}: exceptions.${i}.resource: bad regular expression: ${(err as Error).message}`);
      }
    }
    return {
      index: i + 1,
      checks: list(e.checks)!,
      accounts: list(e.accounts),
      regions: list(e.regions),
      resource: e.resource,
      tags: e.tags,
      reason: e.reason,
      owner: e.owner,
      expires: e.expires,
    };
  });
}

export function loadExceptions(file: string): Exception[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (err) {
    throw new UsageError(`${file}: not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseExceptions(value, file);
}

/** What an exception says about a finding: it mutes it, or it would have but has expired. */
export interface ExceptionMatch {
  exception: Exception;
  expired: boolean;
}

interface Subject {
  check: string;
  account: string;
  region: string;
  resource: string;
  resourceName?: string;
  tags?: Record<string, string>;
}

/** Exceptions compiled once; `match` is called for every failing result. */
export class Mutelist {
  private readonly compiled: { e: Exception; test: (s: Subject) => boolean; expired: boolean }[];

  constructor(
    readonly exceptions: Exception[],
    now: Date = new Date(),
  ) {
    this.compiled = exceptions.map((e) => ({ e, test: compile(e), expired: !!e.expires && Date.parse(e.expires) <= now.getTime() }));
  }

  /** The first live exception that matches; else the first expired one that would have. */
  match(s: Subject): ExceptionMatch | undefined {
    let expired: ExceptionMatch | undefined;
    for (const c of this.compiled) {
      if (!c.test(s)) continue;
      if (!c.expired) return { exception: c.e, expired: false };
      expired ??= { exception: c.e, expired: true };
    }
    return expired;
  }

  expired(): Exception[] {
    return this.compiled.filter((c) => c.expired).map((c) => c.e);
  }
}

function anyGlob(globs: string[] | undefined): ((v: string) => boolean) | undefined {
  if (!globs) return undefined;
  const ms = globs.map((g) => picomatch(g, { dot: true }));
  return (v) => ms.some((m) => m(v));
}

function compile(e: Exception): (s: Subject) => boolean {
  const check = anyGlob(e.checks)!;
  const account = anyGlob(e.accounts);
  const region = anyGlob(e.regions);
  const resource = e.resource === undefined ? undefined : new RegExp(e.resource);
  const tags = e.tags ? Object.entries(e.tags).map(([k, v]) => [k, picomatch(v, { dot: true })] as const) : undefined;
  return (s) =>
    check(s.check) &&
    (!account || account(s.account)) &&
    (!region || region(s.region)) &&
    (!resource || resource.test(s.resource) || (s.resourceName !== undefined && resource.test(s.resourceName))) &&
    (!tags || tags.every(([k, m]) => s.tags?.[k] !== undefined && m(s.tags[k]!)));
}
