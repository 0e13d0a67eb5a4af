/**
 * Collection: every call of the catalogue, for every account (assumed role) and enabled region, through the
 * real SDK clients, bounded per account and per service with a rate limiter per account/region/service
 * (AWS's own unit of throttling) and the SDK's adaptive retry. Throttling costs time, never data: a call
 * still throttled after the SDK's retries goes back in the queue. Every other failure is recorded, per call.
 * Output: CloudMapper's layout under `dir` (see src/snapshot/layout.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { CALLS, type CallSpec } from '../aws/calls.js';
import { loadService, serviceDef, type ServiceModule } from '../aws/services.js';
import { pagination, toPlainJson } from '../aws/shapes.js';
import { ERRORS_FILE, META_FILE, paramKey, paramPath, partitionOfRegion, type CallError, type SnapshotMeta } from '../snapshot/layout.js';
import type { Partition, SnapshotAccount } from '../snapshot/types.js';
import { classify, isNotFound, isThrottle } from './errors.js';
import { redactSecrets } from './redact.js';
import { RateLimiter } from './limiter.js';
import { ExitCode, VigilError, oneLine } from '../util/errors.js';

export const HOME_REGION: Record<Partition, string> = { aws: 'us-east-1', 'aws-us-gov': 'us-gov-west-1', 'aws-cn': 'cn-north-1' };

export interface RoleOptions {
  /** Role name, or a template with `{account}` / `{name}` (e.g. `OrganizationAccountAccessRole`). */
  name: string;
  externalId?: string;
  sessionName?: string;
  durationSeconds?: number;
}

export interface CollectOptions {
  /** Where the snapshot's files go (created). */
  dir: string;
  id: string;
  time?: string;
  endpoint?: string;
  profile?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  partition?: Partition;
  /** Accounts to collect; default: the organisation's active accounts when `organization`, else the caller's. */
  accounts?: { id: string; name?: string }[];
  organization?: boolean;
  role?: RoleOptions;
  /** Narrow to these regions (disabled ones among them are recorded as gaps). */
  regions?: string[];
  /** Requests per second per account, region and service prefix; `default` for the others. */
  rateLimits?: Record<string, number>;
  /** Accounts collected at once; calls in flight per account, and per account/region/service. */
  concurrency?: { accounts?: number; perAccount?: number; perService?: number };
  maxAttempts?: number;
  requestTimeoutMs?: number;
  /** Store secrets (Lambda environment values, UserData...) as AWS returned them. */
  includeSecrets?: boolean;
  calls?: CallSpec[];
  onProgress?: (p: CollectProgress) => void;
}

export interface CollectProgress {
  done: number;
  total: number;
  errors: number;
  account: string;
  region: string;
  call: string;
}

export interface CoverageGap {
  account: string;
  region: string;
  call: string;
  param?: string;
  status: CallError['status'];
  error: string;
}

export interface CollectResult {
  meta: SnapshotMeta;
  calls: number;
  /** Calls answered with data (including "there is none" answers such as NoSuchBucketPolicy). */
  ok: number;
  gaps: CoverageGap[];
  throttleRetries: number;
  elapsedMs: number;
}

const DEFAULT_RATES: Record<string, number> = { default: 10, ec2: 20, iam: 10, s3: 50, sts: 20, organizations: 5 };

export async function collect(opts: CollectOptions): Promise<CollectResult> {
  const started = performance.now();
  const run = new Collection(opts);
  try {
    await run.start();
  } finally {
    run.close();
  }
  return { ...run.result(), elapsedMs: performance.now() - started };
}

type Client = InstanceType<ServiceModule['Client']>;

interface AccountRun extends SnapshotAccount {
  folder: string;
  regions: string[];
  credentials: AwsCredentialIdentityProvider;
  limit: ReturnType<typeof pLimit>;
}

class Collection {
  private readonly base: AwsCredentialIdentityProvider;
  private readonly handler: NodeHttpHandler;
  private readonly calls: CallSpec[];
  private readonly gaps: CoverageGap[] = [];
  private readonly errors = new Map<string, Record<string, CallError>>();
  private readonly limiters = new Map<string, RateLimiter>();
  private readonly clients = new Map<string, Client>();
  private readonly accounts: AccountRun[] = [];
  private partition: Partition;
  private progress = { done: 0, total: 0, errors: 0 };
  private ok = 0;
  private throttleRetries = 0;

