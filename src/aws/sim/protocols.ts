/**
 * The wire side of the simulated AWS: which operation a request is (query Action, JSON X-Amz-Target, or a
 * REST route from the SDK's own http traits), its input, and the response or error body each protocol expects.
 * Response bodies are written from the SDK's operation schemas, so any operation a client knows can be served.
 */
import { XmlShapeSerializer } from '@aws-sdk/core/protocols';
import { NormalizedSchema, inputSchema, outputSchema, revive, toWireJson } from '../shapes.js';
import { SERVICES, loadService, type OperationSchema, type ServiceDef, type ServiceModule } from '../services.js';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ParsedCall {
  def: ServiceDef;
  mod: ServiceModule;
  op: string;
  schema: OperationSchema;
  /** Top-level scalar inputs (what the simulator needs: tokens, page sizes, resource names). */
  input: Record<string, unknown>;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

export class SimError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const header = (h: SimRequest['headers'], name: string): string | undefined => {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

export async function parseCall(req: SimRequest, signing: string): Promise<ParsedCall> {
  const candidates = SERVICES.filter((s) => s.signing === signing);
  if (candidates.length === 0) throw new SimError('UnknownService', 400, `no service signs as ${signing}`);
  const protocol = candidates[0]!.protocol;
  if (protocol === 'query' || protocol === 'ec2') {
    const form = new URLSearchParams(req.body);
    const action = form.get('Action') ?? '';
    const version = form.get('Version');
    const def = candidates.find((c) => !c.version || c.version === version) ?? candidates[0]!;
    const mod = await loadService(def.prefix);
    const schema = mod.operation(action);
    if (!schema) throw new SimError('InvalidAction', 400, `${action} is not a valid ${def.prefix} action`);
    const input: Record<string, unknown> = {};
    for (const [name, m] of inputSchema(schema).structIterator()) {
      const t = m.getMergedTraits() as { xmlName?: string; ec2QueryName?: string };
      const keys = [t.ec2QueryName, t.xmlName, name, name[0]!.toUpperCase() + name.slice(1)].filter((k): k is string => !!k);
      for (const k of keys) {
        const v = form.get(k);
        if (v !== null) {
          input[name] = v;
          break;
        }
      }
    }
    return { def, mod, op: action, schema, input };
  }
  if (protocol === 'json') {
    const target = header(req.headers, 'x-amz-target') ?? '';
    const op = target.slice(target.lastIndexOf('.') + 1);
    const def = candidates[0]!;
    const mod = await loadService(def.prefix);
    const schema = mod.operation(op);
    if (!schema) throw new SimError('UnknownOperationException', 400, `${target} is not a ${def.prefix} operation`);
    let input: Record<string, unknown>;
    try {
      input = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    } catch {
      throw new SimError('SerializationException', 400, 'the request body is not JSON');
    }
    return { def, mod, op, schema, input };
  }
  for (const def of candidates) {
    const hit = await matchRest(def, req);
    if (hit) return hit;
  }
  throw new SimError('UnknownOperationException', 404, `no ${signing} operation answers ${req.method} ${req.path}`);
}

interface Route {
  op: string;
  schema: OperationSchema;
  method: string;
  segs: string[];
  query: [string, string | undefined][];
  literals: number;
}

const routeCache = new Map<string, Route[]>();

function routesOf(mod: ServiceModule): Route[] {
  let routes = routeCache.get(mod.def.prefix);
  if (routes) return routes;
  routes = [];
  for (const [op, schema] of mod.operations()) {
    const traits = schema[3] as { http?: [string, string, number] } | undefined;
    const http = traits?.http;
    if (!http) continue;
    const [path, qs = ''] = http[1].split('?');
    const segs = path!.split('/').filter(Boolean);
    const query = qs
      .split('&')
      .filter(Boolean)
      .map((kv): [string, string | undefined] => {
        const i = kv.indexOf('=');
        return i < 0 ? [kv, undefined] : [kv.slice(0, i), kv.slice(i + 1)];
      });
    routes.push({ op, schema, method: http[0], segs, query, literals: segs.filter((s) => !s.startsWith('{')).length + query.length });
  }
  routes.sort((a, b) => b.literals - a.literals);
  routeCache.set(mod.def.prefix, routes);
  return routes;
}

async function matchRest(def: ServiceDef, req: SimRequest): Promise<ParsedCall | undefined> {
  const mod = await loadService(def.prefix);
  let segs = req.path.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  const labels: Record<string, string> = {};
  // Path-style S3: the bucket is the first segment, outside the modelled URI.
  if (def.prefix === 's3' && segs.length > 0) {
    labels.Bucket = segs[0]!;
    segs = segs.slice(1);
  }
  for (const r of routesOf(mod)) {
    if (r.method !== req.method) continue;
    if (!r.query.every(([k, v]) => req.query.has(k) && (v === undefined || req.query.get(k) === v))) continue;
    const got = matchSegments(r.segs, segs);
    if (!got) continue;
    Object.assign(labels, got);
    return { def, mod, op: r.op, schema: r.schema, input: restInput(def, r.schema, labels, req) };
  }
  return undefined;
}

function matchSegments(template: string[], segs: string[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    if (t.startsWith('{') && t.endsWith('+}')) {
      if (i >= segs.length) return undefined;
      out[t.slice(1, -2)] = segs.slice(i).join('/');
      return out;
    }
    const s = segs[i];
    if (s === undefined) return undefined;
    if (t.startsWith('{')) out[t.slice(1, -1)] = s;
    else if (t !== s) return undefined;
  }
  return template.length === segs.length ? out : undefined;
}

function restInput(def: ServiceDef, schema: OperationSchema, labels: Record<string, string>, req: SimRequest): Record<string, unknown> {
  let body: Record<string, unknown> = {};
  if (def.protocol === 'restJson' && req.body) {
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      body = {};
    }
  }
  const input: Record<string, unknown> = {};
  for (const [name, m] of inputSchema(schema).structIterator()) {
    const t = m.getMergedTraits() as { httpLabel?: unknown; httpQuery?: string; httpHeader?: string; jsonName?: string };
    if (t.httpLabel && labels[name] !== undefined) input[name] = labels[name];
    else if (t.httpQuery && req.query.has(t.httpQuery)) input[name] = req.query.get(t.httpQuery);
    else if (t.httpHeader && header(req.headers, t.httpHeader) !== undefined) input[name] = header(req.headers, t.httpHeader);
    else if (labels[name] !== undefined) input[name] = labels[name];
    else if (body[t.jsonName ?? name] !== undefined) input[name] = body[t.jsonName ?? name];
  }
  return input;
}

/** The HTTP response carrying `output` (plain JSON in the SDK's member names) for the call's protocol. */
export function serializeOutput(call: ParsedCall, output: Record<string, unknown>, requestId: string): SimResponse {
  const out = outputSchema(call.schema);
  const value = revive(out, output) as Record<string, unknown>;
  const { protocol } = call.def;
  if (protocol === 'ec2' || protocol === 'query') {
    const inner = innerXml(out, value);
    const ns = protocol === 'ec2' ? 'http://ec2.amazonaws.com/doc/2016-11-15/' : `https://${call.def.signing}.amazonaws.com/doc/`;
    const body =
      protocol === 'ec2'
        ? `<?xml version="1.0" encoding="UTF-8"?><${call.op}Response xmlns="${ns}"><requestId>${requestId}</requestId>${inner}</${call.op}Response>`
        : `<?xml version="1.0" encoding="UTF-8"?><${call.op}Response xmlns="${ns}"><${call.op}Result>${inner}</${call.op}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${call.op}Response>`;
    return { status: 200, headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId }, body };
  }
  if (protocol === 'json') {
    return {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
      body: JSON.stringify(toWireJson(out, value, false)),
    };
  }
  // REST: members bound to headers, the status code and the payload; the rest is the document.
  const traits = (call.schema[3] as { http?: [string, string, number] }).http;
  const res: SimResponse = { status: traits?.[2] ?? 200, headers: { 'x-amzn-requestid': requestId, 'x-amz-request-id': requestId }, body: '' };
  let payload: [string, NormalizedSchema] | undefined;
  const bound = (m: NormalizedSchema) => {
    const t = m.getMergedTraits() as { httpHeader?: string; httpPayload?: unknown; httpResponseCode?: unknown; httpPrefixHeaders?: string };
    return !!(t.httpHeader || t.httpPayload || t.httpResponseCode || t.httpPrefixHeaders !== undefined);
  };
  for (const [name, m] of out.isStructSchema() ? out.structIterator() : []) {
    const t = m.getMergedTraits() as { httpHeader?: string; httpPayload?: unknown; httpResponseCode?: unknown };
    const v = value[name];
    if (t.httpPayload) payload = [name, m];
    else if (v === undefined || v === null) continue;
    else if (t.httpHeader) res.headers[t.httpHeader.toLowerCase()] = v instanceof Date ? v.toUTCString() : String(v);
    else if (t.httpResponseCode) res.status = Number(v);
  }
  const xml = protocol === 'restXml';
  if (payload) {
    const [name, m] = payload;
    const v = value[name];
    if (v === undefined || v === null) res.body = '';
    else if (typeof v === 'string') res.body = v;
    else if (v instanceof Uint8Array) res.body = v;
    else if (xml) res.body = xmlOf(m, v);
    else res.body = JSON.stringify(toWireJson(m, v, true));
    res.headers['content-type'] = typeof v === 'string' ? 'text/plain' : xml ? 'application/xml' : 'application/json';
    return res;
  }
  if (xml) {
    const bodyValue: Record<string, unknown> = {};
    for (const [name, m] of out.structIterator()) if (!bound(m) && value[name] !== undefined) bodyValue[name] = value[name];
    res.body = xmlOf(out, bodyValue);
    res.headers['content-type'] = 'application/xml';
  } else {
    res.body = JSON.stringify(toWireJson(out, value, true, bound));
    res.headers['content-type'] = 'application/json';
  }
  return res;
}

