/**
 * bench:audit — the whole audit (every check, the findings lifecycle into DuckDB, exceptions) over a synthetic
 * snapshot of 50 accounts with ≥ 500k resources, beside the time to merely load that snapshot (parse every
 * response, as reading a collection does). Resources are cloned from the CloudMapper demo collection
 * (test/fixtures/cloudmapper-demo) so their shapes are AWS's own, with ids, names and a share of
 * misconfigurations varied. The audit is what `vigil audit` does for its terminal summary (passing results counted,
 * not listed). `--again` also times a second audit of the same snapshot: the lifecycle against a full store.
 * Checks stream their results into the findings as they decide them, so "checks" time includes that folding;
 * "record" is the rest (settling findings no longer reported, and writing the audit to the store). Peak RSS is
 * the process's (V8 heap, the snapshot and DuckDB together); `--again`'s figure is taken after the first
 * report has been let go, as a second `vigil audit` would run.
 *   npm run bench:audit [-- --accounts 50 --scale 1 --again]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCloudMapperDir } from '../src/snapshot/cloudmapper-dir.js';
import type { CallResult, SnapshotAccount, SnapshotReader } from '../src/snapshot/types.js';
import { Store } from '../src/store/store.js';
import { loadConfig } from '../src/config/load.js';
import { auditInto, parseExceptions, type AuditReport } from '../src/audit/index.js';
import { CHECKS } from '../src/audit/checks/index.js';
import { arg, finalLine, round } from './lib.js';

const DEMO = new URL('../test/fixtures/cloudmapper-demo/', import.meta.url).pathname;
const DEMO_ACCOUNT = '123456789012';
const HOME = 'us-east-1';
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];
/** Global services: collected once, in the home region. */
const GLOBAL = /^(iam|s3|s3control|route53|route53domains|cloudfront|organizations|sts|account)-/;

const ACCOUNTS = arg('accounts', 50);
/** Also time a second audit of the same snapshot (the lifecycle against a full store). */
const AGAIN = process.argv.includes('--again');
const SCALE = arg('scale', 1);
/** Per account and region (regional) or per account (global). */
const PER = {
  instances: Math.round(300 * SCALE),
  securityGroups: Math.round(900 * SCALE),
  volumes: Math.round(750 * SCALE),
  snapshots: Math.round(300 * SCALE),
  users: Math.round(400 * SCALE),
  roles: Math.round(400 * SCALE),
  buckets: Math.round(300 * SCALE),
};

const log = (s: string) => process.stderr.write(s + '\n');
const rssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

interface TemplateCall {
  call: string;
  param?: string;
  text: string;
}

/** Every response of the demo's us-east-1, as JSON text. */
function demoTemplates(): TemplateCall[] {
  const snap = openCloudMapperDir(DEMO, { accountId: DEMO_ACCOUNT, accountName: 'demo' });
  const account = snap.accounts()[0]!.id;
  const out: TemplateCall[] = [];
  const dir = join(DEMO, HOME);
  for (const entry of readdirSync(dir).sort()) {
    const isDir = statSync(join(dir, entry)).isDirectory();
    const call = isDir ? entry : entry.replace(/\.json$/, '');
    if (!isDir) {
      const r = snap.call(account, HOME, call);
      if (r?.status === 'ok') out.push({ call, text: JSON.stringify(r.data) });
      continue;
    }
    for (const param of snap.params(account, HOME, call)) {
      const r = snap.call(account, HOME, call, param);
      if (r?.status === 'ok') out.push({ call, param, text: JSON.stringify(r.data) });
    }
  }
  return out;
}

type Json = Record<string, unknown>;
const tmpl = (t: TemplateCall[], call: string, param?: string) => JSON.parse(t.find((x) => x.call === call && (param === undefined || x.param === param))!.text) as Json;
const cycle = <T>(list: T[], i: number) => list[i % list.length]!;

