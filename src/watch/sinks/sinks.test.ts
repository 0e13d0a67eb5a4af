import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigSchema, type Config } from '../../config/schema.js';
import type { Alert } from '../../detect/alerts.js';
import type { Finding } from '../../audit/types.js';
import { noticeFromAlert, noticeFromFinding, type Notice } from '../notice.js';
import { createSinks, DeliveryError, secretResolver, type Sink } from './index.js';
import { routePredicate } from './route.js';
import { maskSinkSecrets } from './config.js';
import { configJsonSchema } from '../../config/load.js';
import { redactUrls } from './secrets.js';
import { snsSubject } from './sns.js';
import { jiraDeployment } from './jira.js';
import { fakeAwsEnv, startFakeAws, startReceiver } from './testing.js';

const alert: Alert = {
  id: 'a1b2c3',
  rule: { id: 'aws-cloudtrail-stop-logging', title: 'CloudTrail logging stopped' },
  severity: 'high',
  count: 2,
  firstSeen: '2026-11-20T10:00:00Z',
  lastSeen: '2026-11-20T10:01:00Z',
  actor: 'arn:aws:iam::111111111111:user/mallory',
  account: '111111111111',
  region: 'eu-west-1',
  resources: ['arn:aws:cloudtrail:eu-west-1:111111111111:trail/main'],
  sourceIps: ['203.0.113.9'],
  eventNames: ['StopLogging'],
  eventIds: ['e1', 'e2'],
  tags: ['attack.defense_evasion'],
  mitre: { tactics: ['defense-evasion'], techniques: [] },
  dedupKey: { 'userIdentity.arn': 'arn:aws:iam::111111111111:user/mallory' },
};

const finding: Finding = {
  id: 'f-0001',
  check: 'ec2_sg_open_ssh',
  title: 'Security group open to SSH from the internet',
  severity: 'high',
  service: 'ec2',
  resourceType: 'AWS::EC2::SecurityGroup',
  resource: 'arn:aws:ec2:eu-west-1:111111111111:security-group/sg-1',
  resourceName: 'sg-1',
  account: '111111111111',
  region: 'eu-west-1',
  result: 'fail',
  status: 'new',
  lifecycle: 'new',
  reason: '0.0.0.0/0 on port 22',
  firstSeen: '2026-11-20T00:00:00Z',
  lastSeen: '2026-11-20T00:00:00Z',
};

function config(sinks: unknown[], aws: Config['aws'] = {}): Config {
  return ConfigSchema.parse({ sinks, aws });
}

const noEnv = secretResolver({}, {});

describe('sinks config', () => {
  it('fills defaults and rejects duplicate names and unknown types', () => {
    const c = config([{ name: 'out', type: 'stdout' }]);
    expect(c.sinks[0]).toMatchObject({ name: 'out', type: 'stdout', rateLimit: 5, route: {}, retry: { maxAttempts: 8 } });
    expect(() => config([{ name: 'a', type: 'stdout' }, { name: 'a', type: 'stdout' }])).toThrow(/duplicate sink name a/);
    expect(ConfigSchema.safeParse({ sinks: [{ name: 'x', type: 'pager' }] }).success).toBe(false);
    expect(ConfigSchema.safeParse({ sinks: [{ name: 'x', type: 'slack' }] }).success).toBe(false);
  });

  it('masks literal secrets for `vigil config show` (references stay) and has a JSON Schema', () => {
    const c = config([
      { name: 'a', type: 'slack', url: 'https://hooks.slack.com/services/T/B/LITERAL' },
      { name: 'b', type: 'webhook', url: 'env:HOOK', secret: 'literal-hmac', headers: { authorization: 'Bearer xyz' } },
      { name: 'c', type: 'jira', url: 'https://jira.example.com', project: 'SEC', user: 'u', token: 'secretsmanager:vigil/jira' },
    ]);
    const shown = JSON.stringify(maskSinkSecrets(c.sinks));
    for (const s of ['LITERAL', 'literal-hmac', 'Bearer xyz']) expect(shown).not.toContain(s);
    expect(shown).toContain('env:HOOK');
    expect(shown).toContain('secretsmanager:vigil/jira');
    expect(JSON.stringify(configJsonSchema())).toContain('Incoming-webhook URL');
  });

  it('accepts the raw list the Lambda form keeps in a secret, with a one-line error naming the field', async () => {
    const sinks = await createSinks([{ name: 'out', type: 'stdout' }]);
    expect(sinks.map((s) => s.type)).toEqual(['stdout']);
    await expect(createSinks([{ name: 'j', type: 'jira', url: 'https://x', project: 'SEC', user: 'u' }])).rejects.toThrow(/^sinks: 0\.token: /);
  });
});

