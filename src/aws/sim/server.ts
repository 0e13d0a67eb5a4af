/**
 * The simulated AWS: one HTTP server on 127.0.0.1 that answers the real SDK v3 clients (pointed at it with
 * `endpoint` and any static credentials; requests stay SigV4-signed, the signature is not checked) from a
 * scenario, with pagination, per-service rate limits, latency, AccessDenied, opt-in regions and timeouts.
 * Account: the access key's (AssumeRole hands out keys that encode the account), else the management account.
 * Region and service: the request's SigV4 credential scope, as AWS routes it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import picomatch from 'picomatch';
import { callSpec } from '../calls.js';
import { callName } from '../services.js';
import { pagination } from '../shapes.js';
import { SimError, errorFor, parseCall, serializeError, serializeOutput, type ParsedCall, type SimResponse } from './protocols.js';
import { HOME_REGION, type Fault, type Scenario, type ScenarioAccount } from './scenario.js';

export interface SimStats {
  requests: number;
  ok: number;
  throttled: number;
  denied: number;
  timeouts: number;
  errors: number;
  /** Every response delivered with data: `account|region|call|param` → count. */
  delivered: Map<string, number>;
  /** Requests let through the rate limiter, per `account|region|service`. */
  accepted: Map<string, number>;
}

export interface SimulatedAws {
  endpoint: string;
  stats: SimStats;
  close(): Promise<void>;
}