  constructor(private readonly opts: CollectOptions) {
    const c = opts.credentials;
    this.base = typeof c === 'function' ? c : c ? async () => c : fromNodeProviderChain({ profile: opts.profile, mfaCodeProvider: askMfaCode });
    this.handler = new NodeHttpHandler({ requestTimeout: opts.requestTimeoutMs ?? 20_000, throwOnRequestTimeout: true, connectionTimeout: 5_000, httpAgent: { keepAlive: true, maxSockets: 256 }, httpsAgent: { keepAlive: true, maxSockets: 256 } });
    this.calls = opts.calls ?? CALLS;
    this.partition = opts.partition ?? (opts.regions?.[0] ? partitionOfRegion(opts.regions[0]) : 'aws');
  }

  private get home(): string {
    return HOME_REGION[this.partition];
  }

  async start(): Promise<void> {
    mkdirSync(this.opts.dir, { recursive: true });
    // Load every client first: importing one blocks the event loop long enough to time out calls in flight.
    for (const service of new Set(['sts', 'ec2', 'organizations', ...this.calls.map((c) => c.service)])) await loadService(service);
    const sts = await this.client('sts', this.home, this.base);
    const GetCallerIdentity = (await loadService('sts')).Command('GetCallerIdentity');
    let me: { Account: string; Arn: string };
    try {
      me = (await sts.send(new GetCallerIdentity({}))) as typeof me;
    } catch (err) {
      // Nothing can be collected without an identity: say which credentials were tried, in one line.
      throw new VigilError(
        `cannot identify the caller with sts:GetCallerIdentity${this.opts.profile ? ` (profile ${this.opts.profile})` : ''}: ${oneLine(err)}`,
        ExitCode.runtime,
      );
    }
    const arnPartition = /^arn:([\w-]+):/.exec(me.Arn ?? '')?.[1] as Partition | undefined;
    if (!this.opts.partition && arnPartition) this.partition = arnPartition;
    for (const a of await this.targetAccounts(me.Account)) {
      const account = await this.prepareAccount(a, me.Account);
      if (account) this.accounts.push(account);
    }
    const accountLimit = pLimit(this.opts.concurrency?.accounts ?? Number.POSITIVE_INFINITY);
    await Promise.all(this.accounts.map((a) => accountLimit(() => this.collectAccount(a))));
    this.writeErrors();
    writeFileSync(join(this.opts.dir, META_FILE), JSON.stringify(this.meta(), null, 2));
  }

  close(): void {
    this.handler.destroy();
  }

  result(): Omit<CollectResult, 'elapsedMs'> {
    return { meta: this.meta(), calls: this.progress.done, ok: this.ok, gaps: this.gaps, throttleRetries: this.throttleRetries };
  }

  private meta(): SnapshotMeta {
    const byStatus: Record<string, number> = {};
    for (const g of this.gaps) byStatus[g.status] = (byStatus[g.status] ?? 0) + 1;
    return {
      id: this.opts.id,
      time: this.opts.time ?? new Date().toISOString(),
      accounts: this.accounts.map(({ id, name, partition, folder, regions }) => ({ id, name, partition, folder, regions })),
      coverage: { calls: this.progress.done, ok: this.ok, gaps: this.gaps.length, byStatus },
    };
  }

  private async targetAccounts(caller: string): Promise<{ id: string; name?: string }[]> {
    if (this.opts.accounts?.length) return this.opts.accounts;
    if (!this.opts.organization) return [{ id: caller }];
    const org = await this.client('organizations', this.home, this.base);
    const ListAccounts = (await loadService('organizations')).Command('ListAccounts');
    const out: { id: string; name?: string }[] = [];
    let NextToken: string | undefined;
    try {
      do {
        const page = (await org.send(new ListAccounts({ NextToken }))) as { Accounts?: { Id?: string; Name?: string; Status?: string; State?: string }[]; NextToken?: string };
        for (const a of page.Accounts ?? []) if (a.Id && (a.State ?? a.Status) === 'ACTIVE') out.push({ id: a.Id, name: a.Name });
        NextToken = page.NextToken;
      } while (NextToken);
    } catch (err) {
      // Not the management account (or denied): collect the caller's account and say the rest is missing.
      this.gap({ account: caller, region: this.home, call: 'organizations-list-accounts', ...classify(err) });
      return [{ id: caller }];
    }
    return out;
  }