describe('routes', () => {
  const n = noticeFromAlert(alert);
  it('filters on severity, kind, rule globs (with exclusions), tags and accounts', () => {
    expect(routePredicate({})(n)).toBe(true);
    expect(routePredicate({ minSeverity: 'high' })(n)).toBe(true);
    expect(routePredicate({ minSeverity: 'critical' })(n)).toBe(false);
    expect(routePredicate({ kinds: ['finding'] })(n)).toBe(false);
    expect(routePredicate({ rules: ['aws-cloudtrail-*'] })(n)).toBe(true);
    expect(routePredicate({ rules: ['aws-*', '!aws-cloudtrail-*'] })(n)).toBe(false);
    expect(routePredicate({ tags: ['attack.*'] })(n)).toBe(true);
    expect(routePredicate({ tags: ['pci'] })(n)).toBe(false);
    expect(routePredicate({ accounts: ['2222*'] })(n)).toBe(false);
    expect(routePredicate({ accounts: ['1111*'] })(n)).toBe(true);
  });
});

describe('slack', () => {
  it('posts a Block Kit message with header, severity, where, actor and resources', async () => {
    const rx = await startReceiver();
    try {
      const [slack] = await createSinks(config([{ name: 'chat', type: 'slack', url: 'env:SLACK_URL' }]), {
        secrets: secretResolver({}, { SLACK_URL: `${rx.url}/services/T000/B000/XXXXSECRET` }),
      });
      await slack!.deliver(noticeFromAlert(alert));
      expect(rx.requests).toHaveLength(1);
      expect(rx.requests[0]!.path).toBe('/services/T000/B000/XXXXSECRET');
      const msg = JSON.parse(rx.requests[0]!.body) as { text: string; blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[]; unfurl_links: boolean };
      expect(msg.blocks[0]).toMatchObject({ type: 'header', text: { text: 'CloudTrail logging stopped' } });
      const all = JSON.stringify(msg.blocks);
      expect(all).toContain('HIGH');
      expect(all).toContain('111111111111 / eu-west-1');
      expect(all).toContain('user/mallory');
      expect(all).toContain('trail/main');
      expect(msg.unfurl_links).toBe(false);
      expect(msg.text).toMatch(/^\[HIGH\] CloudTrail logging stopped/);
    } finally {
      await rx.close();
    }
  });
});