/** The scaled responses for one account and region: call → (param → text). */
function scaled(t: TemplateCall[], acct: string, region: string, ai: number): { call: string; param?: string; text: string; resources: number }[] {
  const out: { call: string; param?: string; text: string; resources: number }[] = [];
  const sub = (s: string) => s.replaceAll(DEMO_ACCOUNT, acct).replaceAll(HOME, region);
  const push = (call: string, data: unknown, resources: number, param?: string) => out.push({ call, param, text: sub(JSON.stringify(data)), resources });
  const hex = (n: number) => n.toString(16).padStart(8, '0');

  const instances = (tmpl(t, 'ec2-describe-instances').Reservations as Json[]).flatMap((r) => r.Instances as Json[]);
  push(
    'ec2-describe-instances',
    {
      Reservations: [
        {
          ReservationId: `r-${acct}`,
          OwnerId: acct,
          Instances: Array.from({ length: PER.instances }, (_, n) => ({
            ...cycle(instances, n),
            InstanceId: `i-${hex(ai * 1e6 + n)}`,
            Tags: [{ Key: 'Name', Value: `web-${n}` }, { Key: 'team', Value: n % 2 ? 'red' : 'blue' }],
            MetadataOptions: { HttpTokens: n % 5 ? 'required' : 'optional', HttpEndpoint: 'enabled' },
            LaunchTime: n % 7 ? '2026-06-01T00:00:00+00:00' : '2019-01-01T00:00:00+00:00',
          })),
        },
      ],
    },
    PER.instances,
  );
  const groups = tmpl(t, 'ec2-describe-security-groups').SecurityGroups as Json[];
  push(
    'ec2-describe-security-groups',
    { SecurityGroups: Array.from({ length: PER.securityGroups }, (_, n) => ({ ...cycle(groups, n), GroupId: `sg-${hex(ai * 1e6 + n)}`, GroupName: `sg-${n}` })) },
    PER.securityGroups,
  );
  push(
    'ec2-describe-volumes',
    {
      Volumes: Array.from({ length: PER.volumes }, (_, n) => ({
        VolumeId: `vol-${hex(ai * 1e6 + n)}`,
        Size: 8,
        VolumeType: 'gp3',
        State: 'in-use',
        Encrypted: n % 4 !== 0,
        AvailabilityZone: `${region}a`,
        CreateTime: '2025-01-01T00:00:00+00:00',
        Attachments: [{ InstanceId: `i-${hex(ai * 1e6 + (n % PER.instances))}`, Device: '/dev/xvda', State: 'attached' }],
        Tags: [{ Key: 'Name', Value: `vol-${n}` }],
      })),
    },
    PER.volumes,
  );
  const snapshots = Array.from({ length: PER.snapshots }, (_, n) => ({
    SnapshotId: `snap-${hex(ai * 1e6 + n)}`,
    VolumeId: `vol-${hex(ai * 1e6 + n)}`,
    OwnerId: acct,
    State: 'completed',
    Encrypted: n % 3 !== 0,
    StartTime: '2025-01-01T00:00:00+00:00',
    VolumeSize: 8,
  }));
  push('ec2-describe-snapshots', { Snapshots: snapshots }, PER.snapshots);
  for (const [n, s] of snapshots.entries()) {
    const groups = n % 50 === 0 ? [{ Group: 'all' }] : [];
    push('ec2-describe-snapshot-attribute', { SnapshotId: s.SnapshotId, CreateVolumePermissions: groups }, 0, s.SnapshotId);
  }
  if (region !== HOME) return out;

  const auth = tmpl(t, 'iam-get-account-authorization-details');
  const users = auth.UserDetailList as Json[];
  const roles = auth.RoleDetailList as Json[];
  const userList = Array.from({ length: PER.users }, (_, n) => ({ ...cycle(users, n), UserName: `user-${n}`, UserId: `AIDA${acct}${n}`, Arn: `arn:aws:iam::${acct}:user/user-${n}` }));
  push(
    'iam-get-account-authorization-details',
    {
      ...auth,
      UserDetailList: userList,
      RoleDetailList: Array.from({ length: PER.roles }, (_, n) => ({ ...cycle(roles, n), RoleName: `role-${n}`, RoleId: `AROA${acct}${n}`, Arn: `arn:aws:iam::${acct}:role/role-${n}` })),
    },
    PER.users + PER.roles,
  );
  const report = String(tmpl(t, 'iam-get-credential-report').Content).split('\n');
  const rows = userList.map((u, n) => {
    const cols = cycle(report.slice(2), n).split(',');
    cols[0] = u.UserName;
    cols[1] = u.Arn;
    return cols.join(',');
  });
  push('iam-get-credential-report', { Content: [report[0], report[1], ...rows].join('\n') }, 0);
  const bucketNames = Array.from({ length: PER.buckets }, (_, n) => `bucket-${acct}-${n}`);
  push('s3-list-buckets', { ...tmpl(t, 's3-list-buckets'), Buckets: bucketNames.map((Name) => ({ Name, CreationDate: '2024-01-01T00:00:00+00:00' })) }, PER.buckets);
  for (const tc of t.filter((x) => x.call.startsWith('s3-') && x.param === 'cloudmapper_demo')) {
    for (const [n, b] of bucketNames.entries()) {
      // A tenth of the buckets keep the demo's public policy and ACL; the rest get their own private ones.
      const text = n % 10 === 0 ? tc.text : tc.text.replace(/"Principal":\s*"\*"/g, `"Principal":{"AWS":"arn:aws:iam::${acct}:root"}`).replace(/http:\/\/acs\.amazonaws\.com\/groups\/global\/AllUsers/g, 'owner');
      out.push({ call: tc.call, param: b, text: sub(text.replaceAll('cloudmapper_demo', b)), resources: 0 });
    }
  }
  return out;
}

