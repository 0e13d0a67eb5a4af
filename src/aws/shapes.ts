/**
 * Reading the SDK's own operation schemas: which members page (so collection and the simulated AWS paginate
 * every call the same generic way), and converting values between the SDK's shapes and plain JSON.
 */
import { NormalizedSchema } from '@smithy/core/schema';
import type { OperationSchema } from './services.js';

export { NormalizedSchema };

/** Token members, input side and output side, as AWS names them across services. */
const INPUT_TOKENS = ['NextToken', 'nextToken', 'Marker', 'ContinuationToken', 'PageToken', 'pageToken', 'NextPageToken'];
const OUTPUT_TOKENS = ['NextToken', 'nextToken', 'NextMarker', 'Marker', 'NextContinuationToken', 'ContinuationToken', 'NextPageToken', 'nextPageToken'];
const PAGE_SIZES = ['MaxResults', 'maxResults', 'MaxItems', 'MaxRecords', 'Limit', 'limit', 'PageSize', 'MaxKeys'];

export interface Pagination {
  inToken: string;
  outToken: string;
  /** IAM and Route53 also say IsTruncated. */
  truncated?: string;
  pageSize?: string;
  /** The output's list members (they are concatenated across pages). */
  lists: string[];
}

const cache = new WeakMap<object, Pagination | null>();

export function inputSchema(op: OperationSchema): NormalizedSchema {
  return NormalizedSchema.of(op[4] as never);
}

export function outputSchema(op: OperationSchema): NormalizedSchema {
  return NormalizedSchema.of(op[5] as never);
}

export function memberNames(ns: NormalizedSchema): string[] {
  return ns.isStructSchema() ? [...ns.structIterator()].map(([name]) => name) : [];
}

export function pagination(op: OperationSchema): Pagination | undefined {
  const hit = cache.get(op);
  if (hit !== undefined) return hit ?? undefined;
  const ins = memberNames(inputSchema(op));
  const out = outputSchema(op);
  const outs = memberNames(out);
  const inToken = INPUT_TOKENS.find((t) => ins.includes(t));
  // Route53 pages with Marker in and NextMarker out; IAM with Marker both ways.
  const outToken = OUTPUT_TOKENS.find((t) => outs.includes(t) && (t !== 'Marker' || !outs.includes('NextMarker')));
  let p: Pagination | null = null;
  if (inToken && outToken) {
    const lists = out.isStructSchema() ? [...out.structIterator()].filter(([, m]) => m.isListSchema()).map(([n]) => n) : [];
    p = {
      inToken,
      outToken,
      truncated: ['IsTruncated', 'Truncated'].find((t) => outs.includes(t)),
      pageSize: PAGE_SIZES.find((s) => ins.includes(s)),
      lists,
    };
  }
  cache.set(op, p);
  return p ?? undefined;
}

/**
 * An SDK output as plain JSON, as CloudMapper stored boto3's: no $metadata, times as ISO strings,
 * bytes as UTF-8 text when they are text (the credential report) and base64 otherwise.
 */
export function toPlainJson(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) {
    const text = Buffer.from(value).toString('utf8');
    return Buffer.from(text, 'utf8').equals(Buffer.from(value)) ? text : Buffer.from(value).toString('base64');
  }
  if (Array.isArray(value)) return value.map(toPlainJson);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === '$metadata' || v === undefined) continue;
      out[k] = toPlainJson(v);
    }
    return out;
  }
  return value;
}

/** Plain JSON (as in scenario files) to the SDK's types where the schema says so: times as Date, blobs as bytes. */
export function revive(ns: NormalizedSchema, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (ns.isTimestampSchema()) return value instanceof Date ? value : new Date(typeof value === 'number' ? value * 1000 : String(value));
  if (ns.isBlobSchema()) return typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'utf8')) : value;
  if (ns.isListSchema() && Array.isArray(value)) return value.map((v) => revive(ns.getValueSchema(), v));
  if (ns.isMapSchema() && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = revive(ns.getValueSchema(), v);
    return out;
  }
  if (ns.isStructSchema() && typeof value === 'object' && !Array.isArray(value)) {
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [name, member] of ns.structIterator()) if (src[name] !== undefined) out[name] = revive(member, src[name]);
    return out;
  }
  return value;
}

/** Epoch seconds (7), date-time (5) or http-date (6), as the member's schema says (default: the protocol's). */
function timestamp(ns: NormalizedSchema, d: Date, fallback: number): unknown {
  const own = ns.getSchema() as unknown;
  const fmt = own === 5 || own === 6 || own === 7 ? own : fallback;
  if (fmt === 5) return d.toISOString();
  if (fmt === 6) return d.toUTCString();
  return d.getTime() / 1000;
}

/**
 * A revived value to the JSON a service sends: jsonName traits (REST-JSON only), epoch-second timestamps by
 * default, base64 blobs. `skip` drops members bound to HTTP (headers, payload) at the top level.
 */
export function toWireJson(ns: NormalizedSchema, value: unknown, jsonName: boolean, skip?: (member: NormalizedSchema) => boolean): unknown {
  if (value === null || value === undefined) return value;
  if (ns.isTimestampSchema() && value instanceof Date) return timestamp(ns, value, 7);
  if (ns.isBlobSchema() && value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (ns.isDocumentSchema()) return value;
  if (ns.isListSchema() && Array.isArray(value)) return value.map((v) => toWireJson(ns.getValueSchema(), v, jsonName));
  if (ns.isMapSchema() && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toWireJson(ns.getValueSchema(), v, jsonName);
    return out;
  }
  if (ns.isStructSchema() && typeof value === 'object') {
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [name, member] of ns.structIterator()) {
      if (src[name] === undefined || skip?.(member)) continue;
      const key = jsonName ? ((member.getMergedTraits() as { jsonName?: string }).jsonName ?? name) : name;
      out[key] = toWireJson(member, src[name], jsonName);
    }
    return out;
  }
  return value;
}
