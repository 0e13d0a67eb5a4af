/**
 * npm run bench:access [-- --events 10000000 --principals 1000 --dir .bench/access]
 * Synthetic estate: 1,000 principals (700 IAM users, 300 roles with sessions) in one account, each granted a mix
 * of service-wide, read-only, conditional and (1 in 100) administrator policies, and N events (default 10M)
 * written straight into the lake with SQL (generate_series). Times, in one run: a plain scan of the same events
 * (the baseline), the full `access report`, one principal's review, and one person's sessions in a role.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Store } from '../src/store/store.js';
import '../src/lake/schema.js';
import { loadCatalog } from '../src/iam/catalog.js';
import { accessReport, loadGranted, reviewPrincipal } from '../src/access/index.js';
import { authDetails } from '../src/access/testing.js';
import { arg, finalLine, round, timed } from './lib.js';

const events = arg('events', 10_000_000);
const principals = arg('principals', 1000);
const root = resolve(arg('dir', '.bench/access'));
const log = (s: string) => process.stderr.write(s + '\n');

const GENERATOR = 'v2';
const ACCOUNT = '123456789012';
const SERVICES = ['ec2', 's3', 'iam', 'lambda', 'dynamodb', 'sqs', 'sns', 'kms', 'cloudwatch', 'logs', 'rds', 'cloudformation', 'ssm', 'secretsmanager', 'ecr', 'ecs', 'eks', 'elasticloadbalancing', 'autoscaling', 'glue'];
const SOURCE: Record<string, string> = { cloudwatch: 'monitoring' };
const APIS_PER_SERVICE = 15;
const START = Date.parse('2026-01-01T00:00:00Z');
const SPAN_SECONDS = 90 * 86400;

const users = Math.round(principals * 0.7);
const nameOf = (pid: number) => (pid < users ? `u${String(pid).padStart(4, '0')}` : `r${String(pid).padStart(4, '0')}`);
const svcOf = (pid: number) => [pid % SERVICES.length, (pid * 7 + 3) % SERVICES.length] as const;

/** Each principal's policy: two services, full or read-only, sometimes conditional; 1 in 100 is an administrator. */
function statementsOf(pid: number): object[] {
  if (pid % 100 === 0) return [{ Effect: 'Allow', Action: '*', Resource: '*' }];
  const [a, b] = svcOf(pid).map((i) => SERVICES[i]!);
  const read = (s: string) => [`${s}:Describe*`, `${s}:List*`, `${s}:Get*`];
  const st: object[] = [{ Effect: 'Allow', Action: pid % 3 === 0 ? `${a}:*` : read(a!), Resource: '*' }];
  const second = { Effect: 'Allow', Action: pid % 3 === 1 ? `${b}:*` : read(b!), Resource: '*' };
  st.push(pid % 10 === 1 ? { ...second, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } } : second);
  if (pid >= users) st.push({ Effect: 'Deny', Action: 'iam:*', Resource: '*' });
  return st;
}

async function apiRows(): Promise<string> {
  const c = await loadCatalog();
  const rows: string[] = [];
  SERVICES.forEach((s, i) => {
    const all = c.expand(`${s}:*`);
    const reads = all.filter((a) => /:(Describe|List|Get)/.test(a)).slice(0, 10);
    const writes = all.filter((a) => /:(Create|Delete|Put|Update)/.test(a)).slice(0, APIS_PER_SERVICE - reads.length);
    const picked = [...reads, ...writes];
    // Every service gets exactly APIS_PER_SERVICE calls, so every generated event finds its API.
    for (const a of all) if (picked.length < APIS_PER_SERVICE && !picked.includes(a)) picked.push(a);
    picked.forEach((a, k) => rows.push(`(${i}, ${k}, '${SOURCE[s] ?? s}.amazonaws.com', '${a.split(':')[1]}')`));
  });
  return rows.join(',\n');
}