const SCALED = new Set(['ec2-describe-instances', 'ec2-describe-security-groups', 'ec2-describe-volumes', 'ec2-describe-snapshots', 'iam-get-account-authorization-details', 'iam-get-credential-report', 's3-list-buckets']);

/** Generates the estate's responses as text, then "loads" them: the timed part is parsing them into the reader. */
function buildSnapshot(): { snapshot: SnapshotReader; resources: number; loadSeconds: number; calls: number } {
  const templates = demoTemplates();
  const table = new Map<string, CallResult>();
  const params = new Map<string, string[]>();
  const accounts: SnapshotAccount[] = [];
  let resources = 0;
  let loadMs = 0;
  const load = (acct: string, region: string, call: string, param: string | undefined, text: string) => {
    const t0 = performance.now();
    table.set(`${acct}|${region}|${call}|${param ?? ''}`, { status: 'ok', data: JSON.parse(text) });
    loadMs += performance.now() - t0;
    if (param !== undefined) {
      const k = `${acct}|${region}|${call}`;
      let list = params.get(k);
      if (!list) params.set(k, (list = []));
      list.push(param);
    }
  };
  for (let ai = 0; ai < ACCOUNTS; ai++) {
    const acct = `3000000000${String(ai).padStart(2, '0')}`;
    accounts.push({ id: acct, name: `bench-${ai}`, partition: 'aws' });
    for (const region of REGIONS) {
      const mine = scaled(templates, acct, region, ai);
      const scaledCalls = new Set(mine.map((m) => m.call));
      for (const m of mine) {
        resources += m.resources;
        load(acct, region, m.call, m.param, m.text);
      }
      for (const tc of templates) {
        if (SCALED.has(tc.call) || scaledCalls.has(tc.call) || (GLOBAL.test(tc.call) && region !== HOME)) continue;
        if (tc.call.startsWith('s3-') && tc.param === 'cloudmapper_demo') continue;
        load(acct, region, tc.call, tc.param, tc.text.replaceAll(DEMO_ACCOUNT, acct).replaceAll(HOME, region));
      }
    }
  }
  const snapshot: SnapshotReader = {
    id: 'bench-audit',
    time: '2026-11-01T00:00:00.000Z',
    accounts: () => accounts,
    regions: () => REGIONS,
    call: (a, r, n, p) => table.get(`${a}|${r}|${n}|${p ?? ''}`),
    params: (a, r, n) => params.get(`${a}|${r}|${n}`) ?? [],
  };
  return { snapshot, resources, loadSeconds: loadMs / 1000, calls: table.size };
}