export async function startSimulatedAws(scenario: Scenario): Promise<SimulatedAws> {
  const sim = new Simulator(scenario);
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => void sim.handle(req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats: sim.stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Bucket {
  tokens: number;
  at: number;
}

class Simulator {
  readonly stats: SimStats = { requests: 0, ok: 0, throttled: 0, denied: 0, timeouts: 0, errors: 0, delivered: new Map(), accepted: new Map() };
  private readonly accounts: Map<string, ScenarioAccount>;
  private readonly sessions = new Map<string, string>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly faultHits = new Map<Fault, number>();
  private readonly faultMatchers: { fault: Fault; match: (name: string) => boolean }[];
  private readonly home: string;
  private readonly management: string;

  constructor(private readonly scenario: Scenario) {
    this.accounts = new Map(scenario.accounts.map((a) => [a.id, a]));
    this.faultMatchers = scenario.faults.map((fault) => ({ fault, match: picomatch(fault.call) }));
    this.home = HOME_REGION[scenario.partition];
    this.management = scenario.management ?? scenario.accounts[0]!.id;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const requestId = randomBytes(8).toString('hex');
    const url = new URL(req.url ?? '/', 'http://sim');
    if (url.pathname === '/__sim/stats' && !req.headers.authorization) {
      // For a simulator in another process (the benchmark): its counters as JSON.
      this.stats.requests--;
      const { delivered, accepted, ...counts } = this.stats;
      send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...counts, delivered: Object.fromEntries(delivered), accepted: Object.fromEntries(accepted) }) });
      return;
    }
    const auth = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''));
    if (!auth) {
      send(res, { status: 403, headers: { 'content-type': 'text/plain' }, body: 'MissingAuthenticationToken' });
      return;
    }
    const [, accessKey, region, signing] = auth as unknown as [string, string, string, string];
    let call: ParsedCall;
    try {
      call = await parseCall(
        { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') },
        signing,
      );
    } catch (err) {
      this.stats.errors++;
      const e = err instanceof SimError ? err : new SimError('InternalFailure', 500, String(err));
      send(res, { status: e.status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': e.code }, body: JSON.stringify({ __type: e.code, message: e.message }) });
      return;
    }
    const account = this.accounts.get(this.sessions.get(accessKey) ?? this.management);
    const name = callName(call.def.prefix, call.op);
    const spec = callSpec(name);
    const param = spec?.param ? stringOf(call.input[spec.param.key]) : undefined;
    let response: SimResponse | 'hold';
    try {
      if (!account) throw errorFor(call.def, 'disabled', 'The security token included in the request is invalid.');
      response = this.fault(account, region, name, param, call) ?? serializeOutput(call, this.answer(account, region, name, param, call, this.sessions.has(accessKey)), requestId);
    } catch (err) {
      const e = err instanceof SimError ? err : new SimError('InternalFailure', 500, String((err as Error)?.message ?? err));
      if (e.code !== 'InternalFailure' && /Throttl|SlowDown|LimitExceeded|TooManyRequests/.test(e.code)) this.stats.throttled++;
      else if (/AccessDenied|Unauthorized/.test(e.code)) this.stats.denied++;
      else this.stats.errors++;
      response = serializeError(call.def, e, requestId);
    }
    if (response === 'hold') {
      // A timeout: never answer; the client's request timeout ends it (or close() does).
      this.stats.timeouts++;
      return;
    }
    if (this.scenario.latencyMs > 0) await sleep(this.scenario.latencyMs);
    if (response.status < 300 && account) {
      this.stats.ok++;
      const key = [account.id, call.def.global ? this.home : region, name, param ?? ''].join('|');
      this.stats.delivered.set(key, (this.stats.delivered.get(key) ?? 0) + 1);
    }
    send(res, response);
  }

  /** Disabled regions, injected faults and rate limits, in the order AWS applies them. */
  private fault(account: ScenarioAccount, region: string, name: string, param: string | undefined, call: ParsedCall): SimResponse | 'hold' | undefined {
    const regional = !call.def.global;
    if (regional && !account.regions.includes(region)) {
      throw errorFor(call.def, 'disabled', account.disabledRegions.includes(region) ? 'The security token included in the request is invalid.' : `${region} is not a region of this account`);
    }
    for (const { fault, match } of this.faultMatchers) {
      if (fault.account && fault.account !== account.id) continue;
      if (fault.region && fault.region !== region) continue;
      if (fault.param !== undefined && fault.param !== param) continue;
      if (!match(name)) continue;
      const hits = (this.faultHits.get(fault) ?? 0) + 1;
      this.faultHits.set(fault, hits);
      if (fault.times !== undefined && hits > fault.times) continue;
      if (fault.error === 'timeout') return 'hold';
      if (fault.error === 'denied') {
        throw errorFor(call.def, 'denied', `User is not authorized to perform: ${call.def.signing}:${call.op} with an explicit deny in a service control policy`);
      }
      throw errorFor(call.def, 'throttle', 'Rate exceeded');
    }
    const key = `${account.id}|${region}|${call.def.prefix}`;
    const rate = this.scenario.rateLimits[call.def.prefix];
    if (rate !== undefined && !this.take(key, rate)) throw errorFor(call.def, 'throttle', 'Rate exceeded');
    this.stats.accepted.set(key, (this.stats.accepted.get(key) ?? 0) + 1);
    return undefined;
  }

  /** A token bucket per account, region and service: `rate` a second, bursts of one second's worth. */
  private take(key: string, rate: number): boolean {
    const now = performance.now();
    const burst = Math.max(1, rate);
    const b = this.buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private answer(account: ScenarioAccount, region: string, name: string, param: string | undefined, call: ParsedCall, assumed: boolean): Record<string, unknown> {
    const dynamic = this.dynamic(account, call, assumed);
    if (dynamic) return dynamic;
    const scope = call.def.global ? 'global' : region;
    const stored = account.data[scope]?.[name] ?? account.data['*']?.[name] ?? (call.def.global ? account.data[this.home]?.[name] : undefined);
    let out: unknown = stored;
    if (param !== undefined) {
      const params = (stored as { $params?: Record<string, unknown> } | undefined)?.$params ?? {};
      out = params[param];
      if (out === undefined) throw errorFor(call.def, 'notfound', `${param} not found`);
    }
    const err = (out as { $error?: { code: string; status?: number; message?: string } } | undefined)?.$error;
    if (err) throw new SimError(err.code, err.status ?? 400, err.message ?? err.code);
    return this.page(call, (out ?? {}) as Record<string, unknown>);
  }

  /** Slices the output's lists (all of them, as one sequence: IAM's authorization details has four). */
  private page(call: ParsedCall, full: Record<string, unknown>): Record<string, unknown> {
    const p = pagination(call.schema);
    if (!p || p.lists.length === 0) return full;
    const token = stringOf(call.input[p.inToken]);
    const start = token ? Number(/^sim-(\d+)$/.exec(token)?.[1] ?? NaN) : 0;
    if (Number.isNaN(start)) throw errorFor(call.def, 'invalid', `invalid pagination token ${token}`);
    const asked = p.pageSize ? Number(call.input[p.pageSize]) : NaN;
    const size = Number.isFinite(asked) && asked > 0 ? Math.min(asked, this.scenario.pageSize) : this.scenario.pageSize;
    const out: Record<string, unknown> = { ...full };
    let offset = 0;
    let total = 0;
    for (const l of p.lists) {
      const items = Array.isArray(full[l]) ? (full[l] as unknown[]) : [];
      const from = Math.max(0, start - offset);
      const to = Math.max(0, Math.min(items.length, start + size - offset));
      if (Array.isArray(full[l])) out[l] = items.slice(from, Math.max(from, to));
      offset += items.length;
      total += items.length;
    }
    delete out[p.outToken];
    if (start + size < total) {
      out[p.outToken] = `sim-${start + size}`;
      if (p.truncated) out[p.truncated] = true;
    } else if (p.truncated) out[p.truncated] = false;
    return out;
  }

  /** Calls answered from the scenario's structure rather than stored responses. */
  private dynamic(account: ScenarioAccount, call: ParsedCall, assumed: boolean): Record<string, unknown> | undefined {
    const partition = this.scenario.partition;
    const key = `${call.def.prefix}:${call.op}`;
    if (key === 'sts:GetCallerIdentity') {
      return { Account: account.id, Arn: `arn:${partition}:iam::${account.id}:${assumed ? 'role/vigil' : 'user/vigil'}`, UserId: 'AIDASIMULATED' };
    }
    if (key === 'sts:AssumeRole') return this.assumeRole(call);
    if (key === 'ec2:DescribeRegions') {
      const optIn = (r: string) => account.disabledRegions.includes(r);
      return {
        Regions: [...account.regions, ...account.disabledRegions].map((r) => ({
          RegionName: r,
          Endpoint: `ec2.${r}.amazonaws.com`,
          OptInStatus: optIn(r) ? 'not-opted-in' : 'opt-in-not-required',
        })),
      };
    }
    if (key === 'iam:GenerateCredentialReport') return { State: 'COMPLETE' };
    if (key === 'organizations:ListAccounts') {
      if (account.id !== this.management) throw errorFor(call.def, 'denied', 'You do not have permission to list the organisation');
      return this.page(call, {
        Accounts: this.scenario.accounts.map((a) => ({
          Id: a.id,
          Name: a.name,
          Arn: `arn:${partition}:organizations::${this.management}:account/o-sim/${a.id}`,
          Email: a.email ?? `${a.name}@example.com`,
          Status: a.status,
          State: a.status,
        })),
      });
    }
    return undefined;
  }

  private assumeRole(call: ParsedCall): Record<string, unknown> {
    const arn = stringOf(call.input.RoleArn) ?? '';
    const m = /^arn:[\w-]+:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(arn);
    const target = m ? this.accounts.get(m[1]!) : undefined;
    if (!m || !target || (this.scenario.roleNames && !this.scenario.roleNames.includes(m[2]!))) {
      throw errorFor(call.def, 'denied', `User is not authorized to perform: sts:AssumeRole on resource: ${arn}`);
    }
    if (this.scenario.externalId !== undefined && call.input.ExternalId !== this.scenario.externalId) {
      throw errorFor(call.def, 'denied', 'The external id does not match');
    }
    const keyId = `ASIA${target.id}${randomBytes(2).toString('hex').toUpperCase()}`;
    this.sessions.set(keyId, target.id);
    const duration = Number(call.input.DurationSeconds ?? 3600);
    return {
      Credentials: {
        AccessKeyId: keyId,
        SecretAccessKey: randomBytes(20).toString('base64'),
        SessionToken: randomBytes(32).toString('base64'),
        Expiration: new Date(Date.now() + duration * 1000).toISOString(),
      },
      AssumedRoleUser: { AssumedRoleId: `AROASIM:${stringOf(call.input.RoleSessionName) ?? 'vigil'}`, Arn: arn.replace(':role/', ':assumed-role/') },
    };
  }
}

function stringOf(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function send(res: ServerResponse, r: SimResponse): void {
  const body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : Buffer.from(r.body);
  res.writeHead(r.status, { ...r.headers, 'content-length': String(body.length) });
  res.end(body);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
