/**
 * Loading rule files: YAML (one or more documents per file) → zod → compiled Rule, with every problem
 * reported as `file:line: message` and one broken rule never stopping the others.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { RuleFile } from './schema.js';
import { compileRule, type Rule } from './rule.js';
import type { Placeholders } from './sigma/detection.js';

export interface LoadFailure {
  file: string;
  error: string;
}

export interface Loaded {
  rules: Rule[];
  failed: LoadFailure[];
}

/** The built-in pack's folder. */
export const BUILTIN_DIR = fileURLToPath(new URL('./rules/', import.meta.url));

/** Rule files under the given files/directories (recursively; .yml/.yaml), sorted for stable order. */
export function ruleFiles(paths: string[]): string[] {
  const out: string[] = [];
  const visit = (p: string, top: boolean) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      if (top) throw new Error(`${p}: no such file or directory`);
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.')) visit(join(p, name), false);
    } else if (top || ['.yml', '.yaml'].includes(extname(p))) out.push(p);
  };
  for (const p of paths) visit(resolve(p), true);
  return out;
}

function lineOf(doc: Document, lc: LineCounter, path: (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && node.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Parses and compiles one file's rules; failures are returned, not thrown. */
export function loadRuleText(text: string, file: string, placeholders: Placeholders = {}): Loaded {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const rules: Rule[] = [];
  const failed: LoadFailure[] = [];
  if (!Array.isArray(docs)) return { rules, failed: [{ file, error: `${file}: not YAML documents` }] };
  for (const doc of docs) {
    if (doc.errors.length) {
      const e = doc.errors[0]!;
      const line = e.linePos?.[0]?.line ?? lc.linePos(e.pos[0]).line;
      failed.push({ file, error: `${file}:${line}: invalid YAML: ${e.message.split('\n')[0]}` });
      continue;
    }
    const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (data === null || data === undefined) continue;
    const parsed = RuleFile.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = issue.path as (string | number)[];
      const key = issue.code === 'unrecognized_keys' ? [...path, issue.keys[0]!] : path;
      const line = lineOf(doc, lc, key);
      const where = key.length ? key.join('.') : 'rule';
      failed.push({ file, error: `${file}:${line ?? 1}: ${where}: ${issue.message}` });
      continue;
    }
    try {
      rules.push(compileRule(parsed.data, file, placeholders));
    } catch (e) {
      const line = lineOf(doc, lc, [parsed.data.detection ? 'detection' : 'correlation']);
      failed.push({ file, error: `${file}:${line ?? 1}: rule ${parsed.data.id}: ${(e as Error).message}` });
    }
  }
  return { rules, failed };
}

export function loadRuleFiles(paths: string[], placeholders: Placeholders = {}): Loaded {
  const out: Loaded = { rules: [], failed: [] };
  for (const file of ruleFiles(paths)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      out.failed.push({ file, error: `${file}: ${(e as Error).message}` });
      continue;
    }
    const r = loadRuleText(text, file, placeholders);
    out.rules.push(...r.rules);
    out.failed.push(...r.failed);
  }
  // Duplicate ids: the later file is reported, the first kept.
  const seen = new Map<string, string>();
  out.rules = out.rules.filter((r) => {
    const prev = seen.get(r.id);
    if (prev) {
      out.failed.push({ file: r.file, error: `${r.file}: rule ${r.id}: duplicate id (also in ${prev})` });
      return false;
    }
    seen.set(r.id, r.file);
    return true;
  });
  return out;
}

/** The built-in pack (when present) plus extra paths; `only` drops the built-in pack. */
export function loadRules(extra: string[] = [], opts: { only?: boolean; placeholders?: Placeholders } = {}): Loaded {
  const paths = [...(opts.only ? [] : existsDir(BUILTIN_DIR) ? [BUILTIN_DIR] : []), ...extra];
  return loadRuleFiles(paths, opts.placeholders);
}

function existsDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
