import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPack, loadRules, type Pack } from '../../detect/index.js';
import { openCloudMapperDir } from '../../snapshot/index.js';
import type { Notice } from '../../watch/notice.js';
import { runAuditJob } from './audit.js';
import { objectsOfMessage, BadMessage } from './events.js';
import { handleOutboxStream, secretSinks, sinksConfigOf, type Sink } from './outbox.js';
import { WatchTables } from './tables.js';
import { FakeDynamo, TABLES, fakeS3, s3Event } from './test-helpers.js';
import { handleWatchBatch, type WatchDeps } from './watch.js';

const STRATUS = new URL('../../detect/fixtures/recorded/stratus-red-team/', import.meta.url).pathname;
const fixture = (name: string) => readFileSync(`${STRATUS}${name}.json`, 'utf8');
const STOP = fixture('aws.defense-evasion.cloudtrail-stop');
const DELETE = fixture('aws.defense-evasion.cloudtrail-delete');
const KEY1 = 'org/AWSLogs/143434273843/CloudTrail/us-east-1/2024/07/31/a b.json.gz';
const KEY2 = 'org/AWSLogs/143434273843/CloudTrail/us-east-1/2024/07/31/c.json.gz';

let pack: Pack;
beforeAll(() => {
  const loaded = loadRules();
  pack = buildPack(loaded.rules);
});

function setup(objects: Record<string, string>, publish?: (n: Notice) => Promise<string | undefined>) {
  const db = new FakeDynamo();
  const s3 = fakeS3(objects);
  const published: Notice[] = [];
  const deps: WatchDeps = {
    pack,
    tables: new WatchTables(db, TABLES, 86400),
    publish: publish ?? (async (n) => (published.push(n), `m-${published.length}`)),
    getObject: s3.getObject,
    log: () => undefined,
  };
  return { db, s3, published, deps };
}

