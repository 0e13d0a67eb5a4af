import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderHtml } from './html.js';
import { hostileReport, HOSTILE, HOSTILE_TAGS } from './testing.js';
import type { AuditReport } from '../audit/types.js';

const CHROMIUM = '/usr/bin/chromium';

describe('HTML report in Chromium', () => {
  // Never skipped: the browser test is the proof that hostile names do not execute (.ci/run installs Chromium).
  it('has Debian Chromium to run in', () => expect(existsSync(CHROMIUM), `${CHROMIUM} missing: apt-get install chromium`).toBe(true));
  let browser: Browser;
  let dir: string;
  let report: AuditReport;
  let html: string;
  const network: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-html-'));
    report = await hostileReport();
    html = renderHtml(report);
    writeFileSync(join(dir, 'report.html'), html);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(): Promise<Page> {
    const page = await browser.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Content Security Policy/.test(m.text())) errors.push(m.text());
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) network.push(r.url());
    });
    // Hooks installed before any page script: anything injected that runs would trip one of them.
    await page.addInitScript(() => {
      const w = window as unknown as Record<string, unknown>;
      w.__alerts = 0;
      window.alert = () => {
        w.__alerts = (w.__alerts as number) + 1;
      };
    });
    await page.goto(pathToFileURL(join(dir, 'report.html')).href);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
    return page;
  }

  it('is one self-contained file', () => {
    expect(html).not.toMatch(/<(link|img|iframe)\b/i);
    expect(html).not.toMatch(/\bsrc=["']?https?:/i);
    expect(html).not.toContain('innerHTML');
    expect(html).toContain('<script type="application/json" id="vigil-data">');
    // No raw hostile markup anywhere in the file.
    for (const h of HOSTILE.filter((x) => x.includes("<"))) expect(html).not.toContain(h);
  });

  it('runs no hostile script and shows the names as text', async () => {
    const page = await open();
    // Show everything, then look at what the page shows.
    const flags = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned,
      alerts: (window as unknown as { __alerts: number }).__alerts,
      injected: document.querySelectorAll('#findings img, #findings svg, #findings script, #findings b, a').length,
      text: document.getElementById('findings')!.textContent,
      changes: document.getElementById('changes')!.textContent,
    }));
    expect(flags.pwned).toBeUndefined();
    expect(flags.alerts).toBe(0);
    expect(dialogs).toEqual([]);
    expect(flags.injected).toBe(0);
    for (const h of HOSTILE) expect(flags.text).toContain(h);
    for (const [k, v] of Object.entries(HOSTILE_TAGS)) expect(flags.text).toContain(`${k}=${v}`);
    expect(flags.changes).toContain(HOSTILE[0]);
    // Hovering and clicking every cell triggers no handler either.
    const cells = page.locator('#findings td.res');
    for (let i = 0; i < Math.min(await cells.count(), 8); i++) await cells.nth(i).hover();
    await page.locator('#findings td.res').first().click();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(network).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('filters, searches, sorts and groups when a person uses it', async () => {
    const page = await open();
    const rows = () => page.locator('#findings tr.finding').count();
    const total = report.findings.length;
    expect(await rows()).toBe(total);
    expect(await page.locator('#count').textContent()).toContain(`${total} of ${total}`);

    await page.locator('#q').fill('onerror');
    expect(await rows()).toBe(2); // the one hostile name, under both checks
    await page.locator('#q').fill('');
    expect(await rows()).toBe(total);

    await page.locator('#f-status').selectOption('muted');
    const muted = report.findings.filter((f) => f.status === 'muted').length;
    expect(muted).toBeGreaterThan(0);
    expect(await rows()).toBe(muted);
    await page.locator('#f-status').selectOption('');

    await page.locator('#f-severity').selectOption('low');
    expect(await rows()).toBe(report.findings.filter((f) => f.severity === 'low').length);
    await page.locator('#f-severity').selectOption('');

    await page.locator('#f-account').selectOption('222222222222');
    expect(await rows()).toBe(report.findings.filter((f) => f.account === '222222222222').length);
    await page.locator('#f-account').selectOption('');

    await page.locator('#group').selectOption('check');
    const groups = await page.locator('#findings tr.group td').allTextContents();
    expect(groups.map((g) => g.split(' — ')[0])).toEqual(['check: gadget_fine', 'check: thing_good']);

    // Sort by account, then the other way round.
    await page.locator('#group').selectOption('');
    await page.locator('#findings th[data-sort="account"]').click();
    const first = await page.locator('#findings tr.finding td:nth-child(5)').first().textContent();
    await page.locator('#findings th[data-sort="account"]').click();
    const firstDesc = await page.locator('#findings tr.finding td:nth-child(5)').first().textContent();
    expect([first, firstDesc]).toEqual(['111111111111', '222222222222']);

    // Chart and scores
    expect(await page.locator('#chart rect').count()).toBe(5);
    expect(await page.locator('#chart text.count-critical').textContent()).toBe(
      String(report.findings.filter((f) => f.severity === 'critical' && f.result === 'fail' && f.status !== 'muted').length),
    );
    expect(await page.locator('#scores tbody tr').count()).toBe(2);
    expect(await page.locator('#expired li').textContent()).toContain('expired');
    expect(await page.locator('#since').textContent()).toContain('Since the previous audit');
    await page.close();
  }, 60_000);
});
