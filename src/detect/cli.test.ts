/** The CLI over the detection library: rules list/check/test, detect (stream) and hunt (lake). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../cli/main.js';
import { insertRecords } from '../lake/ingest.js';
import { Store } from '../store/store.js';
import { trail } from './test-helpers.js';

const SIGMAHQ = fileURLToPath(new URL('./fixtures/sigmahq/', import.meta.url));
let out: string[];
let err: string[];
let dir: string;

beforeEach(() => {
  out = [];
  err = [];
  dir = mkdtempSync(join(tmpdir(), 'vigil-detect-cli-'));
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  process.exitCode = undefined;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const text = () => out.join('');
const lines = () => text().split('\n').filter(Boolean);

const RULE = `id: stop-logging
title: CloudTrail logging stopped
severity: high
tags: [attack.defense-evasion, attack.t1562.008]
detection:
  sel: { eventSource: cloudtrail.amazonaws.com, eventName: StopLogging }
  condition: sel
tests:
  - { name: stops, match: true, event: { eventSource: cloudtrail.amazonaws.com, eventName: StopLogging } }
  - { name: wrong on purpose, match: true, event: { eventSource: cloudtrail.amazonaws.com, eventName: StartLogging } }
`;

const stop = (i: number, actor = 'mallory') =>
  trail({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::1:user/${actor}` } }, i);

describe('vigil rules', () => {
  it('check loads real SigmaHQ CloudTrail rules: --json prints {loaded, failed}', async () => {
    expect(await run(['rules', 'check', SIGMAHQ, '--json'])).toBe(0);
    const r = JSON.parse(text());
    expect(r.loaded).toBe(13);
    expect(r.failed).toEqual([]);
  });
  it('check reports files that fail with file and reason, exit 1', async () => {
    writeFileSync(join(dir, 'good.yml'), RULE);
    writeFileSync(join(dir, 'bad.yml'), 'id: x\ntitle: y\ndetection:\n  s: { "eventName|nope": a }\n  condition: s\n');
    expect(await run(['rules', 'check', dir, '--json'])).toBe(1);
    const r = JSON.parse(text());
    expect(r.loaded).toBe(1);
    expect(r.failed).toEqual([{ file: join(dir, 'bad.yml'), error: expect.stringContaining("bad.yml:4: rule x: detection: 'eventName|nope': unknown modifier 'nope'") }]);
  });
  it('test runs inline tests through both engines and fails on a wrong expectation', async () => {
    writeFileSync(join(dir, 'r.yml'), RULE);
    expect(await run(['rules', 'test', dir])).toBe(1);
    expect(text()).toContain('FAIL stop-logging / wrong on purpose: expected true, live false, sql false');
    expect(text()).toContain('1/2 tests passed over 1 rules');
  });
  it('list shows the built-in pack plus --rules', async () => {
    writeFileSync(join(dir, 'r.yml'), RULE.replace('id: stop-logging', 'id: my-own-rule'));
    expect(await run(['rules', 'list', '--rules', dir, '--json'])).toBe(0);
    const ids = lines().map((l) => JSON.parse(l).id);
    expect(ids).toContain('my-own-rule');
    expect(ids.length).toBeGreaterThan(10);
    out.length = 0;
    expect(await run(['rules', 'list', '--rules', dir, '--only', '--json'])).toBe(0);
    expect(lines().map((l) => JSON.parse(l).id)).toEqual(['my-own-rule']);
  });
});

describe('vigil detect and vigil hunt', () => {
  it('detect streams a file (NDJSON) through the live engine: one JSON alert a line', async () => {
    writeFileSync(join(dir, 'r.yml'), RULE);
    writeFileSync(join(dir, 'events.ndjson'), [stop(0), stop(5), stop(9, 'eve'), trail({}, 3)].map((e) => JSON.stringify(e)).join('\n'));
    expect(await run(['detect', '--rules', join(dir, 'r.yml'), '--only', '--json', join(dir, 'events.ndjson')])).toBe(0);
    const alerts = lines().map((l) => JSON.parse(l));
    expect(alerts.map((a) => [a.rule, a.severity, a.count, a.firstSeen, a.lastSeen, a.eventIds.length])).toEqual([
      [{ id: 'stop-logging', title: 'CloudTrail logging stopped' }, 'high', 2, '2024-01-01T00:00:00Z', '2024-01-01T00:00:05Z', 2],
      [{ id: 'stop-logging', title: 'CloudTrail logging stopped' }, 'high', 1, '2024-01-01T00:00:09Z', '2024-01-01T00:00:09Z', 1],
    ]);
  });
  it('detect reads {"Records":[...]} and writes OCSF', async () => {
    writeFileSync(join(dir, 'r.yml'), RULE);
    writeFileSync(join(dir, 'trail.json'), JSON.stringify({ Records: [stop(0)] }));
    expect(await run(['detect', '--rules', join(dir, 'r.yml'), '--only', '--ocsf', join(dir, 'trail.json')])).toBe(0);
    expect(JSON.parse(lines()[0]!)).toMatchObject({ class_uid: 2004, finding_info: { analytic: { uid: 'stop-logging' } } });
  });
  it('hunt runs the rules over the lake, same alerts as detect; CSV output', async () => {
    writeFileSync(join(dir, 'r.yml'), RULE);
    const db = join(dir, 'vigil.duckdb');
    const store = await Store.open({ path: db });
    await insertRecords(store, [stop(0), stop(5), stop(9, 'eve'), trail({}, 3)]);
    store.close();
    expect(await run(['--db', db, 'hunt', '--rules', join(dir, 'r.yml'), '--only', '--since', '2023-12-01', '--json'])).toBe(0);
    const hunted = lines().map((l) => JSON.parse(l));
    expect(hunted.map((a) => a.count)).toEqual([2, 1]);
    out.length = 0;
    writeFileSync(join(dir, 'events.json'), JSON.stringify([stop(0), stop(5), stop(9, 'eve')]));
    await run(['detect', '--rules', join(dir, 'r.yml'), '--only', '--json', join(dir, 'events.json')]);
    expect(lines().map((l) => JSON.parse(l))).toEqual(hunted);
    out.length = 0;
    expect(await run(['--db', db, 'hunt', '--rules', join(dir, 'r.yml'), '--only', '--since', '2023-12-01', '--csv'])).toBe(0);
    expect(lines()[0]).toMatch(/^id,rule,title,severity,count,/);
    expect(lines()).toHaveLength(3);
  });
  it('hunt applies an exception table and reports expired entries', async () => {
    writeFileSync(join(dir, 'r.yml'), RULE);
    writeFileSync(join(dir, 'exc.yml'), `exceptions:\n  - { rule: stop-*, actor: '*:user/mallory', reason: red team, owner: sec }\n  - { actor: '*', reason: old, owner: sec, expires: 2020-01-01 }\n`);
    const db = join(dir, 'vigil.duckdb');
    const store = await Store.open({ path: db });
    await insertRecords(store, [stop(0), stop(9, 'eve')]);
    store.close();
    expect(await run(['--db', db, 'hunt', '--rules', join(dir, 'r.yml'), '--only', '--since', '2023-12-01', '--exceptions', join(dir, 'exc.yml'), '--json'])).toBe(0);
    expect(lines().map((l) => JSON.parse(l).actor)).toEqual(['arn:aws:iam::1:user/eve']);
    expect(err.join('')).toContain('exception #2 (*, owner sec) expired 2020-01-01: no longer applied');
  });
});
