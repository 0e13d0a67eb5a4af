/** The lake through the real CLI: ingest, Athena SQL, saved queries, stats, errors, one writer at a time. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { vigil, startVigil } from './helpers/cli.js';
import { distinctFixtureRecords, fixtureRecords, manyRecords } from './helpers/records.js';

let dir: string;
let db: string;
let logs: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-lakecli-'));
  db = join(dir, 'v.duckdb');
  logs = join(dir, 'AWSLogs');
  const recs = fixtureRecords();
  // A delivery layout: two accounts, two days; plus a digest file that must be skipped.
  const put = (acct: string, region: string, day: string, name: string, records: unknown[]) => {
    const d = join(logs, acct, 'CloudTrail', region, ...day.split('-'));
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, name), gzipSync(JSON.stringify({ Records: records })));
  };
  put('111111111111', 'us-east-1', '2024-03-01', 'a.json.gz', recs.slice(0, 100));
  put('222222222222', 'eu-west-1', '2024-03-02', 'b.json.gz', recs.slice(100));
  const dg = join(logs, '111111111111', 'CloudTrail-Digest', 'us-east-1', '2024', '03', '01');
  mkdirSync(dg, { recursive: true });
  writeFileSync(join(dg, '111111111111_CloudTrail-Digest_us-east-1_x.json.gz'), gzipSync('{"digestStartTime":"x"}'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vigil lake', () => {
  it('ingests a directory, skips digests, and reports with --json', () => {
    const r = vigil(['lake', 'ingest', join(dir, 'AWSLogs'), '--db', db, '--json']);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.digestsSkipped).toBe(1);
    expect(out.filesIngested).toBe(2);
    expect(out.inserted).toBe(distinctFixtureRecords().length);
    // Again: nothing new is read.
    const again = JSON.parse(vigil(['lake', 'ingest', join(dir, 'AWSLogs'), '--db', db, '--json']).stdout);
    expect(again.filesSkipped).toBe(2);
    expect(again.filesIngested).toBe(0);
  });

  it('runs SQL written for Athena unchanged', () => {
    const sql = `SELECT useridentity.sessioncontext.sessionissuer.arn AS issuer, eventname,
        json_extract_scalar(requestparameters, '$.userName') AS target
      FROM cloudtrail_logs
      WHERE from_iso8601_timestamp(eventtime) > from_iso8601_timestamp('2000-01-01T00:00:00Z')
        AND eventname LIKE 'Create%User%' AND eventsource = 'iam.amazonaws.com'
      ORDER BY eventtime, eventid`;
    const r = vigil(['lake', 'query', sql, '--db', db, '--json']);
    expect(r.stderr).toBe('');
    const rows = JSON.parse(r.stdout) as { eventname: string; target: string | null }[];
    const want = distinctFixtureRecords().filter((e) => /^Create.*User/.test(e.eventName as string) && e.eventSource === 'iam.amazonaws.com');
    expect(rows.length).toBe(want.length);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((x) => x.eventname).sort()).toEqual(want.map((e) => e.eventName).sort());
  });

  it('prints CSV, and exits 1 with --fail-on-rows when rows come back', () => {
    const r = vigil(['lake', 'query', "SELECT eventname, count(*) AS n FROM cloudtrail_logs WHERE eventname = 'StopLogging' GROUP BY 1", '--db', db, '--csv', '--fail-on-rows']);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')[0]).toBe('eventname,n');
    const none = vigil(['lake', 'query', "SELECT 1 FROM cloudtrail_logs WHERE eventname = 'NoSuchEvent'", '--db', db, '--fail-on-rows']);
    expect(none.code).toBe(0);
  });

  it('bad SQL is a usage error with one line', () => {
    const r = vigil(['lake', 'query', 'SELEC nonsense', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('lists and runs saved queries', () => {
    const list = JSON.parse(vigil(['lake', 'queries', '--json']).stdout) as { name: string }[];
    for (const name of ['root-activity', 'console-logins-without-mfa', 'logging-tampering', 'top-principals']) {
      expect(list.map((q) => q.name)).toContain(name);
    }
    const r = vigil(['lake', 'query', '--saved', 'logging-tampering', '--since', '2000-01-01', '--db', db, '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(JSON.stringify(rows)).toMatch(/StopLogging/);
  });

  it('stats and errors', () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'broken.json.gz'), Buffer.from('not gzip at all'));
    writeFileSync(join(bad, 'ok.json'), JSON.stringify(manyRecords(5, 'ok')));
    const r = vigil(['lake', 'ingest', bad, '--db', db]);
    expect(r.code).toBe(1); // partial
    expect(r.stderr).toMatch(/broken\.json\.gz/);
    const errs = JSON.parse(vigil(['lake', 'errors', '--db', db, '--json']).stdout);
    expect(errs).toHaveLength(1);
    expect(errs[0].file).toMatch(/broken\.json\.gz$/);
    const stats = JSON.parse(vigil(['lake', 'stats', '--db', db, '--json']).stdout);
    expect(stats.events).toBe(distinctFixtureRecords().length + 5);
    expect(stats.files.error).toBe(1);
    expect(stats.byAccount.length).toBeGreaterThan(1);
  });

  it('reads standard input', () => {
    const recs = manyRecords(7, 'stdin');
    const r = vigil(['lake', 'ingest', '-', '--db', db, '--json'], { input: recs.map((x) => JSON.stringify(x)).join('\n') });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).inserted).toBe(7);
  });

  it('prunes by layout with --since/--until/--accounts without reading', () => {
    const db2 = join(dir, 'pruned.duckdb');
    const r = JSON.parse(vigil(['lake', 'ingest', logs, '--db', db2, '--json', '--accounts', '222222222222']).stdout);
    expect(r.pruned).toBe(1);
    expect(r.filesIngested).toBe(1);
    const r2 = JSON.parse(vigil(['lake', 'ingest', logs, '--db', db2, '--json', '--since', '2024-03-05']).stdout);
    expect(r2.filesIngested).toBe(0);
  });

  it('one writer at a time: a second ingest gets a clear error', async () => {
    const big = join(dir, 'big');
    mkdirSync(big);
    // One batch a file: enough batches that the first run is still going when the second has started up.
    for (let i = 0; i < 48; i++) writeFileSync(join(big, `x${i}.json.gz`), gzipSync(JSON.stringify({ Records: manyRecords(1000, `big${i}`) })));
    const db3 = join(dir, 'race.duckdb');
    const first = startVigil(['lake', 'ingest', big, '--db', db3, '--quiet'], { VIGIL_LAKE_BATCH_BYTES: '1' });
    // Wait until the first writer has the store open (its file exists), then race it.
    const t0 = Date.now();
    while (!existsSync(db3) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 50));
    const second = vigil(['lake', 'ingest', big, '--db', db3]);
    const code = await new Promise((r) => first.once('exit', r));
    expect(code).toBe(0);
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/in use by another vigil process/);
  });

  it('config schema is JSON Schema and bad config names the field', () => {
    const schema = JSON.parse(vigil(['config', 'schema']).stdout);
    expect(schema.type).toBe('object');
    expect(schema.properties.lake).toBeDefined();
    const cfg = join(dir, 'vigil.yaml');
    writeFileSync(cfg, 'lake:\n  threads: many\n');
    const r = vigil(['lake', 'stats', '--config', cfg, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lake\.threads/);
    expect(readFileSync(cfg, 'utf8')).toContain('many');
  });
});