async function main(): Promise<void> {
  log(`bench:audit: ${ACCOUNTS} accounts × ${REGIONS.length} regions, ${CHECKS.length} checks`);
  const t0 = performance.now();
  const { snapshot, resources, loadSeconds, calls } = buildSnapshot();
  log(`snapshot: ${resources} resources, ${calls} responses; load (parse) ${round(loadSeconds)} s; generated in ${round((performance.now() - t0) / 1000)} s; peak RSS ${rssMiB()} MiB`);
  const rssAfterLoad = rssMiB();

  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-audit-'));
  // The store as the CLI opens it (vigil.yaml / VIGIL_* settings apply).
  const { lake } = loadConfig();
  const store = await Store.open({ path: join(dir, 'bench.duckdb'), threads: lake.threads, memoryLimit: lake.memoryLimit });
  try {
    const exceptions = parseExceptions([{ checks: 'ec2_*', tags: { team: 'red' }, reason: 'bench', owner: 'bench' }]);
    const checkSeconds = (r: AuditReport) => Object.values(r.timings ?? {}).reduce((x, y) => x + y, 0) / 1000;
    const a0 = performance.now();
    const c0 = process.cpuUsage();
    let report: AuditReport | undefined = await auditInto(store, snapshot, CHECKS, { exceptions, now: new Date('2026-11-01T01:00:00Z'), keepPasses: false });
    const auditSeconds = (performance.now() - a0) / 1000;
    // CPU time of every thread (JS, GC, DuckDB): steadier than wall time on a shared machine.
    const cpu = process.cpuUsage(c0);
    const auditCpuSeconds = (cpu.user + cpu.system) / 1e6;
    const checksSeconds = checkSeconds(report);
    const rssAfterAudit = rssMiB();
    log(`audit 1: ${round(auditSeconds)} s (checks, folding their results into findings ${round(checksSeconds)} s; record ${round(auditSeconds - checksSeconds)} s), ${report.findings.length + (report.unlisted?.pass ?? 0)} results (${report.findings.length} listed, passes counted), ${report.changes.new} new; peak RSS ${rssAfterAudit} MiB`);
    if (report.errors.length) log(`check errors: ${report.errors.map((e) => `${e.check}: ${e.error}`).join('; ')}`);
    const slowest = Object.entries(report.timings ?? {}).sort((x, y) => y[1] - x[1]).slice(0, 5).map(([k, v]) => `${k} ${round(v / 1000)} s`);
    log(`slowest checks: ${slowest.join(', ')}`);
    const first = {
      results: report.findings.length + (report.unlisted?.pass ?? 0),
      listed: report.findings.length,
      fail: report.findings.filter((f) => f.result === 'fail').length,
      muted: report.findings.filter((f) => f.status === 'muted').length,
      checkErrors: report.errors.length,
      remembered: report.findings.filter((f) => f.result !== 'pass').length,
    };
    report = undefined; // a second `vigil audit` would not hold the first one's report

    let audit2Seconds: number | null = null;
    if (AGAIN) {
      const b0 = performance.now();
      const report2 = await auditInto(store, snapshot, CHECKS, { exceptions, now: new Date('2026-11-02T01:00:00Z'), keepPasses: false });
      audit2Seconds = (performance.now() - b0) / 1000;
      log(`audit 2 (same snapshot, ${first.remembered} findings remembered): ${round(audit2Seconds)} s (checks ${round(checkSeconds(report2))} s), ${report2.changes.new} new, ${report2.changes.resolved} resolved; peak RSS ${rssMiB()} MiB`);
    }
    const rssPeak = rssMiB();
    const figures = {
      accounts: ACCOUNTS,
      regions: REGIONS.length,
      resources,
      responses: calls,
      checks: CHECKS.length,
      ...first,
      loadSeconds: round(loadSeconds),
      auditSeconds: round(auditSeconds),
      auditCpuSeconds: round(auditCpuSeconds),
      checksSeconds: round(checksSeconds),
      recordSeconds: round(auditSeconds - checksSeconds),
      secondAuditSeconds: audit2Seconds === null ? null : round(audit2Seconds),
      ratioAuditVsLoad: round(auditSeconds / loadSeconds),
      ratioSecondAuditVsLoad: audit2Seconds === null ? null : round(audit2Seconds / loadSeconds),
      peakRssAfterLoadMiB: rssAfterLoad,
      peakRssAfterAuditMiB: rssAfterAudit,
      peakRssMiB: rssPeak,
      targetSeconds: 30,
      targetRssMiB: 2048,
      withinTarget: auditSeconds < 30 && rssAfterAudit < 2048,
    };
    log(`audit/load ratio ${figures.ratioAuditVsLoad} (${figures.auditSeconds} s vs ${figures.loadSeconds} s); target < 30 s and 2 GB: ${figures.withinTarget ? 'met' : 'NOT met'}`);
    finalLine(figures);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`bench:audit failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(3);
});
