/**
 * The HTML report's script, as text (inlined into the page and pinned by its hash in the page's CSP).
 * It reads the data block with JSON.parse and builds every node with createElement/textContent: data never
 * reaches innerHTML, attributes that load or navigate (href, src, on*) or style.
 */
export const HTML_APP = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('vigil-data').textContent);
  var SEV = ['critical', 'high', 'medium', 'low', 'info'];
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, cls) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      n.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    }
    return n;
  }
  function clear(n) { while (n.firstChild) n.removeChild(n.firstChild); }
  function resourceCell(f) {
    var td = el('td', 'res');
    td.appendChild(el('div', 'rname', f.resourceName || f.resource));
    if (f.resourceName && f.resourceName !== f.resource) td.appendChild(el('div', 'rid', f.resource));
    if (f.tags) {
      var tags = el('div', 'tags');
      Object.keys(f.tags).forEach(function (k) { tags.appendChild(el('span', 'tag', k + '=' + f.tags[k])); });
      td.appendChild(tags);
    }
    return td;
  }
  function row(f) {
    var tr = el('tr', 'finding sev-' + f.severity);
    tr.setAttribute('data-id', f.id);
    tr.appendChild(el('td', null, el('span', 'badge sev-' + f.severity, f.severity)));
    tr.appendChild(el('td', null, el('span', 'badge st-' + f.status, f.status), f.change && f.change !== f.status ? el('span', 'chg', ' (' + f.change + ')') : null));
    tr.appendChild(el('td', null, el('span', 'badge res-' + f.result, f.result)));
    tr.appendChild(el('td', 'check', el('div', null, f.title), el('div', 'rid', f.check)));
    tr.appendChild(el('td', null, f.account));
    tr.appendChild(el('td', null, f.region));
    tr.appendChild(resourceCell(f));
    var why = el('td', 'why', f.reason);
    if (f.muted) why.appendChild(el('div', 'muted-by', 'muted by exception #' + f.muted.exception + ' (' + f.muted.owner + '): ' + f.muted.reason + (f.muted.expires ? ' — until ' + f.muted.expires : '')));
    if (f.exceptionExpired) why.appendChild(el('div', 'expired', 'exception #' + f.exceptionExpired.exception + ' expired ' + f.exceptionExpired.expires));
    tr.appendChild(why);
    return tr;
  }

  // Header and summary
  var a = data.audit, s = data.summary;
  $('meta').textContent = 'audit ' + a.id + ' of snapshot ' + a.snapshotId + ' (' + a.snapshotTime + '), ' + s.checks + ' checks, ' + a.accounts.length + ' account(s)';
  $('totals').textContent = s.results.fail + ' fail, ' + s.results.pass + ' pass, ' + s.results.unknown + ' unknown, ' + s.muted + ' muted';
  $('since').textContent = a.previous
    ? 'Since the previous audit (' + a.previous.time + '): ' + s.changes.new + ' new, ' + s.changes.reopened + ' reopened, ' + s.changes.resolved + ' resolved'
    : 'First audit in this store: ' + s.changes.new + ' new findings';
  if (data.omittedPasses) $('omitted').textContent = data.omittedPasses + ' passing results are counted but not listed in this file.';

  // Severity chart: failing, unmuted findings
  (function chart() {
    var svg = $('chart'), NS = 'http://www.w3.org/2000/svg';
    var max = Math.max.apply(null, SEV.map(function (v) { return s.failing[v]; }).concat([1]));
    SEV.forEach(function (v, i) {
      var y = 8 + i * 30, w = Math.round((s.failing[v] / max) * 300);
      var label = document.createElementNS(NS, 'text');
      label.setAttribute('x', '0'); label.setAttribute('y', String(y + 15)); label.textContent = v;
      var bar = document.createElementNS(NS, 'rect');
      bar.setAttribute('x', '80'); bar.setAttribute('y', String(y)); bar.setAttribute('height', '20');
      bar.setAttribute('width', String(Math.max(w, 1))); bar.setAttribute('class', 'bar sev-' + v);
      var n = document.createElementNS(NS, 'text');
      n.setAttribute('x', String(86 + w)); n.setAttribute('y', String(y + 15)); n.textContent = String(s.failing[v]);
      n.setAttribute('class', 'count-' + v);
      svg.appendChild(label); svg.appendChild(bar); svg.appendChild(n);
    });
  })();

  // Compliance score per account
  (function scores() {
    var tb = $('scores').tBodies[0];
    s.accounts.forEach(function (x) {
      tb.appendChild(el('tr', null, el('td', null, x.account), el('td', 'score', x.score === null ? 'n/a' : x.score + '%'),
        el('td', null, x.pass), el('td', null, x.fail), el('td', null, x.unknown), el('td', null, x.muted)));
    });
  })();

  // Changes, muted findings and expired exceptions: small fixed tables
  var RES = { fail: 0, unknown: 1, pass: 2 };
  function fill(id, list) {
    var tb = $(id).tBodies[0];
    list.sort(function (x, y) { return RES[x.result] - RES[y.result] || SEV.indexOf(x.severity) - SEV.indexOf(y.severity); });
    var box = $(id + '-box');
    if (box) { box.open = list.length <= 30; $(id + '-n').textContent = list.length + ' finding(s)'; }
    list.slice(0, 500).forEach(function (f) { tb.appendChild(row(f)); });
    if (!list.length) tb.appendChild(el('tr', null, el('td', 'none', 'none')));
  }
  fill('changes', data.findings.filter(function (f) { return f.change && (f.change === 'resolved' || f.status !== 'muted'); }));
  fill('muted', data.findings.filter(function (f) { return f.status === 'muted'; }));
  var ex = $('expired');
  data.expiredExceptions.forEach(function (e) {
    ex.appendChild(el('li', null, 'exception #' + e.index + ' (' + e.checks.join(', ') + '; owner ' + e.owner + '; ' + e.reason + ') expired ' + e.expires + ': no longer mutes ' + e.matched + ' finding(s)'));
  });
  if (!data.expiredExceptions.length) ex.appendChild(el('li', 'none', 'none'));

  // Findings: filter, search, sort, group
  var state = { sort: 'severity', dir: 1 };
  var sevRank = {}; SEV.forEach(function (v, i) { sevRank[v] = i; });
  function key(f, k) { return k === 'severity' ? sevRank[f.severity] : k === 'resource' ? (f.resourceName || f.resource) : String(f[k] || ''); }
  function haystack(f) {
    return [f.check, f.title, f.account, f.region, f.resource, f.resourceName || '', f.reason, f.service, f.status, f.result]
      .concat(f.tags ? Object.keys(f.tags).map(function (k) { return k + '=' + f.tags[k]; }) : []).join('\n').toLowerCase();
  }
  data.findings.forEach(function (f) { f._h = haystack(f); });
  ['account', 'service', 'check'].forEach(function (k) {
    var sel = $('f-' + k), seen = {};
    data.findings.forEach(function (f) { seen[f[k]] = 1; });
    Object.keys(seen).sort().forEach(function (v) { var o = el('option', null, v); o.value = v; sel.appendChild(o); });
  });
  function render() {
    var q = $('q').value.trim().toLowerCase(), fs = {};
    ['severity', 'status', 'result', 'account', 'service', 'check'].forEach(function (k) { fs[k] = $('f-' + k).value; });
    var list = data.findings.filter(function (f) {
      for (var k in fs) if (fs[k] && f[k] !== fs[k]) return false;
      return !q || f._h.indexOf(q) >= 0;
    });
    var k = state.sort, d = state.dir;
    list.sort(function (x, y) { var a = key(x, k), b = key(y, k); return (a < b ? -1 : a > b ? 1 : 0) * d || sevRank[x.severity] - sevRank[y.severity]; });
    var group = $('group').value, table = $('findings');
    Array.prototype.slice.call(table.tBodies).forEach(function (b) { table.removeChild(b); });
    var groups = [], by = {};
    list.forEach(function (f) {
      var g = group ? String(f[group]) : '';
      if (!(g in by)) { by[g] = []; groups.push(g); }
      by[g].push(f);
    });
    if (group === 'severity') groups.sort(function (x, y) { return sevRank[x] - sevRank[y]; }); else groups.sort();
    var shown = 0, LIMIT = 2000;
    groups.forEach(function (g) {
      var tb = document.createElement('tbody');
      if (group) {
        var fail = by[g].filter(function (f) { return f.result === 'fail' && f.status !== 'muted'; }).length;
        var h = el('tr', 'group'), td = el('td', null, group + ': ' + g + ' — ' + by[g].length + ' result(s), ' + fail + ' failing');
        td.colSpan = 8; h.appendChild(td); tb.appendChild(h);
      }
      by[g].forEach(function (f) { if (shown++ < LIMIT) tb.appendChild(row(f)); });
      table.appendChild(tb);
    });
    $('count').textContent = list.length + ' of ' + data.findings.length + ' shown' + (list.length > LIMIT ? ' (first ' + LIMIT + ' listed: narrow the filters)' : '');
  }
  ['q'].forEach(function (id) { $(id).addEventListener('input', render); });
  ['f-severity', 'f-status', 'f-result', 'f-account', 'f-service', 'f-check', 'group'].forEach(function (id) { $(id).addEventListener('change', render); });
  Array.prototype.forEach.call(document.querySelectorAll('#findings th[data-sort]'), function (th) {
    th.addEventListener('click', function () {
      var k = th.getAttribute('data-sort');
      state.dir = state.sort === k ? -state.dir : 1; state.sort = k; render();
    });
  });
  render();
  document.body.setAttribute('data-ready', '1');
})();
`;
