/**
 * Sigma detection sections → predicates (spec: Detection, Value Modifiers). Every modifier of Sigma v2 is
 * handled or rejected by name; nothing is skipped.
 */
import ipaddr from 'ipaddr.js';
import { field as resolveField, FieldError, keywordFields } from '../fields.js';
import { ANY, and, literal, not, or, parseGlob, type GlobToken, type Pred } from '../ir.js';
import { parseCondition } from './condition.js';

export class DetectionError extends Error {}

export const MODIFIERS = [
  'contains', 'startswith', 'endswith', 'all', 'exists', 'cased', 'neq', 're', 'i', 'm', 's', 'cidr',
  'lt', 'lte', 'gt', 'gte', 'fieldref', 'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'windash', 'expand',
] as const;
type Modifier = (typeof MODIFIERS)[number];

/** Placeholder values for `expand` (%name% → one or more values), from the rule's params and config. */
export type Placeholders = Record<string, unknown>;

const WINDASH = ['-', '/', '\u2013', '\u2014', '\u2015'];

function checkField(name: string): string {
  try {
    return resolveField(name).path;
  } catch (e) {
    if (e instanceof FieldError) throw new DetectionError(e.message);
    throw e;
  }
}

function expandPlaceholders(v: string, ph: Placeholders): string[] {
  let outs = [''];
  const re = /%([A-Za-z0-9_.-]+)%/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(v))) {
    const pre = v.slice(last, m.index);
    const val = ph[m[1]!];
    if (val === undefined || val === null) throw new DetectionError(`expand: placeholder %${m[1]}% has no value (set it in params)`);
    const vals = (Array.isArray(val) ? val : [val]).map(String);
    outs = outs.flatMap((o) => vals.map((x) => o + pre + x));
    last = re.lastIndex;
  }
  return outs.map((o) => o + v.slice(last));
}

function encode(s: string, enc: string | undefined): Buffer {
  if (!enc) return Buffer.from(s, 'utf8');
  const le = Buffer.from(s, 'utf16le');
  if (enc === 'utf16le' || enc === 'wide') return le;
  if (enc === 'utf16be') return le.swap16();
  return Buffer.concat([Buffer.from([0xff, 0xfe]), le]); // utf16: BOM + LE
}

/** pySigma's base64offset: the stable middle of the encoding at each of the three byte offsets. */
function base64Offsets(b: Buffer): string[] {
  const starts = [0, 2, 3];
  const ends = [undefined, -3, -2];
  return [0, 1, 2].map((i) => {
    const enc = Buffer.concat([Buffer.alloc(i, ' '), b]).toString('base64');
    return enc.slice(starts[i], ends[(b.length + i) % 3]);
  });
}

function literalText(tokens: GlobToken[], mod: string): string {
  if (tokens.some((t) => typeof t !== 'string')) throw new DetectionError(`${mod}: wildcards cannot be encoded; put contains/startswith/endswith after ${mod}`);
  return tokens.join('');
}

/** An IPv4 CIDR as an anchored regular expression (the same test in JS and SQL, no IP functions needed). */
export function cidrRegex(cidr: string): string {
  let net: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    net = ipaddr.parseCIDR(cidr);
  } catch {
    throw new DetectionError(`cidr: '${cidr}' is not a CIDR range`);
  }
  if (net[0].kind() !== 'ipv4') throw new DetectionError(`cidr: IPv6 range '${cidr}' is not supported (IPv4 only)`);
  const octets = (net[0] as ipaddr.IPv4).octets;
  const bits = net[1];
  const parts: string[] = [];
  for (let o = 0; o < 4; o++) {
    const keep = Math.max(0, Math.min(8, bits - o * 8));
    if (keep === 8) parts.push(String(octets[o]));
    else if (keep === 0) parts.push('(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)');
    else {
      const mask = (0xff << (8 - keep)) & 0xff;
      const lo = octets[o]! & mask;
      const vals: number[] = [];
      for (let x = lo; x <= (lo | (~mask & 0xff)); x++) vals.push(x);
      parts.push(`(?:${vals.join('|')})`);
    }
  }
  return `^${parts.join('\\.')}$`;
}

function scalarText(v: unknown, where: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new DetectionError(`${where}: value ${JSON.stringify(v)} is not a string, number, boolean or null`);
}

