/** Loading rule files: errors carry file and line; one broken rule never stops the others. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleFiles, loadRuleText } from './load.js';
import { ruleJsonSchema } from './schema.js';

const GOOD = `id: ok
title: ok
severity: low
detection: { sel: { eventName: X }, condition: sel }
`;

describe('rule loading', () => {
  it('malformed YAML: error with file and line', () => {
    const r = loadRuleText(`${GOOD}tags: [a, b\n`, 'bad.yml');
    expect(r.rules).toEqual([]);
    expect(r.failed[0]!.error).toMatch(/^bad\.yml:[56]: invalid YAML/);
    const d = loadRuleText(`id: x\ntitle: t\ntitle: again\n`, 'dup.yml');
    expect(d.failed[0]!.error).toMatch(/^dup\.yml:3: invalid YAML: Map keys must be unique/);
  });
  it('schema errors point at the offending key', () => {
    const r = loadRuleText(`id: x\ntitle: t\nseverity: urgent\ndetection: { sel: { a: b }, condition: sel }\n`, 'f.yml');
    expect(r.failed[0]!.error).toMatch(/^f\.yml:3: severity: /);
    const u = loadRuleText(`id: x\ntitle: t\nseverity: low\naction: global\ndetection: { sel: { eventName: b }, condition: sel }\n`, 'f.yml');
    expect(u.failed[0]!.error).toMatch(/^f\.yml:4: action: /);
  });
  it('detection errors name the rule and the construct, at the detection line', () => {
    const r = loadRuleText(`id: x\ntitle: t\nseverity: low\n\ndetection:\n  sel: { 'eventName|base65': b }\n  condition: sel\n`, 'f.yml');
    expect(r.failed[0]!.error).toBe("f.yml:6: rule x: detection: 'eventName|base65': unknown modifier 'base65'");
  });
  it('one broken rule does not stop the others; duplicate ids are reported', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-rules-'));
    writeFileSync(join(dir, 'a.yml'), GOOD);
    writeFileSync(join(dir, 'b.yml'), 'id: [');
    writeFileSync(join(dir, 'c.yaml'), GOOD);
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const r = loadRuleFiles([dir]);
    expect(r.rules.map((x) => x.id)).toEqual(['ok']);
    expect(r.failed.map((f) => f.error)).toEqual([expect.stringMatching(/b\.yml:1: invalid YAML/), expect.stringMatching(/c\.yaml: rule ok: duplicate id/)]);
  });
  it('thresholds and v1 aggregations compile to windows; unknown fields are warnings', () => {
    const r = loadRuleText(
      `id: agg\ntitle: t\nlevel: high\ndetection:\n  sel: { eventName: GetSecretValue }\n  timeframe: 10m\n  condition: sel | count(requestParameters.secretId) by userIdentity.arn > 5\n---\n${GOOD.replace('ok', 'w')}  nope: { status: x }\n`.replace(
        'condition: sel }\n  nope',
        'condition: sel }\n  nope',
      ),
      'f.yml',
    );
    const agg = r.rules.find((x) => x.id === 'agg')!;
    expect(agg.severity).toBe('high');
    expect(agg.window).toEqual({ type: 'value_count', members: ['agg'], groupBy: ['userIdentity.arn'], seconds: 600, n: 6, field: 'requestParameters.secretId' });
  });
  it('exports a JSON Schema for editors', () => {
    const s = ruleJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['id', 'detection', 'threshold', 'correlation', 'tests', 'dedup', 'params']));
  });
});
