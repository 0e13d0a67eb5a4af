import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store, type Row } from '../store/store.js';
import './schema.js';
import { COMPAT_MACROS, installCompat } from './compat.js';
import { fixtureRecords, loadFixtureLake, type TrailRecord } from './queries/fixtures/load.js';

let dir: string;
let store: Store;
let records: TrailRecord[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-compat-'));
  store = await Store.open({ path: join(dir, 'lake.duckdb') });
  await loadFixtureLake(store);
  await installCompat(store);
  records = fixtureRecords();
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const q = (sql: string) => store.all(sql);
const one = async (expr: string) => (await q(`SELECT ${expr} AS v`))[0]!.v;
type Ident = { arn?: string; principalId?: string; sessionContext?: { sessionIssuer?: { arn?: string } } };
const ident = (r: TrailRecord) => (r.userIdentity ?? {}) as Ident;
const ids = (rows: Row[]) => rows.map((r) => r.eventid as string).sort();

describe("AWS's documented Athena CloudTrail queries run unchanged", () => {
  // https://docs.aws.amazon.com/athena/latest/ug/query-examples-cloudtrail-logs.html — "Query nested fields"
  it('struct paths: useridentity.sessioncontext.sessionissuer.arn', async () => {
    const rows = await q(`SELECT
    eventsource,
    eventname,
    useridentity.sessioncontext.attributes.creationdate,
    useridentity.sessioncontext.sessionissuer.arn
FROM cloudtrail_logs
WHERE useridentity.sessioncontext.sessionissuer.arn IS NOT NULL
ORDER BY eventsource, eventname
LIMIT 10`);
    const want = records
      .filter((r) => ident(r).sessionContext?.sessionIssuer?.arn)
      .map((r) => [r.eventSource as string, r.eventName as string] as const)
      .sort((a, b) => (a[0] + '\0' + a[1] < b[0] + '\0' + b[1] ? -1 : a[0] + '\0' + a[1] > b[0] + '\0' + b[1] ? 1 : 0))
      .slice(0, 10);
    expect(rows.map((r) => [r.eventsource, r.eventname])).toEqual(want);
    expect(rows.every((r) => typeof r.arn === 'string' && (r.arn as string).startsWith('arn:aws:iam::'))).toBe(true);
  });

  // Same page: CROSS JOIN UNNEST over resources, with Presto's 2-argument replace().
  it('CROSS JOIN UNNEST(t.resources) with replace(s, x)', async () => {
    const docs = (suffix: string) => `SELECT
    awsregion,
    replace(unnested.resources_entry.ARN,'arn:aws:s3:::') as s3_resource,
    eventname,
    eventtime,
    useragent
FROM cloudtrail_logs t
CROSS JOIN UNNEST(t.resources) unnested (resources_entry)
WHERE unnested.resources_entry.ARN LIKE '%${suffix}'
ORDER BY eventtime`;
    expect(await q(docs('example/datafile.txt'))).toEqual([]);
    // The same text with a resource the fixtures hold (Stratus Red Team's organizations-leave detonation).
    const rows = await q(docs('role/stratus-red-team-leave-org-role').replace("'arn:aws:s3:::'", "'arn:aws:iam::'"));
    expect(rows.map((r) => r.s3_resource)).toEqual(['307578594326:role/stratus-red-team-leave-org-role', '307578594326:role/stratus-red-team-leave-org-role']);
    expect(rows.map((r) => r.eventname)).toEqual(['AssumeRole', 'AssumeRole']);
  });

  // Same page: anonymous requests, and the basic template.
  it('the anonymous-request example and the basic template', async () => {
    expect(
      await q(`SELECT *
FROM cloudtrail_logs
WHERE
    eventsource = 's3.amazonaws.com' AND
    eventname in ('GetObject') AND
    useridentity.accountid = 'anonymous' AND
    useridentity.arn IS NULL AND
    requestparameters LIKE '%[your bucket name ]%';`),
    ).toEqual([]);
    const rows = await q(`SELECT
useridentity.arn,
eventname,
sourceipaddress,
eventtime
FROM cloudtrail_logs
LIMIT 100;`);
    expect(rows).toHaveLength(100);
    expect(Object.keys(rows[0]!)).toEqual(['arn', 'eventname', 'sourceipaddress', 'eventtime']);
  });

  // Investigation queries as blogs write them: json_extract_scalar on requestparameters, LIKE on the JSON text,
  // from_iso8601_timestamp comparisons, date_add with Trino's argument order, count_if, date_trunc.
  it('json_extract_scalar(requestparameters, ...) with from_iso8601_timestamp comparisons', async () => {
    const rows = await q(`SELECT eventtime, useridentity.arn AS actor, eventname, sourceipaddress, awsregion,
  json_extract_scalar(requestparameters, '$.bucketName') AS bucket,
  json_extract_scalar(requestparameters, '$.key') AS object_key,
  errorcode
FROM cloudtrail_logs
WHERE eventsource = 's3.amazonaws.com'
  AND json_extract_scalar(requestparameters, '$.bucketName') = 'TrailDiscoverBucket'
  AND from_iso8601_timestamp(eventtime) > from_iso8601_timestamp('2024-08-18T13:30:00Z')
ORDER BY eventtime DESC;`);
    const want = records
      .filter((r) => r.eventSource === 's3.amazonaws.com')
      .filter((r) => (r.requestParameters as { bucketName?: string } | null)?.bucketName === 'TrailDiscoverBucket')
      .filter((r) => Date.parse(r.eventTime as string) > Date.parse('2024-08-18T13:30:00Z'))
      .map((r) => r.eventTime as string)
      .sort()
      .reverse();
    expect(rows.map((r) => r.eventtime)).toEqual(want);
    expect(want.length).toBeGreaterThan(5);
    expect(rows.every((r) => r.bucket === 'TrailDiscoverBucket' && r.object_key === null)).toBe(true);
  });

  it('IAM credential forensics: eventName IN, LIKE on requestparameters, interval arithmetic on now()', async () => {
    const rows = await q(`SELECT
  eventTime,
  userIdentity.arn AS who,
  eventName,
  requestParameters,
  sourceIPAddress,
  userAgent
FROM cloudtrail_logs
WHERE eventName IN ('CreateAccessKey', 'CreateLoginProfile', 'CreateUser')
  AND requestParameters LIKE '%userName%'
  AND from_iso8601_timestamp(eventTime) > current_timestamp - interval '3650' day
  AND from_iso8601_timestamp(eventTime) < date_add('hour', -48, now())
ORDER BY eventTime DESC;`);
    const want = records.filter(
      (r) => ['CreateAccessKey', 'CreateLoginProfile', 'CreateUser'].includes(r.eventName as string) && JSON.stringify(r.requestParameters ?? null).includes('userName'),
    );
    // Column names come back lowercase, as on Athena.
    expect(rows.map((r) => r.eventtime).sort()).toEqual(want.map((r) => r.eventTime as string).sort());
    expect(rows.length).toBeGreaterThan(4);
  });

  it('reconnaissance per hour: date_trunc, regexp_like, count(DISTINCT), count_if over a CTE', async () => {
    const rows = await q(`WITH calls AS (
  SELECT
    useridentity.arn AS identity,
    date_trunc('hour', from_iso8601_timestamp(eventtime)) AS hour,
    eventname,
    eventsource,
    errorcode
  FROM cloudtrail_logs
  WHERE "timestamp" >= date_format(from_iso8601_timestamp('2024-08-18T00:00:00Z') - interval '1' day, '%Y/%m/%d')
    AND regexp_like(eventname, '^(List|Describe|Get)')
)
SELECT identity, hour, count(DISTINCT eventname) AS distinct_apis, count_if(errorcode = 'AccessDenied') AS denied
FROM calls
GROUP BY identity, hour
HAVING count(DISTINCT eventname) >= 5
ORDER BY distinct_apis DESC`);
    const byHour = new Map<string, Set<string>>();
    for (const r of records) {
      if (!/^(List|Describe|Get)/.test(r.eventName as string) || (r.eventTime as string) < '2024-08-17') continue;
      const key = `${ident(r).arn}|${(r.eventTime as string).slice(0, 13)}`;
      byHour.set(key, (byHour.get(key) ?? new Set()).add(r.eventName as string));
    }
    const want = [...byHour].filter(([, s]) => s.size >= 5).map(([k, s]) => [k, s.size]);
    expect(rows.map((r) => [`${r.identity}|${(r.hour as string).slice(0, 13)}`, r.distinct_apis]).sort()).toEqual(want.sort());
    expect(rows.length).toBeGreaterThan(0);
  });
});

describe("Trino's function semantics", () => {
  const cases: [string, unknown][] = [
    // JSON
    [`json_extract_scalar('{"a":{"b":"x"}}', '$.a.b')`, 'x'],
    [`json_extract_scalar('{"a":{"b":1}}', '$.a')`, null], // objects are not scalars
    [`json_extract_scalar('{"a":[1,2]}', '$.a')`, null],
    [`json_extract_scalar('{"a":[1,2]}', '$.a[1]')`, '2'],
    [`json_extract_scalar('{"a":true}', '$.a')`, 'true'],
    [`json_extract_scalar('{"a b":{"c":"d"}}', '$["a b"]["c"]')`, 'd'],
    [`json_extract_scalar('{"a":null}', '$.a')`, null],
    [`json_array_contains('["x","y"]', 'y')`, true],
    [`json_array_contains('[1,2]', 3)`, false],
    [`json_array_length('[1,2,3]')`, 3],
    [`json_size('{"a":{"b":1,"c":2}}', '$.a')`, 2],
    [`json_size('{"a":[1,2,3]}', '$.a')`, 3],
    [`json_size('{"a":"x"}', '$.a')`, 0],
    [`json_format(json_array_get('[1,{"a":2}]', -1))`, '{"a":2}'],
    [`json_format(json_parse('{ "a" : 1 }'))`, '{"a":1}'],
    // Time
    [`to_iso8601(from_iso8601_timestamp('2024-03-01T12:34:56.789Z'))`, '2024-03-01T12:34:56.789Z'],
    [`to_iso8601(from_iso8601_timestamp('2024-03-01T12:00:00+02:00'))`, '2024-03-01T10:00:00.000Z'],
    [`from_iso8601_timestamp('2024-03-01T00:00:00Z') < from_iso8601_timestamp('2024-03-01T00:00:00.001Z')`, true],
    [`CAST(from_iso8601_date('2024-03-01') AS VARCHAR)`, '2024-03-01'],
    [`date_format(from_iso8601_timestamp('2024-03-01T07:08:09Z'), '%Y/%m/%d %H:%i:%s')`, '2024/03/01 07:08:09'],
    [`date_format(from_iso8601_timestamp('2024-03-01T07:08:09Z'), '%T %% %e %c %M %W')`, '07:08:09 % 1 3 March Friday'],
    [`to_iso8601(date_parse('2024/03/01 07:08:09', '%Y/%m/%d %H:%i:%s'))`, '2024-03-01T07:08:09.000Z'],
    [`to_iso8601(date_add('day', -7, from_iso8601_timestamp('2024-03-01T00:00:00Z')))`, '2024-02-23T00:00:00.000Z'],
    [`to_iso8601(date_add('month', 1, from_iso8601_timestamp('2024-01-31T00:00:00Z')))`, '2024-02-29T00:00:00.000Z'],
    [`date_diff('day', from_iso8601_timestamp('2024-03-01T23:00:00Z'), from_iso8601_timestamp('2024-03-02T01:00:00Z'))`, 0],
    [`date_diff('hour', from_iso8601_timestamp('2024-03-01T23:00:00Z'), from_iso8601_timestamp('2024-03-02T01:30:00Z'))`, 2],
    [`to_unixtime(from_unixtime(1700000000))`, 1700000000],
    [`day_of_week(from_iso8601_timestamp('2024-03-03T10:00:00Z'))`, 7], // a Sunday
    [`current_timestamp - interval '30' day < now()`, true],
    // Strings, regular expressions, URLs
    [`regexp_like('AccessDenied', '^Access')`, true],
    [`regexp_replace('a-b-c', '(\\w)-', '$1+')`, 'a+b+c'], // every match, $1 groups
    [`regexp_replace('a1b22', '\\d')`, 'ab'],
    [`replace('arn:aws:s3:::bucket', 'arn:aws:s3:::')`, 'bucket'],
    [`strpos('CreateAccessKey', 'Access')`, 7],
    [`split_part('arn:aws:iam::123:user/x', ':', 5)`, '123'],
    [`url_extract_host('https://console.aws.amazon.com/console/home?region=us-east-1')`, 'console.aws.amazon.com'],
    [`url_extract_path('https://console.aws.amazon.com/console/home?region=us-east-1')`, '/console/home'],
    [`codepoint('A')`, 65],
    // Arrays and aggregates
    [`array_join(ARRAY['a', 'b'], ', ')`, 'a, b'],
    [`array_join(ARRAY['a', NULL], ',', '?')`, 'a,?'],
    [`cardinality(ARRAY[1, 2, 3])`, 3],
    [`element_at(ARRAY['x', 'y'], -1)`, 'y'],
    [`contains(ARRAY['x', 'y'], 'x')`, true],
    [`(SELECT approx_distinct(x) FROM (VALUES (1), (1), (2)) t(x))`, 2],
    [`(SELECT arbitrary(x) FROM (VALUES (5)) t(x))`, 5],
  ];
  it.each(cases)('%s', async (expr, want) => {
    expect(await one(expr)).toEqual(want);
  });

  it('applies to table columns, not only constants', async () => {
    const rows = await q(`SELECT eventid, json_extract_scalar(additionaleventdata, '$.MFAUsed') AS mfa,
        date_format(from_iso8601_timestamp(eventtime), '%Y/%m/%d') = "timestamp" AS same_day
      FROM cloudtrail_logs WHERE eventname = 'ConsoleLogin' ORDER BY eventid`);
    expect(rows.length).toBe(records.filter((r) => r.eventName === 'ConsoleLogin').length);
    expect(rows.every((r) => r.mfa === 'No' && r.same_day === true)).toBe(true);
  });

  it("keeps DuckDB's own forms of the names it shadows", async () => {
    expect(await one(`CAST(date_add(DATE '2024-03-01', INTERVAL 1 DAY) AS DATE) = DATE '2024-03-02'`)).toBe(true);
    expect(await one(`regexp_replace('aAaA', 'a', '-', 'gi')`)).toBe('----');
    expect(await one(`regexp_replace('aAaA', 'a', '-', '')`)).toBe('-AaA');
    expect(await one(`replace('a.b.c', '.', '/')`)).toBe('a/b/c');
  });

  it('works on a read-only store, as temp macros (installing twice is harmless)', async () => {
    const path = join(dir, 'ro.duckdb');
    const w = await Store.open({ path });
    await w.run(`INSERT INTO cloudtrail_logs (eventid, eventtime, requestparameters) VALUES ('e1', '2024-03-01T00:00:00Z', '{"userName":"bob"}')`);
    w.close();
    const ro = await Store.open({ path, readOnly: true });
    try {
      await installCompat(ro);
      await installCompat(ro);
      const rows = await ro.all(
        `SELECT json_extract_scalar(requestparameters, '$.userName') AS u FROM cloudtrail_logs WHERE from_iso8601_timestamp(eventtime) >= from_iso8601_timestamp('2024-03-01T00:00:00Z')`,
      );
      expect(rows).toEqual([{ u: 'bob' }]);
      const macros = await ro.all<{ n: string }>(`SELECT DISTINCT function_name AS n FROM duckdb_functions() WHERE function_type = 'macro' AND schema_name = 'main' AND database_name = 'temp'`);
      expect(macros.map((m) => m.n).sort()).toEqual(COMPAT_MACROS.map((m) => m.name).sort());
    } finally {
      ro.close();
    }
  });
});

describe('the lake behind these tests', () => {
  it('holds every fixture record once', async () => {
    expect(new Set(records.map((r) => r.eventID)).size).toBe(records.length);
    expect(ids(await q('SELECT eventid FROM cloudtrail_logs'))).toEqual(records.map((r) => r.eventID as string).sort());
  });
});