/** One `field|mod|mod: value(s)` entry. `fieldName` empty = keyword search (no field). */
export function fieldItem(spec: string, value: unknown, ph: Placeholders): Pred {
  const [rawName, ...modList] = spec.split('|');
  const name = rawName!.trim();
  for (const mod of modList) if (!(MODIFIERS as readonly string[]).includes(mod)) throw new DetectionError(`'${spec}': unknown modifier '${mod}'`);
  const mods = modList as Modifier[];
  const has = (m: Modifier) => mods.includes(m);
  const fields = name ? [checkField(name)] : keywordFields().map((f) => f.path);
  const onFields = (leaf: (f: string) => Pred) => or(fields.map(leaf));
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0) throw new DetectionError(`'${spec}': empty value list`);
  if (has('all') && values.length < 2) throw new DetectionError(`'${spec}': 'all' needs a list of at least two values`);

  if (has('exists')) {
    if (values.length !== 1 || typeof values[0] !== 'boolean') throw new DetectionError(`'${spec}': exists takes true or false`);
    if (!name) throw new DetectionError(`'${spec}': exists needs a field`);
    const p: Pred = { k: 'null', field: fields[0]! };
    return values[0] ? not(p) : p;
  }

  const cased = has('cased');
  const preds: Pred[] = [];
  for (const v of values) {
    if (v === null) {
      if (!name) throw new DetectionError(`'${spec}': null needs a field`);
      preds.push({ k: 'null', field: fields[0]! });
      continue;
    }
    const text = scalarText(v, spec);
    const texts = has('expand') ? expandPlaceholders(text, ph) : [text];
    for (const t of texts) preds.push(valuePred(spec, name, t, v, mods, cased, onFields, ph));
  }
  let p = has('all') ? and(preds) : or(preds);
  if (has('neq')) p = not(p);
  return p;
}

function valuePred(
  spec: string,
  name: string,
  text: string,
  original: unknown,
  mods: Modifier[],
  cased: boolean,
  onFields: (leaf: (f: string) => Pred) => Pred,
  _ph: Placeholders,
): Pred {
  const has = (m: Modifier) => mods.includes(m);
  if (has('re')) {
    for (const m of mods) if (!['re', 'i', 'm', 's', 'all', 'neq', 'expand'].includes(m)) throw new DetectionError(`'${spec}': '${m}' cannot be combined with re`);
    const flags = ['i', 'm', 's'].filter((f) => has(f as Modifier)).join('');
    try {
      new RegExp(text, flags);
    } catch (e) {
      throw new DetectionError(`'${spec}': invalid regular expression (${(e as Error).message})`);
    }
    return onFields((f) => ({ k: 're', field: f, source: text, flags }));
  }
  for (const m of ['i', 'm', 's'] as Modifier[]) if (has(m)) throw new DetectionError(`'${spec}': '${m}' is a sub-modifier of re`);
  if (has('cidr')) return onFields((f) => ({ k: 're', field: f, source: cidrRegex(text), flags: '' }));
  const cmp = (['lt', 'lte', 'gt', 'gte'] as const).find((m) => has(m));
  if (cmp) {
    const n = typeof original === 'number' ? original : Number(text);
    if (!Number.isFinite(n)) throw new DetectionError(`'${spec}': ${cmp} needs a number, got ${JSON.stringify(original)}`);
    return onFields((f) => ({ k: 'cmp', field: f, op: cmp, value: n }));
  }
  if (has('fieldref')) {
    if (!name) throw new DetectionError(`'${spec}': fieldref needs a field`);
    const other = checkField(text);
    const mode = has('contains') ? 'contains' : has('startswith') ? 'startswith' : has('endswith') ? 'endswith' : 'eq';
    return { k: 'fieldref', field: name ? checkField(name) : '', other, mode, cased };
  }

  // Strings: transformations in the order written, then wildcard placement.
  let alts: GlobToken[][] = [parseGlob(text)];
  let enc: string | undefined;
  for (const m of mods) {
    if (m === 'windash') {
      alts = alts.flatMap((toks) => windash(toks, spec));
    } else if (m === 'utf16le' || m === 'utf16be' || m === 'utf16' || m === 'wide') {
      enc = m;
    } else if (m === 'base64') {
      alts = alts.map((toks) => literal(encode(literalText(toks, 'base64'), enc).toString('base64')));
      enc = undefined;
    } else if (m === 'base64offset') {
      alts = alts.flatMap((toks) => base64Offsets(encode(literalText(toks, 'base64offset'), enc)).map(literal));
      enc = undefined;
    } else if (m === 'contains') alts = alts.map((t) => [ANY, ...t, ANY]);
    else if (m === 'startswith') alts = alts.map((t) => [...t, ANY]);
    else if (m === 'endswith') alts = alts.map((t) => [ANY, ...t]);
  }
  // Keywords are full-text search terms: they match anywhere in a field's text.
  if (!name && !mods.some((m) => m === 'startswith' || m === 'endswith')) alts = alts.map((t) => [ANY, ...t, ANY]);
  if (enc) throw new DetectionError(`'${spec}': ${enc} only works before base64 or base64offset`);
  return or(alts.map((tokens) => onFields((f) => ({ k: 'glob', field: f, tokens: normalise(tokens), cased }))));
}

/** Merges adjacent literals and repeated `*` (so `contains` on `*x*` stays `*x*`). */
function normalise(tokens: GlobToken[]): GlobToken[] {
  const out: GlobToken[] = [];
  for (const t of tokens) {
    const prev = out[out.length - 1];
    if (typeof t === 'string' && typeof prev === 'string') out[out.length - 1] = prev + t;
    else if (t === ANY && prev === ANY) continue;
    else out.push(t);
  }
  return out;
}

