/**
 * The self-contained HTML report: one file, no network (inline CSS and script, a CSP that forbids every other
 * source), the data embedded as JSON in a non-executable script block with `<`, `>` and `&` escaped, and a script
 * that renders it through textContent only. Resource names and tags are attacker-controlled.
 */
import { createHash } from 'node:crypto';
import type { AuditReport, Finding } from '../audit/types.js';
import { HTML_APP } from './html-app.js';
import { summarize } from './summary.js';

/** JSON safe inside a <script> element: no `</script>`, `<!--`, or line separators that end JS strings. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Passing results beyond this many are counted, not listed (the report stays small: Prowler's grows to 142 MB). */
const MAX_PASSES = 20000;

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
header{background:#1d2b3a;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}
main{padding:16px 24px}section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:12px 16px;margin:0 0 16px}
h2{font-size:16px;margin:0 0 8px}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #eceef1;vertical-align:top}
th[data-sort]{cursor:pointer;user-select:none}th[data-sort]:hover{text-decoration:underline}
.badge{display:inline-block;padding:1px 6px;border-radius:3px;font-size:12px;color:#fff;background:#6b7785}
.sev-critical .bar,.badge.sev-critical,rect.sev-critical{background:#7a1020;fill:#7a1020}.badge.sev-high,rect.sev-high{background:#c0392b;fill:#c0392b}
.badge.sev-medium,rect.sev-medium{background:#d68910;fill:#d68910}.badge.sev-low,rect.sev-low{background:#2e86c1;fill:#2e86c1}.badge.sev-info,rect.sev-info{background:#7f8c8d;fill:#7f8c8d}
.badge.res-fail{background:#c0392b}.badge.res-pass{background:#1e8449}.badge.res-unknown{background:#7d6608}
.badge.st-muted{background:#95a5a6}.badge.st-new,.badge.st-reopened{background:#8e44ad}.badge.st-resolved{background:#1e8449}
.rid{color:#6b7785;font-size:12px;word-break:break-all}.tag{display:inline-block;background:#eef1f4;border-radius:3px;padding:0 4px;margin:2px 4px 0 0;font-size:12px}
.controls{display:flex;flex-wrap:wrap;gap:8px;margin-bottom:8px}.controls input{min-width:260px}
tr.group td{background:#eef1f4;font-weight:600}.muted-by{color:#6b7785}.expired{color:#c0392b}.none{color:#6b7785}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}svg text{font-size:12px;fill:#1d232a}
`;

const PAGE = (css: string, json: string, app: string, hash: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src '${hash}'; img-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vigil audit report</title><style>${css}</style></head>
<body>
<header><h1>vigil audit</h1><div id="meta"></div></header>
<main>
<div class="grid">
<section><h2>Failing findings by severity</h2><div id="totals"></div><svg id="chart" width="420" height="160" role="img" aria-label="failing findings by severity"></svg></section>
<section><h2>Compliance score per account</h2><table id="scores"><thead><tr><th>account</th><th>score</th><th>pass</th><th>fail</th><th>unknown</th><th>muted</th></tr></thead><tbody></tbody></table>
<p class="none">Score: passing / (passing + failing); unknown and muted results are left out.</p></section>
</div>
<section><h2>What changed</h2><p id="since"></p>
<details id="changes-box"><summary id="changes-n"></summary><table id="changes"><thead><tr><th>severity</th><th>status</th><th>result</th><th>check</th><th>account</th><th>region</th><th>resource</th><th>reason</th></tr></thead><tbody></tbody></table></details></section>
<section><h2>Findings</h2>
<div class="controls">
<input id="q" type="search" placeholder="search checks, resources, tags, reasons" aria-label="search">
<select id="f-severity" aria-label="severity"><option value="">any severity</option><option>critical</option><option>high</option><option>medium</option><option>low</option><option>info</option></select>
<select id="f-status" aria-label="status"><option value="">any status</option><option>new</option><option>open</option><option>reopened</option><option>resolved</option><option>muted</option></select>
<select id="f-result" aria-label="result"><option value="">any result</option><option>fail</option><option>unknown</option><option>pass</option></select>
<select id="f-account" aria-label="account"><option value="">any account</option></select>
<select id="f-service" aria-label="service"><option value="">any service</option></select>
<select id="f-check" aria-label="check"><option value="">any check</option></select>
<label>group by <select id="group"><option value="">nothing</option><option value="severity">severity</option><option value="service">service</option><option value="account">account</option><option value="check">check</option></select></label>
</div>
<div id="count"></div><div id="omitted" class="none"></div>
<table id="findings"><thead><tr><th data-sort="severity">severity</th><th data-sort="status">status</th><th data-sort="result">result</th><th data-sort="check">check</th><th data-sort="account">account</th><th data-sort="region">region</th><th data-sort="resource">resource</th><th>reason</th></tr></thead></table>
</section>
<section><h2>Muted findings</h2><details id="muted-box"><summary id="muted-n"></summary><table id="muted"><thead><tr><th>severity</th><th>status</th><th>result</th><th>check</th><th>account</th><th>region</th><th>resource</th><th>reason</th></tr></thead><tbody></tbody></table></details></section>
<section><h2>Expired exceptions</h2><ul id="expired"></ul></section>
</main>
<script type="application/json" id="vigil-data">${json}</script>
<script>${app}</script>
</body></html>
`;

export function renderHtml(report: AuditReport): string {
  let passes = 0;
  const findings: Finding[] = [];
  for (const f of report.findings) {
    if (f.result === 'pass' && !f.change && ++passes > MAX_PASSES) continue;
    findings.push(f);
  }
  const data = {
    audit: report.audit,
    summary: summarize(report),
    expiredExceptions: report.expiredExceptions,
    errors: report.errors,
    omittedPasses: Math.max(0, passes - MAX_PASSES) + (report.unlisted?.pass ?? 0),
    findings,
  };
  const hash = `sha256-${createHash('sha256').update(HTML_APP).digest('base64')}`;
  return PAGE(CSS, scriptJson(data), HTML_APP, hash);
}
