import { existsSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigSchema, type Config } from './schema.js';
import { UsageError } from '../util/errors.js';

/** VIGIL_LAKE_MAX_OBJECT_BYTES for ['lake', 'maxObjectBytes']. */
export function envName(path: string[]): string {
  return 'VIGIL_' + path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

/** Every leaf path of the schema with its zod type, for env overrides and docs. */
export function configLeaves(): { path: string[]; type: z.ZodType }[] {
  const out: { path: string[]; type: z.ZodType }[] = [];
  const walk = (t: z.ZodType, path: string[]): void => {
    const inner = unwrap(t);
    if (inner instanceof z.ZodObject) {
      for (const [k, v] of Object.entries(inner.shape)) walk(v as z.ZodType, [...path, k]);
    } else {
      out.push({ path, type: inner });
    }
  };
  walk(ConfigSchema, []);
  return out;
}

function unwrap(t: z.ZodType): z.ZodType {
  let cur: z.ZodType = t;
  while (cur instanceof z.ZodDefault || cur instanceof z.ZodOptional) cur = cur.unwrap() as z.ZodType;
  return cur;
}

/** Aliases kept short for the most common overrides. */
const ENV_ALIASES: Record<string, string[]> = { VIGIL_DB: ['store', 'path'], VIGIL_PROFILE: ['aws', 'profile'] };

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (const k of path.slice(0, -1)) {
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

function envValue(raw: string, type: z.ZodType): unknown {
  if (type instanceof z.ZodNumber) {
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;
  }
  if (type instanceof z.ZodBoolean) return raw === '1' || raw.toLowerCase() === 'true';
  if (type instanceof z.ZodArray) return raw.split(',').map((s) => s.trim()).filter(Boolean);
  return raw;
}

export interface LoadOptions {
  /** Path of vigil.yaml; default ./vigil.yaml when it exists. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Flag overrides, as a partial config (applied last). */
  overrides?: Record<string, unknown>;
}

/** File, then VIGIL_* environment, then flags; validated by the schema. */
export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.VIGIL_CONFIG ?? (existsSync('vigil.yaml') ? 'vigil.yaml' : undefined);
  let raw: Record<string, unknown> = {};
  if (file) {
    if (!existsSync(file)) throw new UsageError(`${file}: config file not found`);
    const doc = parseDocument(readFileSync(file, 'utf8'));
    if (doc.errors.length) {
      const e = doc.errors[0]!;
      const line = e.linePos?.[0]?.line;
      throw new UsageError(`${file}${line ? `:${line}` : ''}: ${e.message.split('\n')[0]}`);
    }
    raw = (doc.toJS() as Record<string, unknown> | null) ?? {};
  }
  for (const { path, type } of configLeaves()) {
    const v = env[envName(path)];
    if (v !== undefined && v !== '') setPath(raw, path, envValue(v, type));
  }
  for (const [name, path] of Object.entries(ENV_ALIASES)) {
    const v = env[name];
    if (v) setPath(raw, path, v);
  }
  for (const [dotted, v] of Object.entries(opts.overrides ?? {})) {
    if (v !== undefined) setPath(raw, dotted.split('.'), v);
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.join('.') || '(root)';
    throw new UsageError(`${file ?? 'config'}: ${where}: ${issue.message}`);
  }
  return parsed.data;
}

/** JSON Schema of vigil.yaml, for editors (`vigil config schema`). */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(ConfigSchema, { io: 'input' });
}