describe('webhook', () => {
  const KEY = 'whsec_test_0123456789';
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    // A receiver that checks the signature as a real one would.
    rx = await startReceiver((r) => {
      const ts = r.headers['x-vigil-timestamp'] ?? '';
      const want = Buffer.from('sha256=' + createHmac('sha256', KEY).update(`${ts}.${r.body}`).digest('hex'));
      const got = Buffer.from(r.headers['x-vigil-signature'] ?? '');
      return got.length === want.length && timingSafeEqual(got, want) ? { status: 204, body: '' } : { status: 401, body: 'bad signature' };
    });
  });
  afterAll(() => rx.close());

  it('signs "<timestamp>.<body>" with HMAC-SHA256 and sends the notice id as the delivery key', async () => {
    const [hook] = await createSinks(config([{ name: 'hook', type: 'webhook', url: `${rx.url}/in`, secret: 'env:HOOK_KEY' }]), {
      secrets: secretResolver({}, { HOOK_KEY: KEY }),
      now: () => Date.parse('2026-11-20T10:00:00Z'),
    });
    const n = noticeFromAlert(alert);
    await hook!.deliver(n);
    const r = rx.requests.at(-1)!;
    expect(r.headers['x-vigil-delivery']).toBe(n.id);
    expect(r.headers['x-vigil-timestamp']).toBe(String(Date.parse('2026-11-20T10:00:00Z') / 1000));
    expect(JSON.parse(r.body)).toEqual(n);
  });

  it('a wrong key is refused by the receiver: a permanent failure without the key in the message', async () => {
    const [hook] = await createSinks(config([{ name: 'hook', type: 'webhook', url: `${rx.url}/in`, secret: 'not-the-right-key' }]), { secrets: noEnv });
    const err = await hook!.deliver(noticeFromAlert(alert)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).permanent).toBe(true);
    expect((err as Error).message).toMatch(/HTTP 401 bad signature/);
    expect((err as Error).message).not.toContain('not-the-right-key');
  });

  it('errors echoing the URL or a secret are redacted', async () => {
    const echo = await startReceiver((r) => ({ status: 500, body: `failed for ${r.path} with key s3cr3t-h34der-v4lue at https://hooks.example.com/services/AAA/BBB` }));
    try {
      const [hook] = await createSinks(config([{ name: 'hook', type: 'webhook', url: `${echo.url}/T0/tok3n-in-path`, headers: { authorization: 'env:TOKEN' } }]), {
        secrets: secretResolver({}, { TOKEN: 's3cr3t-h34der-v4lue' }),
      });
      const err = (await hook!.deliver(noticeFromAlert(alert)).catch((e: unknown) => e)) as DeliveryError;
      expect(err.permanent).toBe(false);
      expect(err.message).toContain('HTTP 500');
      expect(err.message).not.toContain('s3cr3t-h34der-v4lue');
      expect(err.message).not.toContain('tok3n-in-path');
      expect(err.message).not.toContain('services/AAA');
    } finally {
      await echo.close();
    }
  });

  it('a receiver that is down is a retryable failure', async () => {
    const gone = await startReceiver();
    await gone.close();
    const [hook] = await createSinks(config([{ name: 'hook', type: 'webhook', url: gone.url }]), { secrets: noEnv });
    const err = (await hook!.deliver(noticeFromAlert(alert)).catch((e: unknown) => e)) as DeliveryError;
    expect(err.permanent).toBe(false);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });
});