async function generate(store: Store): Promise<void> {
  const bp = Array.from({ length: principals }, (_, pid) => `(${pid}, '${pid < users ? 'user' : 'role'}', '${nameOf(pid)}', ${svcOf(pid)[0]}, ${svcOf(pid)[1]})`);
  await store.run(`CREATE OR REPLACE TEMP TABLE bp AS SELECT * FROM (VALUES ${bp.join(',')}) t(pid, kind, name, s1, s2)`);
  await store.run(`CREATE OR REPLACE TEMP TABLE ba AS SELECT * FROM (VALUES ${await apiRows()}) t(svc, k, src, name)`);
  const n = await store.one<{ n: number }>('SELECT count(*)::INT AS n FROM ba');
  const perService = Math.floor(n!.n / SERVICES.length);
  // Times to the minute over 90 days: realistic enough, and cheap to store.
  const time = (expr: string) => `strftime(TIMESTAMP '2026-01-01 00:00:00' + to_minutes(((${expr}) % ${SPAN_SECONDS / 60})::BIGINT), '%Y-%m-%dT%H:%M:%SZ')`;
  // Identities are built once per principal and key (a role has 7 session keys), not once per event.
  await store.run(`CREATE OR REPLACE TEMP TABLE bk AS SELECT pid, kv, s1, s2, {
      'type': CASE WHEN kind = 'user' THEN 'IAMUser' ELSE 'AssumedRole' END,
      'arn': CASE WHEN kind = 'user' THEN 'arn:aws:iam::${ACCOUNT}:user/' || name ELSE 'arn:aws:sts::${ACCOUNT}:assumed-role/' || name || '/s' END,
      'accountid': '${ACCOUNT}',
      'accesskeyid': CASE WHEN kind = 'user' THEN 'AKIA' || lpad(pid::VARCHAR, 12, '0') ELSE 'ASIA' || lpad(pid::VARCHAR, 8, '0') || 'K' || kv::VARCHAR END,
      'username': CASE WHEN kind = 'user' THEN name END,
      'sessioncontext': CASE WHEN kind = 'role' THEN {'sessionissuer': {'type': 'Role', 'arn': 'arn:aws:iam::${ACCOUNT}:role/' || name, 'accountid': '${ACCOUNT}', 'username': name}} END
    } AS ident
    FROM bp CROSS JOIN range(7) r(kv)`);
  await store.run('SET preserve_insertion_order = false');
  // Calls: 95% within the principal's two services, 5% elsewhere (used but not granted); 3% AccessDenied.
  await store.run(`
    INSERT INTO cloudtrail_logs (eventversion, useridentity, eventtime, eventsource, eventname, awsregion, errorcode, readonly,
      recipientaccountid, eventcategory, account, region, timestamp, sourcefile)
    SELECT '1.09', e.ident, ${time('e.i * 7919')}, ba.src, ba.name, 'us-east-1',
      CASE WHEN e.denied THEN 'AccessDenied' END, 'true', '${ACCOUNT}', 'Management', '${ACCOUNT}', 'us-east-1',
      '2026/01/01', 'bench'
    FROM (
      SELECT x.i, bk.ident, (x.h >> 40) % 33 = 0 AS denied, ((x.h >> 30) % ${perService})::BIGINT AS k,
        (CASE WHEN (x.h >> 10) % 20 = 0 THEN (x.h >> 20) % ${SERVICES.length} WHEN (x.h >> 14) % 2 = 0 THEN bk.s1 ELSE bk.s2 END)::BIGINT AS svc
      FROM (SELECT i, hash(i) AS h FROM generate_series(1, ${events}) t(i)) x
      JOIN bk ON bk.pid = (x.h % ${principals})::BIGINT AND bk.kv = x.i % 7
    ) e
    JOIN ba ON ba.svc = e.svc AND ba.k = e.k`);
  // The AssumeRole behind every role session key: user (pid - users) assumed role pid.
  await store.run(`
    INSERT INTO cloudtrail_logs (eventversion, useridentity, eventtime, eventsource, eventname, awsregion, requestparameters, responseelements,
      eventid, recipientaccountid, eventcategory, account, region, timestamp, sourcefile)
    SELECT '1.09', {'type': 'IAMUser', 'accountid': '${ACCOUNT}', 'username': u.name, 'accesskeyid': 'AKIA' || lpad(u.pid::VARCHAR, 12, '0')},
      '2026-01-01T00:00:00Z', 'sts.amazonaws.com', 'AssumeRole', 'us-east-1',
      json_object('roleArn', 'arn:aws:iam::${ACCOUNT}:role/' || r.name, 'roleSessionName', 's'),
      json_object('credentials', json_object('accessKeyId', 'ASIA' || lpad(r.pid::VARCHAR, 8, '0') || 'K' || k.k::VARCHAR)),
      'ar-' || r.pid || '-' || k.k, '${ACCOUNT}', 'Management', '${ACCOUNT}', 'us-east-1', '2026/01/01', 'bench'
    FROM bp r JOIN bp u ON u.pid = r.pid - ${users} CROSS JOIN range(7) k(k) WHERE r.kind = 'role'`);
}