function windash(tokens: GlobToken[], spec: string): GlobToken[][] {
  let outs: GlobToken[][] = [[]];
  for (const t of tokens) {
    if (typeof t !== 'string' || !/[-/]/.test(t)) {
      outs = outs.map((o) => [...o, t]);
      continue;
    }
    const pieces = t.split(/([-/])/);
    let variants = [''];
    for (const piece of pieces) {
      if (piece === '-' || piece === '/') variants = variants.flatMap((v) => WINDASH.map((d) => v + d));
      else variants = variants.map((v) => v + piece);
      if (variants.length > 625) throw new DetectionError(`'${spec}': windash on too many dashes`);
    }
    outs = outs.flatMap((o) => variants.map((v) => [...o, v]));
  }
  return outs;
}

/** One search identifier's definition: a map (AND), a list of maps (OR), or keywords. */
export function searchItem(def: unknown, ph: Placeholders, name: string): Pred {
  if (def === null || def === undefined) throw new DetectionError(`search identifier '${name}' is empty`);
  if (Array.isArray(def)) {
    if (def.length === 0) throw new DetectionError(`search identifier '${name}' is an empty list`);
    if (def.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) return or(def.map((x) => searchItem(x, ph, name)));
    if (def.every((x) => x === null || typeof x !== 'object')) return fieldItem('', def.map((x) => (x === null ? x : scalarText(x, name))), ph);
    throw new DetectionError(`search identifier '${name}': a list must hold only maps or only values`);
  }
  if (typeof def === 'object') {
    const entries = Object.entries(def as Record<string, unknown>);
    if (entries.length === 0) throw new DetectionError(`search identifier '${name}' is an empty map`);
    return and(
      entries.map(([k, v]) => {
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) throw new DetectionError(`'${name}.${k}': nested maps are not Sigma; use a dotted field name`);
        return fieldItem(k, v, ph);
      }),
    );
  }
  return fieldItem('', def, ph);
}

/**
 * Sigma v1's aggregation (`condition: sel | count([field]) [by group] > N` with `timeframe`), still found in
 * SigmaHQ's CloudTrail rules: run as a threshold (count) or a distinct-value count over the timeframe.
 */
export interface Aggregation {
  field?: string;
  groupBy: string[];
  n: number;
  /** The detection's timeframe, when given. */
  timeframe?: string;
}

const AGG = /^\s*count\(\s*([\w.]*)\s*\)\s*(?:by\s+([\w.]+(?:\s*,\s*[\w.]+)*))?\s*(>=|>|==|=|<=|<)\s*(\d+)\s*$/i;

function parseAggregation(text: string, timeframe: unknown): Aggregation {
  const m = AGG.exec(text);
  if (!m) throw new DetectionError(`aggregation '| ${text.trim()}' is not supported (only count([field]) [by fields] > N)`);
  const op = m[3]!;
  if (op !== '>' && op !== '>=') throw new DetectionError(`aggregation '| ${text.trim()}': '${op}' cannot be decided while a window is open (use > or >=)`);
  const n = Number(m[4]) + (op === '>' ? 1 : 0);
  if (timeframe !== undefined && (typeof timeframe !== 'string' || !/^\d+[smhdw]$/.test(timeframe)))
    throw new DetectionError(`timeframe '${String(timeframe)}' is not a duration like 5m or 1h`);
  return {
    field: m[1] ? checkField(m[1]) : undefined,
    groupBy: m[2] ? m[2].split(',').map((x) => checkField(x.trim())) : [],
    n,
    timeframe: timeframe as string | undefined,
  };
}

/** A whole `detection:` section → one predicate (and the v1 aggregation, if any). */
export function compileDetection(detection: Record<string, unknown>, ph: Placeholders): Pred {
  return compileDetectionFull(detection, ph).pred;
}

export function compileDetectionFull(detection: Record<string, unknown>, ph: Placeholders): { pred: Pred; aggregation?: Aggregation } {
  const cond = detection.condition;
  if (cond === undefined) throw new DetectionError('detection has no condition');
  const searches = new Map<string, Pred>();
  for (const [k, v] of Object.entries(detection)) {
    if (k === 'condition' || k === 'timeframe') continue;
    searches.set(k, searchItem(v, ph, k));
  }
  const conds = Array.isArray(cond) ? cond : [cond];
  if (conds.some((c) => typeof c !== 'string')) throw new DetectionError('condition must be a string (or a list of strings)');
  let aggregation: Aggregation | undefined;
  const preds = (conds as string[]).map((c) => {
    const bar = c.indexOf('|');
    if (bar < 0) return parseCondition(c, searches);
    if (conds.length > 1) throw new DetectionError('an aggregation (|) needs a single condition');
    aggregation = parseAggregation(c.slice(bar + 1), detection.timeframe);
    return parseCondition(c.slice(0, bar), searches);
  });
  if (detection.timeframe !== undefined && !aggregation) throw new DetectionError("'timeframe' without an aggregation does nothing; use threshold or a correlation rule");
  return { pred: or(preds), aggregation };
}