describe('sns and secrets manager (real SDK clients against a local fake)', () => {
  let aws: Awaited<ReturnType<typeof startFakeAws>>;
  const published: URLSearchParams[] = [];
  beforeAll(async () => {
    fakeAwsEnv();
    aws = await startFakeAws({
      'sns:Publish': (c) => {
        published.push(new URLSearchParams(c.body));
        return { MessageId: `msg-${published.length}` };
      },
      'secretsmanager:GetSecretValue': (c) => ({ ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:x', Name: String(c.input.SecretId), SecretString: 'https://hooks.slack.com/services/T1/B1/FROMSECRETSMANAGER' }),
    });
  });
  afterAll(() => aws.close());

  it('publishes subject, JSON message and severity/kind/source attributes', async () => {
    const [sns] = await createSinks(config([{ name: 'topic', type: 'sns', topicArn: 'arn:aws:sns:eu-west-1:111111111111:alerts' }], { endpoint: aws.endpoint, region: 'eu-west-1' }));
    const n = noticeFromFinding({ ...finding, title: 'A very long title — with a dash and ünïcode '.repeat(5) }, 'new', 'audit-1');
    const { ref } = await sns!.deliver(n);
    expect(ref).toBe('msg-1');
    const form = published[0]!;
    expect(form.get('TopicArn')).toBe('arn:aws:sns:eu-west-1:111111111111:alerts');
    const subject = form.get('Subject')!;
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^\[HIGH\] A very long title - with a dash and ncode/);
    expect(/^[\x20-\x7e]+$/.test(subject)).toBe(true);
    expect(JSON.parse(form.get('Message')!)).toEqual(n);
    const attrs: Record<string, string> = {};
    for (let i = 1; form.get(`MessageAttributes.entry.${i}.Name`); i++) attrs[form.get(`MessageAttributes.entry.${i}.Name`)!] = form.get(`MessageAttributes.entry.${i}.Value.StringValue`)!;
    expect(attrs).toEqual({ severity: 'high', kind: 'finding', source: 'ec2_sg_open_ssh' });
    expect(snsSubject(noticeFromAlert(alert))).toBe('[HIGH] CloudTrail logging stopped');
  });

  it('resolves secretsmanager: references through the configured endpoint and redacts the value', async () => {
    const [slack] = await createSinks(config([{ name: 'chat', type: 'slack', url: 'secretsmanager:vigil/slack' }], { endpoint: aws.endpoint, region: 'eu-west-1' }), {
      fetch: async () => new Response('no_service', { status: 404 }),
    });
    expect(aws.calls.some((c) => c.name === 'secretsmanager:GetSecretValue' && c.input.SecretId === 'vigil/slack')).toBe(true);
    const err = (await slack!.deliver(noticeFromAlert(alert)).catch((e: unknown) => e)) as DeliveryError;
    expect(err.permanent).toBe(true);
    expect(err.message).toBe('sink chat: slack: HTTP 404 no_service');
  });

  it('a missing environment variable is a one-line usage error naming the field, not the value', async () => {
    await expect(createSinks(config([{ name: 'chat', type: 'slack', url: 'env:NOPE_NOT_SET' }]), { secrets: noEnv })).rejects.toThrow('sinks[0] (chat).url: environment variable NOPE_NOT_SET is not set');
  });
});

/** A small Jira: issues with labels, JQL `labels = "x" AND statusCategory != Done`, comments, basic auth. */
async function startJira(user: string, token: string, cloud = false) {
  // Jira Cloud answers the classic search with 410 Gone; only /search/jql works there.
  const searches: string[] = [];
  const issues: { key: string; labels: string[]; summary: string; done: boolean; comments: string[] }[] = [];
  const auth = 'Basic ' + Buffer.from(`${user}:${token}`).toString('base64');
  const rx = await startReceiver((r) => {
    if (r.headers.authorization !== auth) return { status: 401, body: { errorMessages: ['unauthorized'] } };
    const url = new URL(r.path, 'http://jira');
    searches.push(url.pathname);
    if (r.method === 'GET' && url.pathname === (cloud ? '/rest/api/2/search/jql' : '/rest/api/2/search')) {
      const jql = url.searchParams.get('jql') ?? '';
      const label = /labels = "([^"]+)"/.exec(jql)?.[1];
      const open = /statusCategory != Done/.test(jql);
      const hits = issues.filter((i) => i.labels.includes(label ?? '') && (!open || !i.done));
      return { body: { issues: hits.map((i) => ({ key: i.key })), total: hits.length } };
    }
    if (r.method === 'POST' && url.pathname === '/rest/api/2/issue') {
      const f = (JSON.parse(r.body) as { fields: { labels: string[]; summary: string } }).fields;
      const key = `SEC-${issues.length + 1}`;
      issues.push({ key, labels: f.labels, summary: f.summary, done: false, comments: [] });
      return { status: 201, body: { id: String(issues.length), key } };
    }
    const m = /^\/rest\/api\/2\/issue\/([^/]+)\/comment$/.exec(url.pathname);
    if (r.method === 'POST' && m) {
      const issue = issues.find((i) => i.key === decodeURIComponent(m[1]!));
      if (!issue) return { status: 404, body: { errorMessages: ['no issue'] } };
      issue.comments.push((JSON.parse(r.body) as { body: string }).body);
      return { status: 201, body: { id: String(issue.comments.length) } };
    }
    return { status: 404, body: { errorMessages: ['no route'] } };
  });
  return { ...rx, issues, searches };
}

