import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hostileReport, HOSTILE } from './testing.js';
import { renderAudit, toAsff, toOcsf, summarize } from './index.js';
import { csvCell } from './csv.js';
import { mdText } from './markdown.js';
import { scriptJson } from './html.js';

const epochMs = z.number().int().gt(1_500_000_000_000);

/** OCSF 1.3 Compliance Finding (2003): the fields the schema marks required (and recommended ones we promise). */
const OcsfComplianceFinding = z.object({
  category_uid: z.literal(2),
  class_uid: z.literal(2003),
  activity_id: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  type_uid: z.number().int(),
  severity_id: z.number().int().min(1).max(5),
  status_id: z.number().int().min(1).max(4),
  status: z.enum(['New', 'In Progress', 'Suppressed', 'Resolved']),
  time: epochMs,
  metadata: z.object({
    version: z.string().regex(/^1\.\d+\.\d+$/),
    product: z.object({ name: z.string().min(1), vendor_name: z.string().min(1), version: z.string().min(1) }),
  }),
  finding_info: z.object({ uid: z.string().min(1), title: z.string().min(1), first_seen_time: epochMs, last_seen_time: epochMs }),
  compliance: z.object({
    control: z.string().min(1),
    status_id: z.number().int().min(1).max(3),
    status: z.enum(['Pass', 'Warning', 'Fail']),
    standards: z.array(z.string().min(1)).min(1),
  }),
  resources: z.array(z.object({ uid: z.string().min(1), type: z.string().min(1), region: z.string() })).min(1),
  cloud: z.object({ provider: z.literal('AWS'), region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/), account: z.object({ uid: z.string().regex(/^\d{12}$/) }) }),
});

const isoTime = z.iso.datetime({ offset: true });
/** ASFF 2018-10-08: every required attribute, with Security Hub's length and format limits. */
const AsffFinding = z.object({
  SchemaVersion: z.literal('2018-10-08'),
  Id: z.string().min(1).max(512),
  ProductArn: z.string().regex(/^arn:aws(-us-gov|-cn)?:securityhub:[a-z0-9-]+:\d{12}:product\/\d{12}\/default$/),
  GeneratorId: z.string().min(1).max(512),
  AwsAccountId: z.string().regex(/^\d{12}$/),
  Types: z.array(z.string().regex(/^[^/]+\/[^/]+(\/[^/]+)?$/)).min(1).max(50),
  CreatedAt: isoTime,
  UpdatedAt: isoTime,
  Severity: z.object({ Label: z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']) }),
  Title: z.string().min(1).max(256),
  Description: z.string().min(1).max(1024),
  Resources: z.array(z.object({ Type: z.string().min(1), Id: z.string().min(1) })).min(1).max(32),
  Compliance: z.object({ Status: z.enum(['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE']) }),
});

describe('audit outputs', () => {
  it('OCSF findings validate against the Compliance Finding required fields', async () => {
    const report = await hostileReport();
    const ocsf = toOcsf(report);
    expect(ocsf.length).toBe(report.findings.length);
    for (const o of ocsf) {
      const r = OcsfComplianceFinding.safeParse(o);
      expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
      const x = o as { type_uid: number; activity_id: number };
      expect(x.type_uid).toBe(2003 * 100 + x.activity_id);
    }
    const muted = ocsf.find((o) => (o as { status: string }).status === 'Suppressed');
    expect(muted).toBeDefined();
    const resolved = ocsf.find((o) => (o as { activity_id: number }).activity_id === 3) as { status: string } | undefined;
    expect(resolved?.status).toBe('Resolved');
    expect(JSON.parse(renderAudit(report, 'ocsf'))).toHaveLength(ocsf.length);
  });

  it('ASFF findings validate against the required attributes', async () => {
    const report = await hostileReport();
    const asff = toAsff(report);
    for (const a of asff) {
      const r = AsffFinding.safeParse(a);
      expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
    }
    const ids = new Set(asff.map((a) => (a as { Id: string }).Id));
    expect(ids.size).toBe(asff.length);
    const statuses = asff.map((a) => (a as { Compliance: { Status: string } }).Compliance.Status);
    expect(statuses).toContain('FAILED');
    expect(statuses).toContain('PASSED');
  });

  it('the schemas catch a broken finding (the validation can fail)', async () => {
    const [o] = toOcsf(await hostileReport()) as Record<string, unknown>[];
    expect(OcsfComplianceFinding.safeParse({ ...o, class_uid: 2004 }).success).toBe(false);
    const [a] = toAsff(await hostileReport()) as Record<string, unknown>[];
    expect(AsffFinding.safeParse({ ...a, Resources: [] }).success).toBe(false);
  });

  it('JSON has check, resource, account, region, result and status for every finding', async () => {
    const report = await hostileReport();
    const doc = JSON.parse(renderAudit(report, 'json')) as { findings: Record<string, unknown>[]; summary: unknown };
    for (const f of doc.findings) {
      expect(f).toMatchObject({ check: expect.any(String), resource: expect.any(String), account: expect.any(String), region: expect.any(String) });
      expect(['pass', 'fail', 'unknown']).toContain(f.result);
      expect(['new', 'open', 'resolved', 'reopened', 'muted']).toContain(f.status);
    }
    expect(doc.findings.map((f) => f.status)).toEqual(expect.arrayContaining(['new', 'open', 'resolved', 'muted']));
  });

  it('summarizes with a compliance score per account that leaves out muted and unknown', async () => {
    const s = summarize(await hostileReport());
    const a1 = s.accounts.find((a) => a.account === '111111111111')!;
    expect(a1.muted).toBeGreaterThan(0);
    expect(a1.score).toBe(Math.round((1000 * a1.pass) / (a1.pass + a1.fail)) / 10);
    expect(s.accounts.find((a) => a.account === '222222222222')!.score).toBe(0);
  });

  it('CSV quotes and defuses spreadsheet formulas; Markdown and terminal show names as text', async () => {
    expect(csvCell('=cmd|x')).toBe("'=cmd|x");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    const report = await hostileReport();
    const csv = renderAudit(report, 'csv');
    expect(csv.split('\r\n')[0]).toContain('check,title,severity');
    expect(csv).not.toMatch(/,=/);
    expect(mdText('<img src=x>[a](javascript:x)|')).toBe('&lt;img src=x\\>\\[a\\]\\(javascript:x\\)\\|');
    const md = renderAudit(report, 'md');
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('<img');
    expect(md).toContain('## Muted');
    const text = renderAudit(report, 'text');
    expect(text).toContain('since the previous audit');
    expect(text).not.toContain('\u2028');
  });

  it('escapes JSON for a script block', () => {
    const s = scriptJson({ a: HOSTILE[3] });
    expect(s).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(s)).toEqual({ a: HOSTILE[3] });
  });
});