describe('S3 notifications in SQS messages', () => {
  it('reads S3 events, SNS-wrapped ones and EventBridge ones; decodes keys; ignores the test event', () => {
    expect(objectsOfMessage(s3Event('b', KEY1))).toEqual([{ bucket: 'b', key: KEY1 }]);
    const sns = JSON.stringify({ Type: 'Notification', Message: s3Event('b', KEY1, KEY2) });
    expect(objectsOfMessage(sns).map((o) => o.key)).toEqual([KEY1, KEY2]);
    const eb = JSON.stringify({ 'detail-type': 'Object Created', detail: { bucket: { name: 'b' }, object: { key: KEY2 } } });
    expect(objectsOfMessage(eb)).toEqual([{ bucket: 'b', key: KEY2 }]);
    expect(objectsOfMessage(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' }))).toEqual([]);
    expect(() => objectsOfMessage('{"hello":1}')).toThrow(BadMessage);
    expect(() => objectsOfMessage('not json')).toThrow(/not JSON/);
  });
});

describe('watch handler', () => {
  it('returns exactly the bad message as a failure and sends the alerts of the others', async () => {
    const { published, deps, db } = setup({ [`trail/${KEY1}`]: STOP, [`trail/${KEY2}`]: DELETE });
    const r = await handleWatchBatch(
      {
        Records: [
          { messageId: 'ok-1', body: s3Event('trail', KEY1) },
          { messageId: 'missing', body: s3Event('trail', 'org/AWSLogs/1/CloudTrail/x/gone.json.gz') },
          { messageId: 'ok-2', body: JSON.stringify({ Type: 'Notification', Message: s3Event('trail', KEY2) }) },
        ],
      },
      deps,
    );
    expect(r.batchItemFailures).toEqual([{ itemIdentifier: 'missing' }]);
    expect(r.objects).toBe(2);
    const rules = published.map((n) => n.source);
    expect(rules).toContain('aws-cloudtrail-stop-logging');
    expect(r.sent).toBe(published.length);
    expect(published.every((n) => n.kind === 'alert' && n.id.startsWith('alert:'))).toBe(true);
    // Every sent notice is in the outbox and claimed in the dedup table.
    expect([...db.table('outbox').keys()].sort()).toEqual(published.map((n) => n.id).sort());
    for (const n of published) expect(db.table('dedup').has(n.id)).toBe(true);
  });

  it('a corrupt object fails its message only', async () => {
    const { deps } = setup({ [`trail/${KEY1}`]: STOP, [`trail/${KEY2}`]: '{"Records": [' });
    const r = await handleWatchBatch({ Records: [{ messageId: 'a', body: s3Event('trail', KEY1) }, { messageId: 'b', body: s3Event('trail', KEY2) }] }, deps);
    expect(r.batchItemFailures).toEqual([{ itemIdentifier: 'b' }]);
    expect(r.sent).toBeGreaterThan(0);
  });

  it('the second delivery of the same S3 object publishes nothing new', async () => {
    const { published, deps, db } = setup({ [`trail/${KEY1}`]: STOP });
    const first = await handleWatchBatch({ Records: [{ messageId: 'm1', body: s3Event('trail', KEY1) }] }, deps);
    expect(first.sent).toBeGreaterThan(0);
    const count = published.length;
    const outbox = db.table('outbox').size;
    const again = await handleWatchBatch({ Records: [{ messageId: 'm2', body: s3Event('trail', KEY1) }] }, deps);
    expect(again.batchItemFailures).toEqual([]);
    expect(again.alerts).toBe(first.alerts);
    expect(again.sent).toBe(0);
    expect(again.duplicates).toBe(first.alerts);
    expect(published.length).toBe(count);
    expect(db.table('outbox').size).toBe(outbox);
  });

  it('a failed publish fails the messages behind the alert and gives the claim back, so the retry sends it', async () => {
    let fail = true;
    const sent: Notice[] = [];
    const { deps, db } = setup({ [`trail/${KEY1}`]: STOP, [`trail/${KEY2}`]: '{"Records": []}' }, async (n) => {
      if (fail) throw new Error('SNS: throttled');
      sent.push(n);
      return 'id';
    });
    const batch = { Records: [{ messageId: 'm1', body: s3Event('trail', KEY1) }, { messageId: 'quiet', body: s3Event('trail', KEY2) }] };
    const r = await handleWatchBatch(batch, deps);
    expect(r.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(db.table('dedup').size).toBe(0);
    fail = false;
    const retry = await handleWatchBatch({ Records: [batch.Records[0]!] }, deps);
    expect(retry.batchItemFailures).toEqual([]);
    expect(sent.length).toBe(retry.alerts);
    expect(sent.length).toBeGreaterThan(0);
  });
});

describe('outbox deliverer', () => {
  const notice = (id: string): Notice => ({ id, kind: 'alert', title: 't', severity: 'high', source: 'r', account: null, region: null, tags: [], time: '2024-01-01T00:00:00Z', summary: 's', body: {} });
  const insert = (n: Notice, seq: string) => ({ eventName: 'INSERT' as const, dynamodb: { SequenceNumber: seq, NewImage: { pk: { S: n.id }, notice: { S: JSON.stringify(n) } } } });

  function sink(name: string, behaviour: { fail?: () => boolean; accepts?: (n: Notice) => boolean } = {}): Sink & { got: string[] } {
    const got: string[] = [];
    return {
      name,
      got,
      accepts: behaviour.accepts ?? (() => true),
      deliver: async (n) => {
        if (behaviour.fail?.()) throw new Error(`${name} is down`);
        got.push(n.id);
        return { ref: `${name}-${n.id}` };
      },
    };
  }

  it('delivers new notices to the sinks that accept them; a failure returns its sequence number; the retry skips sinks already served', async () => {
    const db = new FakeDynamo();
    const tables = new WatchTables(db, TABLES, 3600);
    let down = true;
    const a = sink('a');
    const b = sink('b', { fail: () => down });
    const c = sink('c', { accepts: (n) => n.id === 'n2' });
    const event = { Records: [insert(notice('n1'), '100'), { eventName: 'MODIFY' as const, dynamodb: { SequenceNumber: '101' } }, insert(notice('n2'), '102')] };
    const r1 = await handleOutboxStream(event, { tables, sinks: async () => [a, b, c], log: () => undefined });
    expect(r1.batchItemFailures).toEqual([{ itemIdentifier: '100' }]);
    expect(a.got).toEqual(['n1']);
    down = false;
    const r2 = await handleOutboxStream(event, { tables, sinks: async () => [a, b, c], log: () => undefined });
    expect(r2.batchItemFailures).toEqual([]);
    expect(a.got).toEqual(['n1', 'n2']);
    expect(b.got).toEqual(['n1', 'n2']);
    expect(c.got).toEqual(['n2']);
    expect(r2.skipped).toBe(1);
    expect(db.table('dedup').get('n1|b')?.ref).toEqual({ S: 'b-n1' });
  });

  it('delivers through the real sinks module: a webhook from the secret, on 127.0.0.1', async () => {
    const { createSinks } = await import('../../watch/sinks/index.js');
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => (bodies.push(b), res.end('ok')));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const secret = JSON.stringify({ sinks: [{ name: 'hook', type: 'webhook', url }], filler: 'x' });
      const tables = new WatchTables(new FakeDynamo(), TABLES, 60);
      const r = await handleOutboxStream({ Records: [insert(notice('n9'), '7')] }, { tables, sinks: secretSinks(async () => secret, (c) => createSinks(c), 's'), log: () => undefined });
      expect(r).toMatchObject({ batchItemFailures: [], delivered: 1 });
      expect(JSON.parse(bodies[0]!)).toMatchObject({ id: 'n9', kind: 'alert' });
    } finally {
      server.close();
    }
  });

  it('reads the sinks list from the secret, re-reading it after five minutes', async () => {
    expect(sinksConfigOf('{"sinks":[{"name":"x","type":"webhook","url":"https://h/p"}],"filler":"zz"}', 's')).toEqual([{ name: 'x', type: 'webhook', url: 'https://h/p' }]);
    expect(sinksConfigOf('{"sinks":[],"filler":"q"}', 's')).toEqual([]);
    expect(() => sinksConfigOf('{"sinks":[{"type":"webhook"}]}', 'sinks secret')).toThrow(/sinks secret: sinks must be a list of objects with a name/);
    expect(() => sinksConfigOf('https://hooks.example/T000/secret', 'sinks secret')).toThrow(/^secret sinks secret: not JSON/);
    let reads = 0;
    let now = 0;
    const get = secretSinks(async () => (reads++, '[{"name":"x"}]'), (c) => c.map((x) => ({ name: String(x.name), accepts: () => true, deliver: async () => ({}) })), 's', () => now);
    expect((await get()).map((s) => s.name)).toEqual(['x']);
    await get();
    expect(reads).toBe(1);
    now = 6 * 60_000;
    await get();
    expect(reads).toBe(2);
  });
});

describe('nightly audit job', () => {
  const DEMO = new URL('../../../test/fixtures/cloudmapper-demo', import.meta.url).pathname;

  it('sends a notice per new finding, remembers them, and sends nothing when nothing changed', async () => {
    const db = new FakeDynamo();
    const published: Notice[] = [];
    const deps = {
      tables: new WatchTables(db, TABLES, 86400),
      publish: async (n: Notice) => (published.push(n), 'id'),
      snapshot: async () => openCloudMapperDir(DEMO),
      log: () => undefined,
    };
    const first = await runAuditJob({ ...deps, now: () => new Date('2026-01-01T03:00:00Z') });
    expect(first.changes.new).toBeGreaterThan(0);
    expect(first.sent).toBe(first.changes.new);
    expect(published.every((n) => n.kind === 'finding' && n.id.endsWith(':new:2026-01-01T03:00:00.000Z'))).toBe(true);
    expect(db.table('history').size).toBe(first.changes.new);
    const second = await runAuditJob({ ...deps, now: () => new Date('2026-01-02T03:00:00Z') });
    expect(second.changes).toEqual({ new: 0, reopened: 0, resolved: 0 });
    expect(second.sent).toBe(0);
    expect(published.length).toBe(first.sent);
    // A finding the history forgets as resolved-then-failing again is "reopened".
    const [pk, item] = [...db.table('history').entries()][0]!;
    const f = JSON.parse(item.finding!.S!);
    db.table('history').set(pk, { pk: { S: pk }, finding: { S: JSON.stringify({ ...f, state: 'resolved' }) } });
    const third = await runAuditJob({ ...deps, now: () => new Date('2026-01-03T03:00:00Z') });
    expect(third.changes).toEqual({ new: 0, reopened: 1, resolved: 0 });
    expect(published.at(-1)!.id).toBe(`finding:${f.id}:reopened:2026-01-03T03:00:00.000Z`);
  });
});
