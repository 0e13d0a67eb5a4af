/**
 * Sinks: where notices leave vigil. Each sink is made from its `sinks:` entry with its secrets resolved, its
 * route as `accepts`, and a `deliver` whose errors never carry a secret (every message goes through the sink's
 * Redactor). The outbox (durable, retries, rate limits) and the Lambda deliverer both drive these.
 */
import type { Config } from '../../config/schema.js';
import { UsageError, oneLine } from '../../util/errors.js';
import { isoSeconds } from '../../util/time.js';
import type { Notice } from '../notice.js';
import { SinksConfigSchema, type RetryPolicy, type SinkConfig, type SinkConfigInput } from './config.js';
import { DeliveryError, type HttpDeps } from './delivery.js';
import { ndjsonDeliver, stdoutDeliver } from './file.js';
import { jiraDeliver } from './jira.js';
import { routePredicate } from './route.js';
import { Redactor, secretResolver, type SecretResolver } from './secrets.js';
import { slackDeliver } from './slack.js';
import { snsDeliver } from './sns.js';
import { webhookDeliver } from './webhook.js';

export { DeliveryError } from './delivery.js';
export { Redactor, redactUrls, secretResolver, type SecretResolver } from './secrets.js';
export type { SinkConfig, SinkConfigInput } from './config.js';

export interface Sink {
  readonly name: string;
  readonly type: string;
  /** Its route. */
  accepts(n: Notice): boolean;
  /** Throws on failure (retryable unless DeliveryError.permanent); errors are already redacted. */
  deliver(n: Notice): Promise<{ ref?: string }>;
  /** Deliveries per second at most (the outbox's limiter). */
  readonly rateLimit?: number;
  readonly retry?: RetryPolicy;
  /** Blanks this sink's secrets (and URL paths) in text. */
  redact?(text: string): string;
}

export interface SinkDeps {
  fetch?: typeof fetch;
  secrets?: SecretResolver;
  /** Clock for webhook timestamps. */
  now?: () => number;
  /** Where the stdout sink writes. */
  stdout?: (line: string) => void;
}

/**
 * The configured sinks. Takes the whole config, or just a `sinks:` list (the Lambda form keeps that list in a
 * secret), which is validated here.
 */
export async function createSinks(config: Config | SinkConfigInput[] | Record<string, unknown>[], deps: SinkDeps = {}): Promise<Sink[]> {
  const aws: Config['aws'] = Array.isArray(config) ? {} : config.aws;
  const list = Array.isArray(config) ? parseSinks(config) : config.sinks;
  const resolve = deps.secrets ?? secretResolver(aws);
  return Promise.all(list.map((c, i) => createSink(c, `sinks[${i}] (${c.name})`, aws, resolve, deps)));
}

function parseSinks(raw: unknown[]): SinkConfig[] {
  const r = SinksConfigSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new UsageError(`sinks: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data;
}

async function createSink(c: SinkConfig, where: string, aws: Config['aws'], resolve: SecretResolver, deps: SinkDeps): Promise<Sink> {
  const redactor = new Redactor();
  const secret = async (ref: string, field: string) => {
    const v = await resolve(ref, `${where}.${field}`);
    redactor.add(v);
    return v;
  };
  const http: HttpDeps = { fetch: deps.fetch ?? fetch, timeoutMs: c.timeoutMs };
  const now = deps.now ?? Date.now;
  let deliver: (n: Notice) => Promise<{ ref?: string }>;
  switch (c.type) {
    case 'slack':
      deliver = slackDeliver(secretUrl(await secret(c.url, 'url'), `${where}.url`, redactor), http);
      break;
    case 'webhook': {
      const url = secretUrl(await secret(c.url, 'url'), `${where}.url`, redactor);
      const key = c.secret ? await secret(c.secret, 'secret') : undefined;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(c.headers)) headers[k.toLowerCase()] = await secret(v, `headers.${k}`);
      deliver = webhookDeliver(url, key, headers, http, now);
      break;
    }
    case 'sns':
      deliver = snsDeliver(c.topicArn, c.region, aws, c.timeoutMs);
      break;
    case 'jira': {
      const token = await secret(c.token, 'token');
      redactor.add(`${c.user}:${token}`);
      deliver = jiraDeliver({ url: c.url, project: c.project, issueType: c.issueType, user: c.user, token, labels: c.labels, deployment: c.deployment }, http);
      break;
    }
    case 'ndjson':
      deliver = ndjsonDeliver(c.path);
      break;
    case 'stdout':
      deliver = stdoutDeliver(deps.stdout);
      break;
  }
  const redact = (text: string) => redactor.redact(text);
  return {
    name: c.name,
    type: c.type,
    rateLimit: c.rateLimit,
    retry: c.retry,
    accepts: routePredicate(c.route),
    redact,
    async deliver(n) {
      try {
        return await deliver(n);
      } catch (e) {
        const de = e instanceof DeliveryError ? e : new DeliveryError(oneLine(e));
        throw new DeliveryError(redact(`sink ${c.name}: ${oneLine(de)}`), de.permanent, de.retryAfterMs);
      }
    },
  };
}

/** Checks a secret URL and has its path redacted too (receivers echo the path they were called on). */
function secretUrl(v: string, where: string, redactor: Redactor): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    // Not the value: it may be the secret itself, slightly wrong.
    throw new UsageError(`${where}: not a URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UsageError(`${where}: not an http(s) URL`);
  redactor.add(u.pathname + u.search);
  redactor.add(u.pathname);
  return v;
}

/** A harmless notice for `vigil outbox test <sink>`. */
export function testNotice(now = new Date()): Notice {
  const time = isoSeconds(now);
  return {
    id: `test:${now.getTime()}`,
    kind: 'alert',
    title: 'vigil test notice',
    severity: 'info',
    source: 'vigil-test',
    account: null,
    region: null,
    tags: ['test'],
    time,
    summary: `Test notice from vigil at ${time}: this sink is reachable`,
    body: { test: true },
  };
}