function xmlSerializer(): XmlShapeSerializer {
  return new XmlShapeSerializer({ timestampFormat: { useTrait: true, default: 5 }, httpBindings: false } as never);
}

function xmlOf(ns: NormalizedSchema, value: unknown): string {
  const ser = xmlSerializer();
  ser.write(ns as never, value);
  return `<?xml version="1.0" encoding="UTF-8"?>${String(ser.flush())}`;
}

/** The members of a structure as XML, without the enclosing element (query and EC2 wrap them themselves). */
function innerXml(ns: NormalizedSchema, value: Record<string, unknown>): string {
  const ser = xmlSerializer();
  ser.write(ns as never, value);
  const xml = String(ser.flush());
  if (/^<[^>]*\/>$/.test(xml)) return '';
  return xml.slice(xml.indexOf('>') + 1, xml.lastIndexOf('</'));
}

export type ErrorKind = 'denied' | 'throttle' | 'disabled' | 'notfound' | 'invalid';

/** The code and HTTP status each protocol uses for a kind of failure. */
export function errorFor(def: ServiceDef, kind: ErrorKind, message: string): SimError {
  const p = def.protocol;
  switch (kind) {
    case 'denied':
      if (p === 'ec2') return new SimError('UnauthorizedOperation', 403, message);
      if (p === 'query' || p === 'restXml') return new SimError('AccessDenied', 403, message);
      return new SimError('AccessDeniedException', p === 'json' ? 400 : 403, message);
    case 'throttle':
      if (p === 'ec2') return new SimError('RequestLimitExceeded', 503, message);
      if (def.prefix === 's3') return new SimError('SlowDown', 503, message);
      if (p === 'query' || p === 'restXml') return new SimError('Throttling', 400, message);
      if (def.prefix === 'lambda') return new SimError('TooManyRequestsException', 429, message);
      return new SimError('ThrottlingException', p === 'json' ? 400 : 429, message);
    case 'disabled':
      if (p === 'ec2') return new SimError('AuthFailure', 401, message);
      if (p === 'query') return new SimError('InvalidClientTokenId', 403, message);
      return new SimError('UnrecognizedClientException', 403, message);
    case 'notfound':
      return new SimError(p === 'restXml' || p === 'query' ? 'NoSuchEntity' : 'ResourceNotFoundException', 404, message);
    default:
      return new SimError(p === 'ec2' || p === 'query' ? 'InvalidParameterValue' : 'ValidationException', 400, message);
  }
}

const esc = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function serializeError(def: ServiceDef, err: SimError, requestId: string): SimResponse {
  const p = def.protocol;
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId, 'x-amz-request-id': requestId };
  if (p === 'ec2') {
    headers['content-type'] = 'text/xml';
    return {
      status: err.status,
      headers,
      body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${esc(err.code)}</Code><Message>${esc(err.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
    };
  }
  if (p === 'query' || (p === 'restXml' && def.prefix !== 's3')) {
    headers['content-type'] = 'text/xml';
    return {
      status: err.status,
      headers,
      body: `<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Type>Sender</Type><Code>${esc(err.code)}</Code><Message>${esc(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  if (p === 'restXml') {
    headers['content-type'] = 'application/xml';
    return {
      status: err.status,
      headers,
      body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${esc(err.code)}</Code><Message>${esc(err.message)}</Message><RequestId>${requestId}</RequestId></Error>`,
    };
  }
  headers['content-type'] = p === 'json' ? 'application/x-amz-json-1.1' : 'application/json';
  headers['x-amzn-errortype'] = err.code;
  return { status: err.status, headers, body: JSON.stringify({ __type: err.code, message: err.message }) };
}
