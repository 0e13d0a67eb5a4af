import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../store/store.js';
import { insertRecords } from '../lake/ingest.js';
import { installCompat } from '../lake/compat.js';
import { listSavedQueries, renderSavedQuery } from '../lake/queries/index.js';
import { ConfigSchema } from '../config/schema.js';
import { createTableSql } from '../lake/schema.js';
import { athenaDdl } from './ddl.js';
import { AthenaEngine } from './client.js';
import { scopeQuery } from './scope.js';
import { startAthenaSim, type AthenaSim } from './sim.js';
import { localExecutor } from './local.js';
import { UsageError, VigilError } from '../util/errors.js';
import { distinctFixtureRecords, fixtureRecords } from '../../test/helpers/records.js';

const creds = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' };
let dir: string;
let store: Store;
let sim: AthenaSim;
const cfg = () =>
  ConfigSchema.parse({
    athena: { database: 'trail_db', endpoint: sim.endpoint, region: 'us-east-1', bucket: 'trail-bucket', orgId: 'o-abc123', accounts: ['111111111111', '222222222222'], regions: ['us-east-1', 'eu-west-1'] },
  }).athena;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-athena-'));
  store = await Store.open({ path: join(dir, 'v.duckdb') });
  const recs = fixtureRecords().sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)));
  // Two "files", older and newer events, so the simulated scan size can differ with the scope.
  await insertRecords(store, recs.slice(0, 40), 'file-a');
  await insertRecords(store, recs.slice(40), 'file-b');
  await store.run(`INSERT INTO lake_files (key, size, version, records, status) VALUES ('file-a', 1000, '1', 200, 'done'), ('file-b', 3000, '1', 0, 'done')`);
  await installCompat(store);
  sim = await startAthenaSim({ execute: localExecutor(store), pollsBeforeDone: 2, pageSize: 7 });
});
afterAll(async () => {
  await sim.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function local(sql: string) {
  return (await store.table(sql)).rows;
}

describe('Athena', () => {
  it('DDL declares the same columns as the local table, with partition projection', async () => {
    const ddl = athenaDdl(cfg());
    const localCols = (await store.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE cloudtrail_logs)`)).map((r) => r.column_name);
    const ddlCols = [...ddl.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]);
    expect([...ddlCols, 'account', 'region', 'timestamp']).toEqual(localCols.filter((c) => c !== 'sourcefile'));
    expect(ddl).toContain("'storage.location.template'='s3://trail-bucket/AWSLogs/o-abc123/${account}/CloudTrail/${region}/${timestamp}'");
    expect(ddl).toContain("'projection.account.values'='111111111111,222222222222'");
    expect(ddl).toContain('PARTITIONED BY (account string, region string, `timestamp` string)');
    expect(createTableSql()).toContain('useridentity STRUCT(');
  });

  it('every saved query, scoped, gives the same rows through Athena as locally (multi-page results)', async () => {
    const scope = { since: new Date('2015-01-01T00:00:00Z'), until: new Date('2030-01-01T00:00:00Z') };
    const engine = new AthenaEngine(cfg(), { credentials: creds, pollMs: 5, maxPollMs: 20 });
    for (const q of listSavedQueries()) {
      const text = renderSavedQuery(q.name, { since: scope.since, until: scope.until });
      const want = await local(scopeQuery(text, scope, 'main.cloudtrail_logs'));
      const got = await engine.query(scopeQuery(text, scope, engine.table));
      // Athena returns text; compare as the local engine's values printed the same way.
      const norm = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(Object.values(r).map((v) => (v === null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v)))));
      expect(norm(got.rows).sort(), q.name).toEqual(norm(want).sort());
    }
    expect(sim.calls.filter((c) => c === 'GetQueryResults').length).toBeGreaterThan(listSavedQueries().length);
    expect(sim.calls).toContain('GetQueryExecution');
  });

  it('a narrower scope scans fewer partitions', async () => {
    const engine = new AthenaEngine(cfg(), { credentials: creds, pollMs: 5 });
    const all = await engine.query(scopeQuery('SELECT count(*) AS n FROM cloudtrail_logs', {}, engine.table));
    const day = (await store.one<{ d: string }>(`SELECT max(eventtime) AS d FROM cloudtrail_logs WHERE sourcefile = 'file-a'`))!.d;
    const narrow = await engine.query(scopeQuery('SELECT count(*) AS n FROM cloudtrail_logs', { since: new Date(Date.parse(day) + 86400_000) }, engine.table));
    expect(narrow.rows[0]!.n).toBeGreaterThan(0);
    expect(narrow.dataScannedBytes).toBeLessThan(all.dataScannedBytes);
    expect(all.rows[0]!.n).toBe(distinctFixtureRecords().length);
    expect(all.costUSD).toBeCloseTo((all.dataScannedBytes / 1e12) * 5);
  });

  it('a failing query is a one-line error', async () => {
    const engine = new AthenaEngine(cfg(), { credentials: creds, pollMs: 5 });
    await expect(engine.query('SELECT nosuchcolumn FROM cloudtrail_logs')).rejects.toThrow(/athena: .*nosuchcolumn/i);
  });

  it('sends the request shapes Athena expects and pages through GetQueryResults with NextToken', async () => {
    const engine = new AthenaEngine({ ...cfg(), workgroup: 'sec', outputLocation: 's3://results/vigil/' }, { credentials: creds, pollMs: 5 });
    const before = sim.requests.length;
    const r = await engine.query(scopeQuery('SELECT eventid FROM cloudtrail_logs ORDER BY eventid', {}, engine.table));
    const sent = sim.requests.slice(before);
    expect(sent[0]).toEqual({
      op: 'StartQueryExecution',
      body: expect.objectContaining({ QueryString: expect.stringContaining('"trail_db"."cloudtrail_logs"'), QueryExecutionContext: { Database: 'trail_db' }, WorkGroup: 'sec', ResultConfiguration: { OutputLocation: 's3://results/vigil/' } }),
    });
    const pages = sent.filter((x) => x.op === 'GetQueryResults');
    // pageSize 7: the header row plus every event, 7 rows a page; each later page asks with the previous token.
    expect(pages.length).toBe(Math.ceil((distinctFixtureRecords().length + 1) / 7));
    expect(pages.slice(1).every((x) => typeof x.body.NextToken === 'string')).toBe(true);
    expect(r.rows.map((x) => x.eventid)).toEqual(distinctFixtureRecords().map((x) => x.eventID).sort());
  });

  it('an empty result has its columns and no rows; an engine failure is a runtime error, not a usage error', async () => {
    const engine = new AthenaEngine(cfg(), { credentials: creds, pollMs: 5 });
    const empty = await engine.query(scopeQuery('SELECT eventid, eventtime FROM cloudtrail_logs WHERE FALSE', {}, engine.table));
    expect(empty).toMatchObject({ columns: ['eventid', 'eventtime'], rows: [] });
    const broken = await startAthenaSim({ execute: () => Promise.reject(Object.assign(new Error('Amazon S3 is unavailable\nretry later'), { category: 1 })), pollsBeforeDone: 1 });
    try {
      const e = new AthenaEngine({ ...cfg(), endpoint: broken.endpoint }, { credentials: creds, pollMs: 5 });
      const err = (await e.query('SELECT 1').then(
        () => undefined,
        (x: unknown) => x,
      )) as VigilError;
      expect(err).toBeInstanceOf(VigilError);
      expect(err).not.toBeInstanceOf(UsageError);
      expect(err.message).toMatch(/^athena: query [0-9a-f-]+ failed: Amazon S3 is unavailable$/);
    } finally {
      await broken.close();
    }
  });

  it('cancellation stops the query execution', async () => {
    const slow = await startAthenaSim({ execute: () => new Promise(() => undefined), pollsBeforeDone: 1000 });
    try {
      const engine = new AthenaEngine({ ...cfg(), endpoint: slow.endpoint }, { credentials: creds, pollMs: 5, maxPollMs: 10 });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      await expect(engine.query('SELECT 1', ac.signal)).rejects.toThrow(/cancelled/);
      expect(slow.calls).toContain('StopQueryExecution');
      expect([...slow.executions.values()][0]!.state).toBe('CANCELLED');
    } finally {
      await slow.close();
    }
  });
});
