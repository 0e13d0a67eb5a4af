/**
 * Windows, correlations, dedup and exceptions: every scenario runs through the live engine and as a hunt over a
 * real lake table, and the alerts must be identical (and as the definitions say).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRecords } from '../lake/ingest.js';
import { Store } from '../store/store.js';
import type { Alert } from './alerts.js';
import { parseExceptions, NO_EXCEPTIONS, type ExceptionSet } from './exceptions.js';
import { hunt } from './hunt.js';
import { detectRecords } from './live.js';
import { loadRuleText } from './load.js';
import { alertsCsv, toOcsf } from './output.js';
import { buildPack } from './pack.js';
import { trail } from './test-helpers.js';

let store: Store;
let batch = 0;
beforeAll(async () => {
  store = await Store.open({ path: ':memory:', threads: 1 });
});
afterAll(() => store.close());

const T0 = Date.UTC(2024, 2, 1, 12, 0, 0);
const at = (sec: number) => new Date(T0 + sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Events: [seconds from T0, overrides]. */
function events(spec: [number, Record<string, unknown>][]): Record<string, unknown>[] {
  const tag = `e${batch}`;
  return spec.map(([s, o], i) => trail({ eventTime: at(s), eventID: `${tag}-${i}`, ...o }, i)).sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)));
}

async function both(yaml: string, evs: Record<string, unknown>[], exceptions: ExceptionSet = NO_EXCEPTIONS): Promise<Alert[]> {
  const loaded = loadRuleText(yaml, 'test.yml');
  expect(loaded.failed).toEqual([]);
  const pack = buildPack(loaded.rules, exceptions);
  expect(pack.failed).toEqual([]);
  const live = detectRecords(pack, evs);
  const tag = `src${batch++}`;
  await insertRecords(store, evs, tag);
  const sql = (await hunt(store, pack, { sourcefile: tag })).alerts;
  expect(sql).toEqual(live);
  return live;
}

const DENIED = `
id: denied-burst
title: Burst of AccessDenied
severity: medium
tags: [attack.discovery, attack.t1580]
detection:
  sel: { errorCode: [AccessDenied, Client.UnauthorizedOperation] }
  condition: sel
threshold: { count: 3, window: 5m, groupBy: [userIdentity.arn] }
`;

