/**
 * One SQL text, two engines: every built-in rule's hunt SQL and every saved query is generated for Athena, sent
 * through the real SDK to the simulated Athena — which runs the very text on a local lake (local.ts) — and must
 * give the local engine's answer; each text also parses as Trino SQL. (Access review and the CLI: cli.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSavedQueries, renderSavedQuery } from '../lake/queries/index.js';
import { buildPack } from '../detect/pack.js';
import { hunt, listValues, scanSql } from '../detect/hunt.js';
import { athena as athenaDialect, duckdb } from '../detect/dialect.js';
import { athenaHuntSql, huntAthena } from './hunt.js';
import { scopePredicates, scopeQuery } from './scope.js';
import { ALL_BYTES, ATHENA_TABLE, astify, builtin, openTestLake, parseTrino, PARSER_GAPS, type TestLake } from './testing.js';

const scope = { since: new Date('2000-01-01T00:00:00Z'), until: new Date('2030-01-01T00:00:00Z') };
const pack = buildPack(builtin.rules);
let lake: TestLake;
beforeAll(async () => {
  lake = await openTestLake();
}, 60_000);
afterAll(() => lake?.close());

describe('hunt: every built-in rule, one text for both engines', () => {
  it('the Athena hunt (scan on Athena, windows locally) gives the local hunt\'s alerts, rule by rule', async () => {
    const local = await hunt(lake.plain, pack, scope);
    const remote = await huntAthena(lake.engine, pack, scope);
    expect(remote.matches).toBe(local.matches);
    const byRule = (as: typeof local.alerts, id: string) => as.filter((a) => a.rule.id === id);
    for (const r of builtin.rules) expect(byRule(remote.alerts, r.id), r.id).toEqual(byRule(local.alerts, r.id));
    expect(remote.alerts).toEqual(local.alerts);
    // The lake holds every rule's positive test, so every rule must have fired: the comparison covers them all.
    const fired = new Set(local.alerts.map((a) => a.rule.id));
    const positive = builtin.rules.filter((r) => r.tests.some((x) => ('match' in x ? x.match : x.alerts > 0)));
    expect(positive.length).toBeGreaterThan(100);
    expect(positive.filter((r) => !fired.has(r.id)).map((r) => r.id)).toEqual([]);
    expect(remote.dataScannedBytes).toBe(ALL_BYTES);
  });

  it('the Athena scan text, run unchanged on the local lake, gives every member the same events and facts', async () => {
    const norm = (rows: Record<string, unknown>[]) =>
      rows
        .map((r) => JSON.stringify({ ...r, ts: Number(r.ts), resources: listValues(r.resources as string | null, 'arn', 0) }))
        .sort();
    const athenaRows = await lake.store.all(athenaHuntSql(pack, scope, ATHENA_TABLE));
    const localRows = await lake.plain.all(scanSql(pack, duckdb, scopePredicates(scope)));
    const members = new Set(localRows.map((r) => r.member as string));
    expect(members.size).toBeGreaterThan(100);
    for (const m of pack.members) {
      const mine = (rows: Record<string, unknown>[]) => norm(rows.filter((r) => r.member === m.key));
      expect(mine(athenaRows), m.key).toEqual(mine(localRows));
    }
    expect(athenaRows.length).toBe(localRows.length);
  });

  it('the Athena text differs from the local one only in the dialect\'s spellings', () => {
    const text = scanSql(pack, athenaDialect);
    expect(text).toContain('CROSS JOIN UNNEST(s.vigil_members) AS u(member)');
    expect(text).not.toMatch(/json_extract_string|list_filter|list_concat|regexp_matches|TEMP TABLE/);
    expect(scanSql(pack, duckdb)).toContain('json_extract_string');
  });
});

describe('Trino parse check', () => {
  it('the hunt scan of the whole pack (every member\'s predicate) parses as Trino', () => {
    const sql = athenaHuntSql(pack, scope, ATHENA_TABLE);
    for (const m of pack.members) expect(sql, m.key).toContain(`'${m.key.replaceAll("'", "''")}'`);
    expect(() => parseTrino(sql)).not.toThrow();
  });

  it('every saved query, scoped for Athena, parses as Trino', () => {
    for (const q of listSavedQueries()) {
      const sql = scopeQuery(renderSavedQuery(q.name, scope), scope, ATHENA_TABLE);
      expect(() => parseTrino(sql), q.name).not.toThrow();
    }
  });

  it('the documented parser gaps are real (each example fails as written and parses once rewritten)', () => {
    for (const g of PARSER_GAPS) {
      expect(() => astify(g.example), g.gap).toThrow();
      expect(() => astify(g.rewrite(g.example)), g.gap).not.toThrow();
    }
  });
});