  /** Credentials (assumed role unless it is the caller's own account) and enabled regions. */
  private async prepareAccount(a: { id: string; name?: string }, caller: string): Promise<AccountRun | undefined> {
    const name = a.name ?? a.id;
    const folder = `account-data/${name.replace(/[^\w.@+-]/g, '_')}`;
    let credentials = this.base;
    if (a.id !== caller) {
      if (!this.opts.role) {
        this.gap({ account: a.id, region: this.home, call: 'sts-assume-role', status: 'denied', error: 'no role to assume into this account (set the role name)' });
        return undefined;
      }
      try {
        credentials = await this.assumeRole(a.id, name);
      } catch (err) {
        this.gap({ account: a.id, region: this.home, call: 'sts-assume-role', ...classify(err) });
        return undefined;
      }
    }
    const regions = await this.enabledRegions(a.id, credentials, folder);
    const perAccount = this.opts.concurrency?.perAccount ?? 32;
    return { id: a.id, name, partition: this.partition, folder, regions, credentials, limit: pLimit(perAccount) };
  }

  private async assumeRole(account: string, name: string): Promise<AwsCredentialIdentityProvider> {
    const role = this.opts.role!;
    const roleName = role.name.replaceAll('{account}', account).replaceAll('{name}', name);
    const input = {
      RoleArn: `arn:${this.partition}:iam::${account}:role/${roleName}`,
      RoleSessionName: role.sessionName ?? 'vigil-collect',
      ExternalId: role.externalId,
      DurationSeconds: role.durationSeconds ?? 3600,
    };
    const sts = await this.client('sts', this.home, this.base);
    const AssumeRole = (await loadService('sts')).Command('AssumeRole');
    let current: AwsCredentialIdentity | undefined;
    const refresh = async () => {
      const r = (await sts.send(new AssumeRole(input))) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: Date } };
      current = { accessKeyId: r.Credentials.AccessKeyId, secretAccessKey: r.Credentials.SecretAccessKey, sessionToken: r.Credentials.SessionToken, expiration: r.Credentials.Expiration };
      return current;
    };
    await refresh();
    // Re-assume five minutes before expiry: long collections outlive a one-hour session.
    return async () => (current?.expiration && current.expiration.getTime() - Date.now() > 300_000 ? current : refresh());
  }

  private async enabledRegions(account: string, credentials: AwsCredentialIdentityProvider, folder: string): Promise<string[]> {
    const wanted = this.opts.regions;
    try {
      const ec2 = await this.client('ec2', this.home, credentials);
      const DescribeRegions = (await loadService('ec2')).Command('DescribeRegions');
      const r = (await ec2.send(new DescribeRegions({ AllRegions: true }))) as {
        Regions?: { RegionName?: string; OptInStatus?: string }[];
      };
      // Kept, as CloudMapper keeps describe-regions.json: which regions exist and which the account enabled.
      mkdirSync(join(this.opts.dir, folder, this.home), { recursive: true });
      writeFileSync(join(this.opts.dir, folder, this.home, 'ec2-describe-regions.json'), JSON.stringify(toPlainJson(r), null, 2));
      const all = (r.Regions ?? []).filter((x) => x.RegionName);
      const enabled = all.filter((x) => x.OptInStatus !== 'not-opted-in').map((x) => x.RegionName!);
      for (const x of all) {
        if (x.OptInStatus === 'not-opted-in' && (!wanted || wanted.includes(x.RegionName!))) {
          this.gap({ account, region: x.RegionName!, call: '*', status: 'disabled', error: 'opt-in region not enabled for this account' });
        }
      }
      for (const w of wanted ?? []) {
        if (!all.some((x) => x.RegionName === w)) this.gap({ account, region: w, call: '*', status: 'unsupported', error: `${w} is not a region of this partition` });
      }
      const regions = wanted ? enabled.filter((x) => wanted.includes(x)) : enabled;
      return regions.includes(this.home) ? regions : [this.home, ...regions];
    } catch (err) {
      // Without DescribeRegions we cannot know which regions exist: collect what was asked, say why.
      this.gap({ account, region: this.home, call: 'ec2-describe-regions', ...classify(err) });
      return wanted ?? [this.home];
    }
  }

  private async collectAccount(a: AccountRun): Promise<void> {
    const tasks: Promise<void>[] = [];
    const runCall = (spec: CallSpec, region: string, param?: string): void => {
      this.progress.total++;
      tasks.push(
        a.limit(async () => {
          const data = await this.call(a, spec, region, param);
          if (param === undefined) for (const dep of dependents.get(spec.name) ?? []) startParams(dep, region, data);
        }),
      );
    };
    const dependents = new Map<string, CallSpec[]>();
    for (const spec of this.calls) if (spec.param) dependents.set(spec.param.from, [...(dependents.get(spec.param.from) ?? []), spec]);
    const startParams = (spec: CallSpec, region: string, source: unknown) => {
      if (source === undefined) return;
      const items = [...new Set(spec.param!.items(source, { account: a.id, region, partition: a.partition }))];
      for (const p of items) runCall(spec, region, p);
    };
    for (const spec of this.calls) {
      if (spec.param && this.calls.some((c) => c.name === spec.param!.from)) continue;
      const regions = serviceDef(spec.service).global ? [this.home] : a.regions;
      for (const region of regions) runCall(spec, region);
    }
    // Tasks add tasks (parameterised calls): wait until the list stops growing.
    for (let seen = 0; seen < tasks.length; ) {
      const n = tasks.length;
      await Promise.all(tasks.slice(seen));
      seen = n;
    }
  }

  /** One call with pagination, its outcome written; returns the merged response (undefined on failure). */
  private async call(a: AccountRun, spec: CallSpec, region: string, param?: string): Promise<unknown> {
    const mod = await loadService(spec.service);
    const client = await this.client(spec.service, region, a.credentials, a.id);
    const limiter = this.limiter(a.id, region, spec.service);
    const input = { ...(spec.input ?? {}), ...(param !== undefined ? spec.param!.input(param) : {}) };
    const schema = mod.operation(spec.op);
    const pg = schema ? pagination(schema) : undefined;
    const Command = mod.Command(spec.op);
    let merged: Record<string, unknown> | undefined;
    let outcome: CallError | undefined;
    try {
      if (spec.prepare) await this.prepare(client, limiter, mod, spec.prepare);
      let token: unknown;
      for (let page = 0; page < 10_000; page++) {
        const pageInput = pg && token !== undefined ? { ...input, [pg.inToken]: token } : input;
        const out = toPlainJson(await this.send(client, limiter, () => new Command(pageInput))) as Record<string, unknown>;
        merged = merged ? mergePages(merged, out, pg?.lists ?? []) : out;
        token = pg ? out[pg.outToken] : undefined;
        if (!pg || token === undefined || token === null || token === '' || (pg.truncated && out[pg.truncated] === false)) break;
      }
      if (merged && pg) {
        delete merged[pg.outToken];
        if (pg.truncated) delete merged[pg.truncated];
      }
    } catch (err) {
      outcome = classify(err);
    }
    this.progress.done++;
    if (outcome) {
      this.recordError(a, region, spec.name, param, outcome);
      if (!isNotFound(outcome)) this.progress.errors++;
    } else {
      this.ok++;
      const data = this.opts.includeSecrets ? merged : redactSecrets(merged);
      const dir = join(this.opts.dir, a.folder, region);
      const file = param === undefined ? join(dir, `${spec.name}.json`) : join(dir, spec.name, paramPath(param));
      // Off the event loop: thousands of small files would otherwise hold up the calls in flight.
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(file, JSON.stringify(data, null, 2));
    }
    this.opts.onProgress?.({ ...this.progress, account: a.id, region, call: spec.name });
    return outcome ? undefined : merged;
  }

  /** Asks until ready (a few seconds at most: AWS generates a credential report in seconds). */
  private async prepare(client: Client, limiter: RateLimiter, mod: ServiceModule, p: NonNullable<CallSpec['prepare']>): Promise<void> {
    const Command = mod.Command(p.op);
    for (let i = 0; i < 15; i++) {
      if (p.ready(await this.send(client, limiter, () => new Command({})))) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** The SDK retries throttling adaptively; past its attempts, wait and queue again rather than lose the data. */
  private async send(client: Client, limiter: RateLimiter, command: () => unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await limiter.schedule(() => client.send(command()));
      } catch (err) {
        if (!isThrottle(err) || attempt >= 20) throw err;
        this.throttleRetries++;
        await new Promise((r) => setTimeout(r, Math.min(5_000, 100 * 2 ** attempt) * (0.5 + Math.random())));
      }
    }
  }

  private limiter(account: string, region: string, service: string): RateLimiter {
    const key = `${account}|${region}|${service}`;
    let l = this.limiters.get(key);
    if (!l) {
      const rates = { ...DEFAULT_RATES, ...(this.opts.rateLimits ?? {}) };
      l = new RateLimiter(rates[service] ?? rates.default ?? 10, this.opts.concurrency?.perService ?? 8);
      this.limiters.set(key, l);
    }
    return l;
  }

  private async client(service: string, region: string, credentials: AwsCredentialIdentityProvider, account = 'base'): Promise<Client> {
    const key = `${account}|${service}|${region}`;
    let c = this.clients.get(key);
    if (!c) {
      const mod = await loadService(service);
      c = new mod.Client({
        region,
        credentials,
        endpoint: this.opts.endpoint,
        forcePathStyle: this.opts.endpoint ? true : undefined,
        // Buckets live in many regions; S3 answers a request to the wrong one with a redirect the SDK can follow.
        followRegionRedirects: service === 's3' ? true : undefined,
        // S3 Control puts the account id in the host name ({account}.s3-control...), which an IP endpoint cannot
        // take: with an endpoint override, send to it as given (the account id still travels in x-amz-account-id).
        ...(service === 's3control' && this.opts.endpoint
          ? { disableHostPrefix: true, endpointProvider: () => ({ url: new URL(this.opts.endpoint!) }) }
          : {}),
        maxAttempts: this.opts.maxAttempts ?? 6,
        retryMode: 'adaptive',
        requestHandler: this.handler,
      });
      this.clients.set(key, c);
    }
    return c;
  }

  private recordError(a: AccountRun, region: string, name: string, param: string | undefined, e: CallError): void {
    const key = join(a.folder, region);
    const map = this.errors.get(key) ?? {};
    map[param === undefined ? name : `${name}/${paramPath(param)}`] = e;
    this.errors.set(key, map);
    if (!isNotFound(e)) this.gaps.push({ account: a.id, region, call: name, param: param === undefined ? undefined : paramKey(param), ...e });
  }

  private gap(g: CoverageGap): void {
    this.gaps.push(g);
  }

  private writeErrors(): void {
    for (const [key, map] of this.errors) {
      mkdirSync(join(this.opts.dir, key), { recursive: true });
      writeFileSync(join(this.opts.dir, key, ERRORS_FILE), JSON.stringify(map, null, 2));
    }
  }
}

/** A profile whose role needs MFA: ask on the terminal (never echoed to a log, never stored). */
async function askMfaCode(serial: string): Promise<string> {
  if (!process.stdin.isTTY) throw new VigilError(`the profile needs an MFA code for ${serial}: run vigil in a terminal, or use SSO`, ExitCode.usage);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(`MFA code for ${serial}: `)).trim();
  } finally {
    rl.close();
  }
}

/** Pages of one call as one response: list members concatenated, the rest from the first page. */
function mergePages(into: Record<string, unknown>, page: Record<string, unknown>, lists: string[]): Record<string, unknown> {
  for (const l of lists) {
    if (Array.isArray(page[l])) into[l] = [...(Array.isArray(into[l]) ? (into[l] as unknown[]) : []), ...(page[l] as unknown[])];
  }
  for (const [k, v] of Object.entries(page)) if (!(k in into)) into[k] = v;
  return into;
}