async function main() {
  mkdirSync(root, { recursive: true });
  // The name carries the generator version: change GENERATOR when the synthetic data changes.
  const db = join(root, `access-${GENERATOR}-${events}-${principals}.duckdb`);
  const iamFile = join(root, `iam-${principals}.json`);
  writeFileSync(
    iamFile,
    JSON.stringify(
      authDetails(ACCOUNT, {
        users: Array.from({ length: users }, (_, pid) => ({ name: nameOf(pid), statements: statementsOf(pid) })),
        roles: Array.from({ length: principals - users }, (_, i) => ({ name: nameOf(users + i), statements: statementsOf(users + i) })),
      }),
    ),
  );
  if (!existsSync(db)) {
    log(`generating ${events} events for ${principals} principals in ${db} ...`);
    const w = await Store.open({ path: db + '.tmp', threads: 2 });
    const g = await timed(() => generate(w));
    w.close();
    rmSync(db, { force: true });
    (await import('node:fs')).renameSync(db + '.tmp', db);
    log(`generated in ${g.seconds.toFixed(1)} s (${round(events / g.seconds / 1e6, 2)} M events/s)`);
  }
  const store = await Store.open({ path: db, readOnly: true, threads: 2 });
  const granted = await loadGranted({ iamFiles: [iamFile] });
  const window = { since: new Date(START) };
  await loadCatalog();
  const stored = (await store.one<{ n: number }>('SELECT count(*) AS n FROM cloudtrail_logs'))!.n;

  log('baseline: plain scan of the same events (the columns the review reads) ...');
  const scan = await timed(() =>
    store.one(`SELECT count(*) AS n FROM cloudtrail_logs WHERE eventtime >= '2026-01-01T00:00:00Z' AND eventsource IS NOT NULL
      AND eventname IS NOT NULL AND coalesce(useridentity.username, useridentity.sessioncontext.sessionissuer.username) IS NOT NULL`),
  );
  log('full access report ...');
  const report = await timed(() => accessReport(store, granted, window));
  log('one principal (a user) ...');
  const one = await timed(() => reviewPrincipal(store, granted, { user: nameOf(1), window }));
  log('one person in one role (session tracing) ...');
  const sess = await timed(() => reviewPrincipal(store, granted, { user: nameOf(1), destrole: nameOf(users + 1), window }));
  store.close();

  const figures = {
    events: stored,
    principals,
    scanSeconds: round(scan.seconds),
    reportSeconds: round(report.seconds),
    principalSeconds: round(one.seconds),
    sessionSeconds: round(sess.seconds),
    ratioReportVsScan: round(report.seconds / scan.seconds, 1),
    ratioPrincipalVsScan: round(one.seconds / scan.seconds, 1),
    ratioSessionVsScan: round(sess.seconds / scan.seconds, 1),
    reportPrincipals: report.value.principals.length,
    principalActions: one.value.actions.length,
    principalUsed: one.value.actions.filter((a) => a.status === 'used').length,
    sessionUsed: sess.value.actions.filter((a) => a.status === 'used').length,
    targets: { reportSeconds: 60, principalSeconds: 2 },
  };
  log(
    [
      `${stored} events, ${principals} principals`,
      `plain scan: ${figures.scanSeconds} s`,
      `access report: ${figures.reportSeconds} s (${figures.ratioReportVsScan}x the scan; target <= 60 s)`,
      `one principal: ${figures.principalSeconds} s (${figures.ratioPrincipalVsScan}x the scan; target <= 2 s)`,
      `one person's sessions in a role: ${figures.sessionSeconds} s (${figures.ratioSessionVsScan}x the scan)`,
    ].join('\n'),
  );
  finalLine(figures);
}

main().catch((e) => {
  process.stderr.write(`bench:access failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(3);
});
