/**
 * Local servers for the sink, outbox and enforcement tests, on 127.0.0.1 only: an HTTP receiver whose answers
 * a test scripts (Slack, webhooks, Jira), and a stateful fake AWS that speaks each service's wire protocol
 * through the simulated AWS's parser and serializers, so the real SDK clients drive it (SNS Publish, Secrets
 * Manager, and the write calls enforcement makes, which the scenario-based simulator does not model).
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseCall, serializeError, serializeOutput, SimError } from '../../aws/sim/protocols.js';

export interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** performance.now() at arrival. */
  at: number;
}

export interface Answer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

async function listen(handle: (req: IncomingMessage, body: string, res: ServerResponse) => Promise<void>, port = 0): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, Buffer.concat(chunks).toString('utf8'), res).catch((e: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String((e as Error)?.message ?? e));
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP receiver: records every request; `answer` scripts the reply (default 200 "ok"). Port 0: any free one. */
export async function startReceiver(answer: (r: Received, index: number) => Answer | Promise<Answer> = () => ({}), port = 0): Promise<LocalServer & { requests: Received[] }> {
  const requests: Received[] = [];
  const server = await listen(async (req, body, res) => {
    const r: Received = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
      body,
      at: performance.now(),
    };
    requests.push(r);
    const a = await answer(r, requests.length - 1);
    const text = a.body === undefined ? 'ok' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
    res.writeHead(a.status ?? 200, { 'content-type': typeof a.body === 'object' ? 'application/json' : 'text/plain', ...a.headers });
    res.end(text);
  }, port);
  return { ...server, requests };
}

export interface AwsCall {
  /** `<service prefix>:<Operation>`, e.g. `ec2:RevokeSecurityGroupIngress`. */
  name: string;
  /** Top-level scalar inputs, as the simulator parses them. */
  input: Record<string, unknown>;
  /** The raw request: the query form (query/EC2 protocols), JSON or XML body. */
  body: string;
}

export type AwsHandler = (call: AwsCall) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** A fake AWS answering only the operations given (others fail as unknown); records every call in order. */
export async function startFakeAws(handlers: Record<string, AwsHandler>): Promise<{ endpoint: string; calls: AwsCall[]; close(): Promise<void> }> {
  const calls: AwsCall[] = [];
  let n = 0;
  const server = await listen(async (req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const signing = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    const call = await parseCall({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body }, signing);
    const name = `${call.def.prefix}:${call.op}`;
    const rec: AwsCall = { name, input: call.input, body };
    calls.push(rec);
    const requestId = `fake-${++n}`;
    let out;
    try {
      const handler = handlers[name];
      if (!handler) throw new SimError('InvalidAction', 400, `${name} is not answered by this fake`);
      out = unitSafe(call, await handler(rec), requestId);
    } catch (e) {
      out = serializeError(call.def, e instanceof SimError ? e : new SimError('InternalFailure', 500, String((e as Error).message)), requestId);
    }
    const data = typeof out.body === 'string' ? Buffer.from(out.body) : Buffer.from(out.body);
    res.writeHead(out.status, { ...out.headers, 'content-length': String(data.length) });
    res.end(data);
  });
  return { endpoint: server.url, calls, close: server.close };
}

/** Operations with no output (S3 PutPublicAccessBlock) have no schema to serialize: an empty 200. */
function unitSafe(call: Parameters<typeof serializeOutput>[0], output: Record<string, unknown>, requestId: string) {
  try {
    return serializeOutput(call, output, requestId);
  } catch (e) {
    if (Object.keys(output).length) throw e;
    return { status: 200, headers: { 'x-amzn-requestid': requestId, 'x-amz-request-id': requestId }, body: '' };
  }
}

/** Static credentials for SDK clients pointed at local fakes (never real ones). */
export function fakeAwsEnv(): void {
  process.env.AWS_ACCESS_KEY_ID = 'AKIAFAKEFAKEFAKE0000';
  process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret-key-for-local-servers';
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
}

/**
 * A webhook receiver as a customer would write one: checks vigil's signature (`X-Vigil-Signature`, HMAC-SHA256 of
 * "<timestamp>.<body>"), answers 401 to a bad one and 204 otherwise, handing each good delivery's notice on.
 */
export async function startSignedReceiver(
  secret: string,
  onNotice: (n: { id: string } & Record<string, unknown>) => void,
): Promise<{ url: string; badSignatures(): number; close(): Promise<void> }> {
  let bad = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const ts = String(req.headers['x-vigil-timestamp'] ?? '');
      const want = 'sha256=' + createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
      if (req.headers['x-vigil-signature'] !== want) {
        bad++;
        res.writeHead(401).end();
        return;
      }
      onNotice(JSON.parse(body) as { id: string } & Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    badSignatures: () => bad,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