const user = (n: string) => ({ userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/${n}`, accountId: '111122223333' } });
const denied = (n: string, o: Record<string, unknown> = {}) => ({ ...user(n), errorCode: 'AccessDenied', ...o });

describe('threshold', () => {
  it('fires on N matches within the window per group, reporting every event of the firing windows', async () => {
    const a = await both(
      DENIED,
      events([
        [0, denied('a')],
        [100, denied('a')],
        [200, denied('a')], // 3 within 300s → fires
        [250, denied('a')], // still in a firing window
        [200, denied('b')],
        [210, denied('b')], // b: only 2
        [1000, denied('a')], // alone
        [100, user('a')], // not a match
      ]),
    );
    expect(a).toHaveLength(1);
    expect(a[0]!.count).toBe(4);
    expect(a[0]!.actor).toBe('arn:aws:iam::111122223333:user/a');
    expect(a[0]!.firstSeen).toBe(at(0));
    expect(a[0]!.lastSeen).toBe(at(250));
  });
  it('the window is (t - window, t]: a match exactly one window earlier does not count', async () => {
    const a = await both(DENIED, events([[0, denied('a')], [300, denied('a')], [301, denied('a')]]));
    expect(a).toHaveLength(0);
    const b = await both(DENIED, events([[1, denied('a')], [300, denied('a')], [300, denied('a')]]));
    expect(b).toHaveLength(1);
  });
});

const BASES = `
id: create-user
title: IAM user created
severity: low
detection: { sel: { eventName: CreateUser }, condition: sel }
---
id: attach-admin
title: Admin policy attached
severity: high
detection: { sel: { eventName: AttachUserPolicy, 'requestParameters.policyArn|endswith': '/AdministratorAccess' }, condition: sel }
`;

describe('correlations', () => {
  const newAdmin = (type: string, extra = '') => `${BASES}
---
id: new-admin
title: New user made admin
severity: critical
correlation:
  type: ${type}
  rules: [create-user, attach-admin]
  group-by: [requestParameters.userName]
  timespan: 1h
${extra}`;
  const create = (u: string) => ({ eventName: 'CreateUser', requestParameters: { userName: u } });
  const attach = (u: string) => ({ eventName: 'AttachUserPolicy', requestParameters: { userName: u, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' } });

  it('temporal: both rules within the timespan, per group; members are muted unless generate', async () => {
    const a = await both(newAdmin('temporal'), events([[0, create('eve')], [600, attach('eve')], [0, create('bob')], [7200, attach('bob')]]));
    expect(a.map((x) => x.rule.id)).toEqual(['new-admin']);
    expect(a[0]!.count).toBe(2);
    expect(a[0]!.dedupKey).toEqual({ 'requestParameters.userName': 'eve' });
  });
  it('temporal_ordered: A then B fires, B then A does not', async () => {
    const yes = await both(newAdmin('temporal_ordered'), events([[0, create('eve')], [60, attach('eve')]]));
    expect(yes).toHaveLength(1);
    const no = await both(newAdmin('temporal_ordered'), events([[0, attach('eve')], [60, create('eve')]]));
    expect(no).toHaveLength(0);
  });
  it('generate: true keeps the member rules alerting', async () => {
    const a = await both(newAdmin('temporal', '  generate: true'), events([[0, create('eve')], [600, attach('eve')]]));
    expect(a.map((x) => x.rule.id).sort()).toEqual(['attach-admin', 'create-user', 'new-admin']);
  });
  it('event_count and value_count', async () => {
    const counts = `${BASES}
---
id: many-denied
title: many denied
severity: medium
detection: { sel: { errorCode: AccessDenied }, condition: sel }
---
id: spray
title: denied from many IPs
severity: high
correlation: { type: value_count, rules: [many-denied], group-by: [userIdentity.arn], timespan: 10m, condition: { gte: 3, field: sourceIPAddress } }
---
id: denied-count
title: denied count
severity: high
correlation: { type: event_count, rules: [many-denied], group-by: [userIdentity.arn], timespan: 10m, condition: { gt: 3 } }
`;
    const ip = (n: string, i: string) => denied(n, { sourceIPAddress: i });
    const a = await both(
      counts,
      events([
        [0, ip('a', '1.1.1.1')],
        [10, ip('a', '1.1.1.1')],
        [20, ip('a', '2.2.2.2')],
        [30, ip('a', '2.2.2.2')], // 4 events, 2 IPs: event_count (>3) fires, value_count not yet
        [40, ip('b', '1.1.1.1')],
        [50, ip('b', '2.2.2.2')],
        [60, ip('b', '3.3.3.3')], // b: 3 IPs → value_count fires
      ]),
    );
    const by = Object.fromEntries(a.map((x) => [`${x.rule.id}:${x.actor?.split('/').pop()}`, x.count]));
    expect(by).toEqual({ 'denied-count:a': 4, 'spray:b': 3 });
  });
  it('unknown rule references and chained correlations fail by name; the rest load', () => {
    const l = loadRuleText(`${BASES}\n---\nid: c1\ntitle: c\ncorrelation: { type: temporal, rules: [create-user, nope], timespan: 1h }\n`, 'x.yml');
    const pack = buildPack(l.rules);
    expect(pack.failed.map((f) => f.error)).toEqual([expect.stringContaining("unknown rule 'nope'")]);
    expect(pack.rules.map((r) => r.id)).toEqual(['create-user', 'attach-admin']);
  });
});

const STOP = `
id: stop-logging
title: CloudTrail logging stopped
severity: high
tags: [attack.defense-evasion, attack.t1562.008]
detection:
  sel: { eventSource: cloudtrail.amazonaws.com, eventName: [StopLogging, DeleteTrail] }
  failed: { errorCode|exists: true }
  condition: sel and not failed
`;
const stop = (n: string, o: Record<string, unknown> = {}) => ({ ...user(n), eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', ...o });

describe('dedup and alerts', () => {
  it('same rule + actor within the period is one alert with count and first/last; a later one is new', async () => {
    const evs = events([[0, stop('a')], [60, stop('a', { sourceIPAddress: '203.0.113.9' })], [120, stop('b')], [3700, stop('a')], [30, stop('a', { errorCode: 'AccessDenied' })]]);
    const a = await both(STOP, evs);
    expect(a.map((x) => [x.actor?.split('/').pop(), x.count, x.firstSeen, x.lastSeen])).toEqual([
      ['a', 2, at(0), at(60)],
      ['b', 1, at(120), at(120)],
      ['a', 1, at(3700), at(3700)],
    ]);
    expect(a[0]!.sourceIps).toEqual(['198.51.100.7', '203.0.113.9']);
    expect(a[0]!.eventIds).toEqual([evs[0]!.eventID, evs[2]!.eventID]);
    expect(a[0]!.mitre).toEqual({ tactics: ['defense-evasion'], techniques: ['T1562.008'] });
    // Stable ids: the same events give the same ids on another run.
    const again = detectRecords(buildPack(loadRuleText(STOP, 'again.yml').rules), evs);
    expect(again.map((x) => x.id)).toEqual(a.map((x) => x.id));
    expect(new Set(a.map((x) => x.id)).size).toBe(3);
  });
  it('eventIds holds all ids up to 1,000 while count keeps counting', async () => {
    const evs = events(Array.from({ length: 1005 }, (_, i): [number, Record<string, unknown>] => [i, stop('a')]));
    const a = await both(STOP, evs);
    expect(a).toHaveLength(1);
    expect(a[0]!.count).toBe(1005);
    expect(a[0]!.eventIds).toHaveLength(1000);
  });
  it('outputs: OCSF Detection Finding and CSV', async () => {
    const [a] = await both(STOP, events([[0, stop('a', { resources: [{ ARN: 'arn:aws:cloudtrail:us-east-1:1:trail/main' }] })]]));
    const o = toOcsf(a!);
    expect(o).toMatchObject({ class_uid: 2004, category_uid: 2, type_uid: 200401, severity_id: 4, finding_info: { analytic: { uid: 'stop-logging' } } });
    expect(o.resources).toEqual([{ uid: 'arn:aws:cloudtrail:us-east-1:1:trail/main' }]);
    const csv = alertsCsv([a!]).split('\n');
    expect(csv[0]).toBe('id,rule,title,severity,count,firstSeen,lastSeen,actor,account,region,sourceIps,resources,techniques,eventIds');
    expect(csv[1]).toContain(',stop-logging,CloudTrail logging stopped,high,1,');
  });
});

describe('exceptions', () => {
  const table = (body: string, now = new Date('2024-06-01T00:00:00Z')) => parseExceptions(`exceptions:\n${body}`, 'exc.yml', now);
  it('by actor glob, actor regex, CIDR, account, region, user agent and resource; both engines alike', async () => {
    const x = table(`
  - { rule: 'stop-*', actor: '*:user/ci-*', reason: CI rotates trails, owner: platform }
  - { rule: stop-logging, actor: '/user\\/break-?glass$/', reason: break glass, owner: sec }
  - { rule: '*', sourceIp: 10.0.0.0/8, reason: internal, owner: sec }
  - { rule: stop-logging, account: '999988887777', region: eu-*, reason: sandbox, owner: sec }
  - { rule: stop-logging, userAgent: '*terraform*', reason: iac, owner: platform }
  - { rule: stop-logging, resource: '*trail/scratch', reason: scratch trail, owner: platform }
`);
    const evs = events([
      [0, stop('ci-deploy')],
      [1, stop('breakglass')],
      [2, stop('eve', { sourceIPAddress: '10.1.2.3' })],
      [3, stop('eve', { recipientAccountId: '999988887777', awsRegion: 'eu-west-1' })],
      [4, stop('eve', { userAgent: 'APN/1.0 HashiCorp/1.0 Terraform/1.5' })],
      [5, stop('eve', { resources: [{ ARN: 'arn:aws:cloudtrail:us-east-1:1:trail/scratch' }] })],
      [6, stop('mallory')], // kept
      [7, stop('eve', { recipientAccountId: '999988887777', awsRegion: 'us-east-1' })], // kept (region differs)
    ]);
    const a = await both(STOP, evs, x);
    expect(a.map((y) => y.actor?.split('/').pop())).toEqual(['mallory', 'eve']);
    expect(a[1]!.count).toBe(1);
  });
  it('expired exceptions stop applying and are reported', async () => {
    const x = table(`  - { actor: '*', reason: old, owner: sec, expires: 2024-01-01 }\n  - { actor: '*:user/a', reason: new, owner: sec, expires: 2025-01-01 }`);
    expect(x.expired.map((e) => e.reason)).toEqual(['old']);
    expect(x.active.map((e) => e.reason)).toEqual(['new']);
    const a = await both(STOP, events([[0, stop('a')], [1, stop('b')]]), x);
    expect(a.map((y) => y.actor?.split('/').pop())).toEqual(['b']);
  });
  it('a bad exception table is one clear error', () => {
    expect(() => table('  - { actor: x }')).toThrow(/exc.yml: exceptions.0.reason/);
  });
});
