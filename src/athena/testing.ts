/**
 * Test fixture for the engine tests: a lake holding recorded CloudTrail, every built-in rule's inline test
 * events and a small access-review story, written to file A (for the CLI) and copied to B, which the simulated
 * Athena runs queries on. On B, `store` has the compat macros (it is "Athena"), `plain` is a second connection
 * without them (the local engine). Also: node-sql-parser's Trino check with its known gaps stated.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlParser from 'node-sql-parser';
import { Store } from '../store/store.js';
import { insertRecords } from '../lake/ingest.js';
import { installCompat } from '../lake/compat.js';
import { ConfigSchema } from '../config/schema.js';
import { loadRules } from '../detect/load.js';
import { loadGranted, type Granted } from '../access/granted.js';
import { assume, authDetails, event, type Who } from '../access/testing.js';
import { fixtureRecords } from '../../test/helpers/records.js';
import { AthenaEngine } from './client.js';
import { startAthenaSim, type AthenaSim } from './sim.js';
import { localExecutor } from './local.js';

export const creds = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' };
export const DB = 'trail_db';
export const ATHENA_TABLE = `"${DB}"."cloudtrail_logs"`;
export const builtin = loadRules();

const BASE = Date.parse('2024-01-01T00:00:00Z');
/** Each inline test's events with ids of their own (tests reuse recorded events) and a time when they have none. */
function ruleTestEvents(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  builtin.rules.forEach((rule, r) =>
    rule.tests.forEach((t, n) =>
      ('event' in t ? [t.event] : t.events).forEach((e, i) =>
        out.push({ ...e, eventID: `rt-${r}-${n}-${i}`, eventTime: typeof e.eventTime === 'string' ? e.eventTime : new Date(BASE + i * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') }),
      ),
    ),
  );
  return out;
}

const A = '111111111111';
const B = '222222222222';
const alice: Who = { type: 'IAMUser', account: A, name: 'alice', key: 'AKIAALICE0000000' };
const aliceAdmin: Who = { type: 'AssumedRole', account: B, role: 'admin', session: 'alice-cli', key: 'ASIAALICEADM1' };
const bob: Who = { type: 'IAMUser', account: A, name: 'bob', key: 'AKIABOB000000000' };
const t = (d: string) => ({ time: `2026-03-0${d}T10:00:00Z` });
const accessRecords = () => [
  event(alice, 's3.amazonaws.com', 'ListBuckets', t('1')),
  event(alice, 's3.amazonaws.com', 'GetObject', { ...t('1'), data: true, resources: [{ ARN: 'arn:aws:s3:::data-a/r.csv', type: 'AWS::S3::Object' }, { ARN: 'arn:aws:s3:::data-a', type: 'AWS::S3::Bucket' }] }),
  event(alice, 's3.amazonaws.com', 'GetObject', { ...t('2'), data: true, resources: [{ ARN: 'arn:aws:s3:::data-a/s.csv', type: 'AWS::S3::Object' }] }),
  event(alice, 'iam.amazonaws.com', 'ListUsers', { ...t('2'), error: 'AccessDenied' }),
  event(alice, 'iam.amazonaws.com', 'ListUsers', { ...t('3'), error: 'ThrottlingException' }),
  event({ ...alice, key: 'AKIAALICEOLD0000' }, 'ec2.amazonaws.com', 'DescribeRegions', { time: '2025-12-01T09:00:00Z' }),
  ...assume(alice, B, 'admin', 'alice-cli', 'ASIAALICEADM1', t('3')),
  event(aliceAdmin, 'ec2.amazonaws.com', 'RunInstances', t('4')),
  event(aliceAdmin, 'iam.amazonaws.com', 'CreateUser', { ...t('4'), resources: [] }),
  event(bob, 'ec2.amazonaws.com', 'DescribeInstances', t('5')),
];
const iam = [
  authDetails(A, {
    users: [
      { name: 'alice', statements: [{ Effect: 'Allow', Action: ['s3:*', 'iam:ListUsers', 'sts:AssumeRole'], Resource: '*' }] },
      { name: 'bob', statements: [{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }] },
      { name: 'idle', statements: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] },
    ],
  }),
  authDetails(B, { roles: [{ name: 'admin', statements: [{ Effect: 'Allow', Action: ['ec2:*', 'iam:CreateUser'], Resource: '*' }] }] }),
];
export const accessWindow = { since: new Date('2026-02-01T00:00:00Z') };
/** Bytes the simulated Athena reports for a scan of every partition (the lake_files sizes below). */
export const ALL_BYTES = 12300;

export interface TestLake {
  dir: string;
  /** The lake file the CLI opens. */
  dbA: string;
  store: Store;
  plain: Store;
  sim: AthenaSim;
  engine: AthenaEngine;
  granted: Granted;
  iamFiles: string[];
  close(): Promise<void>;
}

export async function openTestLake(): Promise<TestLake> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-engines-'));
  const dbA = join(dir, 'a.duckdb');
  const w = await Store.open({ path: dbA });
  const recs = fixtureRecords();
  await insertRecords(w, recs, 'file-recorded');
  await insertRecords(w, ruleTestEvents(), 'file-rule-tests');
  await insertRecords(w, accessRecords(), 'file-access');
  await w.run(`INSERT INTO lake_files (key, size, version, records, status) VALUES ('file-recorded', 5000, '1', 0, 'done'), ('file-rule-tests', 7000, '1', 0, 'done'), ('file-access', 300, '1', 0, 'done')`);
  w.close();
  copyFileSync(dbA, join(dir, 'b.duckdb'));
  const store = await Store.open({ path: join(dir, 'b.duckdb') });
  await installCompat(store);
  await localExecutor(store)('SELECT 1', DB); // creates the "database" view the Athena text reads
  const plain = await store.connection();
  const sim = await startAthenaSim({ execute: localExecutor(store), pollsBeforeDone: 1, pageSize: 400 });
  const cfg = ConfigSchema.parse({ athena: { database: DB, endpoint: sim.endpoint, region: 'us-east-1' } }).athena;
  const engine = new AthenaEngine(cfg, { credentials: creds, pollMs: 2, maxPollMs: 5 });
  const iamFiles = iam.map((_, i) => join(dir, `iam-${i}.json`));
  iam.forEach((d, i) => writeFileSync(iamFiles[i]!, JSON.stringify(d)));
  const granted = await loadGranted({ iamFiles });
  return {
    dir,
    dbA,
    store,
    plain,
    sim,
    engine,
    granted,
    iamFiles,
    close: async () => {
      await sim.close();
      plain.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * node-sql-parser's Trino grammar (5.x) rejects two valid Trino constructs vigil writes. Each gap is rewritten to
 * an equivalent form the parser accepts before parsing, and a test proves the gap is still there (so a parser that
 * closes it makes that test fail and this list can shrink). Nothing else is rewritten.
 */
export const PARSER_GAPS = [
  {
    gap: "a backslash in a string literal is an escape for the parser; in Trino it is an ordinary character (LIKE ... ESCAPE '\\')",
    example: "SELECT x FROM t WHERE x LIKE 'a\\_%' ESCAPE '\\'",
    rewrite: (sql: string) => sql.replace(/'(?:[^']|'')*'/g, (lit) => lit.replaceAll('\\', '\\\\')),
  },
  {
    gap: 'the parser takes only a literal subscript and no field access after it; Trino takes `list[i].field` for any integer i',
    example: 'SELECT ev.resources[i.n].arn FROM ev CROSS JOIN UNNEST(sequence(1, 2)) AS i(n)',
    rewrite: (sql: string) => sql.replace(/([a-z_][\w.]*)\[([a-z_][\w.]*)\]\.([a-z_]\w*)/gi, "element_field($1, $2, '$3')"),
  },
];
const parser = new sqlParser.Parser();
export const astify = (sql: string) => parser.astify(sql, { database: 'trino' });
/** Parses as Trino (throws on a syntax error), after the documented gap rewrites only. */
export const parseTrino = (sql: string) => astify(PARSER_GAPS.reduce((s, g) => g.rewrite(s), sql));