describe('jira', () => {
  const jiraConfig = (url: string) => config([{ name: 'tickets', type: 'jira', url, project: 'SEC', user: 'bot@example.com', token: 'env:JIRA_TOKEN' }]);
  const secrets = secretResolver({}, { JIRA_TOKEN: 'jira-api-token-123' });

  it('one finding = one issue: found again by its label (even from a new process), resolution is a comment', async () => {
    const jira = await startJira('bot@example.com', 'jira-api-token-123');
    try {
      const [a] = await createSinks(jiraConfig(jira.url), { secrets });
      const first = await a!.deliver(noticeFromFinding(finding, 'new', 'audit-1'));
      expect(first.ref).toBe('SEC-1');
      // A second sink instance has no memory of SEC-1: it must find it through the JQL search.
      const [b] = await createSinks(jiraConfig(jira.url), { secrets });
      const again = await b!.deliver(noticeFromFinding({ ...finding, status: 'reopened' }, 'reopened', 'audit-2'));
      expect(again.ref).toBe('SEC-1');
      const resolved = await b!.deliver(noticeFromFinding({ ...finding, status: 'resolved', change: 'resolved' }, 'resolved', 'audit-3'));
      expect(resolved.ref).toBe('SEC-1');
      expect(jira.issues).toHaveLength(1);
      expect(jira.issues[0]!.labels).toEqual(expect.arrayContaining(['vigil', expect.stringMatching(/^vigil-[0-9a-f]{12}$/)]));
      expect(jira.issues[0]!.summary).toContain('[HIGH] New: Security group open to SSH');
      expect(jira.issues[0]!.comments.map((c) => c.split(' ')[0])).toEqual(['Seen', 'Resolved']);

      // Another finding gets its own issue; a closed issue is not reused.
      await b!.deliver(noticeFromFinding({ ...finding, id: 'f-0002', resource: 'sg-2' }, 'new', 'audit-3'));
      expect(jira.issues.map((i) => i.key)).toEqual(['SEC-1', 'SEC-2']);
      jira.issues[0]!.done = true;
      const [c] = await createSinks(jiraConfig(jira.url), { secrets });
      expect((await c!.deliver(noticeFromFinding(finding, 'reopened', 'audit-4'))).ref).toBe('SEC-3');
    } finally {
      await jira.close();
    }
  });

  it('on Jira Cloud searches with /search/jql (the classic search is gone there)', async () => {
    const jira = await startJira('bot@example.com', 'jira-api-token-123', true);
    try {
      const cloud = config([{ name: 'tickets', type: 'jira', url: jira.url, project: 'SEC', user: 'bot@example.com', token: 'env:JIRA_TOKEN', deployment: 'cloud' }]);
      const [a] = await createSinks(cloud, { secrets });
      expect((await a!.deliver(noticeFromFinding(finding, 'new', 'audit-1'))).ref).toBe('SEC-1');
      const [b] = await createSinks(cloud, { secrets });
      expect((await b!.deliver(noticeFromFinding({ ...finding, status: 'reopened' }, 'reopened', 'audit-2'))).ref).toBe('SEC-1');
      expect(jira.issues).toHaveLength(1);
      expect(jira.searches.filter((p) => p.includes('search'))).toEqual(['/rest/api/2/search/jql', '/rest/api/2/search/jql']);
      expect(jiraDeployment('https://example.atlassian.net')).toBe('cloud');
      expect(jiraDeployment('https://jira.example.com')).toBe('datacenter');
    } finally {
      await jira.close();
    }
  });

  it('a resolution with no open issue opens nothing; bad credentials fail permanently without the token', async () => {
    const jira = await startJira('bot@example.com', 'another-token');
    try {
      const [s] = await createSinks(jiraConfig(jira.url), { secrets: secretResolver({}, { JIRA_TOKEN: 'another-token' }) });
      expect(await s!.deliver(noticeFromFinding({ ...finding, change: 'resolved' }, 'resolved', 'a1'))).toEqual({});
      expect(jira.issues).toHaveLength(0);
      const [bad] = await createSinks(jiraConfig(jira.url), { secrets });
      const err = (await bad!.deliver(noticeFromAlert(alert)).catch((e: unknown) => e)) as DeliveryError;
      expect(err.permanent).toBe(true);
      expect(err.message).toMatch(/jira search: HTTP 401/);
      expect(err.message).not.toContain('jira-api-token-123');
    } finally {
      await jira.close();
    }
  });
});

describe('ndjson and stdout', () => {
  it('append one JSON line per notice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-sinks-'));
    const lines: string[] = [];
    const sinks: Sink[] = await createSinks(config([{ name: 'file', type: 'ndjson', path: join(dir, 'sub', 'notices.ndjson') }, { name: 'out', type: 'stdout' }]), {
      stdout: (l) => lines.push(l),
    });
    const notices: Notice[] = [noticeFromAlert(alert), noticeFromFinding(finding, 'new', 'a1')];
    for (const n of notices) for (const s of sinks) await s.deliver(n);
    const fileLines = readFileSync(join(dir, 'sub', 'notices.ndjson'), 'utf8').trim().split('\n');
    expect(fileLines.map((l) => JSON.parse(l))).toEqual(notices);
    expect(lines.map((l) => JSON.parse(l))).toEqual(notices);
  });
});

describe('redactUrls', () => {
  it('keeps the host and drops credentials, path and query', () => {
    expect(redactUrls('POST https://user:pw@hooks.slack.com/services/T/B/X?a=1 failed')).toBe('POST https://hooks.slack.com/[redacted] failed');
    expect(redactUrls('at http://127.0.0.1:8080')).toBe('at http://127.0.0.1:8080');
  });
});
