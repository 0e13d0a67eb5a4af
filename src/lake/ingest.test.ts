import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Store } from '../store/store.js';
import { Ingestor, insertRecords, pendingFiles } from './ingest.js';
import type { LogFile } from './sources.js';
import { ConfigSchema } from '../config/schema.js';
import './schema.js';

const FIX = resolve('test/fixtures/cloudtrail');
const lake = ConfigSchema.parse({}).lake;

/** Real records from the fixtures (stratus-red-team arrays). */
function stratus(name: string): Record<string, unknown>[] {
  return JSON.parse(readFileSync(join(FIX, name), 'utf8'));
}

function fileOf(path: string): LogFile {
  const st = statSync(path);
  return { key: path, path, size: st.size, version: String(st.mtimeMs) };
}

describe('lake ingestion', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-ingest-'));
    store = await Store.open({ path: join(dir, 'v.duckdb'), threads: 2 });
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function ingestFiles(paths: string[]) {
    const ing = new Ingestor(store, { lake });
    const files = await pendingFiles(store, paths.map(fileOf));
    await ing.start(paths, paths.length, paths.length - files.length);
    if (files.length) await ing.ingestBatch(files);
    return ing.finish(paths);
  }

  async function count(where = 'true'): Promise<number> {
    return (await store.one<{ n: number }>(`SELECT count(*) AS n FROM cloudtrail_logs WHERE ${where}`))!.n;
  }

  it('reads every supported format, mapping fields to Athena columns', async () => {
    const stop = stratus('aws.defense-evasion.cloudtrail-stop.json');
    const admin = stratus('aws.persistence.iam-create-admin-user.json');
    const secrets = stratus('aws.credential-access.secretsmanager-retrieve-secrets.json');
    const recordsGz = join(dir, 'delivery.json.gz');
    writeFileSync(recordsGz, gzipSync(JSON.stringify({ Records: stop })));
    const recordsPlain = join(dir, 'delivery.json');
    writeFileSync(recordsPlain, JSON.stringify({ Records: admin }));
    const bareArray = join(FIX, 'aws.credential-access.secretsmanager-retrieve-secrets.json');
    const ndjson = join(FIX, 'panther_compromised_root_attacker.ndjson');
    const eventbridge = join(dir, 'eventbridge.ndjson');
    writeFileSync(
      eventbridge,
      secrets
        .slice(0, 3)
        .map((r, i) => JSON.stringify({ version: '0', id: `eb-${i}`, 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.secretsmanager', detail: { ...r, eventID: `eb-copy-${i}` } }))
        .join('\n'),
    );
    const logstash = join(FIX, 'otrf_ec2_proxy_s3_exfiltration.ndjson');
    const traildiscover = join(FIX, 'traildiscover_examples_first60.ndjson');

    const r = await ingestFiles([recordsGz, recordsPlain, bareArray, ndjson, eventbridge, logstash, traildiscover]);
    expect(r.errors).toEqual([]);
    const formats = await store.all<{ key: string; format: string; records: number }>(`SELECT key, format, records FROM lake_files ORDER BY key`);
    const fmt = Object.fromEntries(formats.map((f) => [f.key, f.format]));
    expect(fmt[recordsGz]).toBe('records');
    expect(fmt[bareArray]).toBe('array');
    expect(fmt[ndjson]).toBe('ndjson');
    expect(fmt[eventbridge]).toBe('eventbridge');
    const otrfLines = readFileSync(logstash, 'utf8').trim().split('\n').length;
    expect(await count(`sourcefile = '${logstash}'`)).toBe(otrfLines);
    expect(await count(`sourcefile = '${traildiscover}'`)).toBe(60);

    // Logstash exports: eventTime comes from @timestamp, without milliseconds.
    const first = JSON.parse(readFileSync(logstash, 'utf8').split('\n')[0]!);
    const row = await store.one<{ eventtime: string; arn: string }>(
      `SELECT eventtime, useridentity.arn AS arn FROM cloudtrail_logs WHERE eventid = ?`,
      [first.eventID],
    );
    expect(row).toEqual({ eventtime: first['@timestamp'].replace(/\.\d{3}Z$/, 'Z'), arn: first.userIdentity.arn });

    // Athena's column names and shapes: struct paths, JSON text, renamed tls field, partition columns.
    const s = stop[0]!;
    const got = await store.one(
      `SELECT eventname, useridentity.sessioncontext.sessionissuer.arn AS issuer, json_extract_string(requestparameters, '$.name') AS trail,
              tlsdetails.clienthostheader AS host, readonly, account, region, timestamp, sourcefile
       FROM cloudtrail_logs WHERE eventid = ?`,
      [s.eventID as string],
    );
    const ui = s.userIdentity as { sessionContext?: { sessionIssuer?: { arn?: string } } };
    expect(got).toEqual({
      eventname: 'StopLogging',
      issuer: ui.sessionContext?.sessionIssuer?.arn ?? null,
      trail: (s.requestParameters as { name: string }).name,
      host: (s.tlsDetails as { clientProvidedHostHeader?: string } | undefined)?.clientProvidedHostHeader ?? null,
      readonly: s.readOnly === undefined ? null : String(s.readOnly),
      account: s.recipientAccountId,
      region: s.awsRegion,
      timestamp: (s.eventTime as string).slice(0, 10).replaceAll('-', '/'),
      sourcefile: recordsGz,
    });
  });

  it('stores a record delivered twice once, and a re-run reads nothing', async () => {
    const recs = stratus('aws.credential-access.secretsmanager-retrieve-secrets.json');
    const a = join(dir, 'trail-a.json.gz');
    const b = join(dir, 'trail-b.json.gz');
    writeFileSync(a, gzipSync(JSON.stringify({ Records: recs })));
    // The second trail delivers the same records, some twice within the file.
    writeFileSync(b, gzipSync(JSON.stringify({ Records: [...recs.slice(0, 5), ...recs, ...recs.slice(0, 5)] })));
    const distinct = new Set(recs.map((r) => `${r.eventID}|${r.recipientAccountId}`)).size;
    const r1 = await ingestFiles([a, b]);
    expect(r1.inserted).toBe(distinct);
    expect(await count()).toBe(distinct);
    // A second run: nothing pending, nothing added.
    const r2 = await ingestFiles([a, b]);
    expect(r2.filesSkipped).toBe(2);
    expect(r2.inserted).toBe(0);
    expect(r2.filesIngested).toBe(0);
    expect(await count()).toBe(distinct);
    // The same records again from another file (overlapping sources): read, but nothing stored twice.
    const c = join(dir, 'copy.json');
    writeFileSync(c, JSON.stringify(recs));
    const r3 = await ingestFiles([c]);
    expect(r3.filesIngested).toBe(1);
    expect(r3.inserted).toBe(0);
    expect(await count()).toBe(distinct);
    // The manifest says per file how many records were read and how many of them were new (a and b share one
    // batch, read in parallel: either may hold the first copy of a record).
    const manifest = await store.all<{ key: string; records: number; inserted: number }>(`SELECT key, records, inserted FROM lake_files`);
    const byKey = Object.fromEntries(manifest.map((m) => [m.key, m]));
    expect([byKey[a]!.records, byKey[b]!.records, byKey[c]!.records]).toEqual([recs.length, recs.length + 10, recs.length]);
    expect(byKey[a]!.inserted + byKey[b]!.inserted).toBe(distinct);
    expect(byKey[c]!.inserted).toBe(0);
  });

  it('keeps row ids append-only when a batch drops duplicates (readers resume from the highest id)', async () => {
    const recs = stratus('aws.persistence.iam-create-admin-user.json');
    const first = join(dir, 'first.json.gz');
    writeFileSync(first, gzipSync(JSON.stringify({ Records: recs })));
    await ingestFiles([first]);
    const top = (await store.one<{ top: number }>(`SELECT max(rowid) AS top FROM cloudtrail_logs`))!.top;
    // A batch of new records with stored ones and in-batch copies mixed in: only the new ones are added, after top.
    const fresh = recs.map((r) => ({ ...r, eventID: `${r.eventID}-fresh` }));
    const mixed = join(dir, 'mixed.json.gz');
    writeFileSync(mixed, gzipSync(JSON.stringify({ Records: [...recs, ...fresh, ...fresh.slice(0, 3)] })));
    const r = await ingestFiles([mixed]);
    expect(r.inserted).toBe(fresh.length);
    const rows = await store.all<{ id: number; eventid: string }>(`SELECT rowid AS id, eventid FROM cloudtrail_logs WHERE rowid > ? ORDER BY rowid`, [top]);
    expect(rows.map((x) => x.eventid).sort()).toEqual(fresh.map((x) => x.eventID as string).sort());
    // No holes: the ids continue from top.
    expect(rows.map((x) => x.id)).toEqual(fresh.map((_, i) => top + 1 + i));
  });

  it('reads pretty-printed delivery files, and one-line files with a line break past the sniffed head', async () => {
    const recs = stratus('aws.credential-access.secretsmanager-retrieve-secrets.json');
    const pretty = join(dir, 'pretty.json.gz');
    writeFileSync(pretty, gzipSync(JSON.stringify({ Records: recs }, null, 2)));
    // ~60 KB on one line, with a line break between two records half-way: read as one line first, then as a document.
    const many = Array.from({ length: 60 }, (_, i) => ({ ...recs[i % recs.length]!, eventID: `late-break-${i}` }));
    const text = JSON.stringify({ Records: many });
    const cut = text.indexOf('},{"', text.length / 2) + 1;
    expect(cut).toBeGreaterThan(20_000); // past the 16 KB a plain file is sniffed by
    const late = join(dir, 'late-break.json');
    writeFileSync(late, `${text.slice(0, cut)},\n${text.slice(cut + 1)}`);
    const r = await ingestFiles([pretty, late]);
    expect(r.errors).toEqual([]);
    expect(await count(`sourcefile = '${pretty}'`)).toBe(recs.length);
    expect(await count(`sourcefile = '${late}'`)).toBe(many.length);
  });

  it('reports each bad file with a reason and keeps every good one', async () => {
    const good = stratus('aws.persistence.iam-create-admin-user.json');
    const good2 = stratus('aws.defense-evasion.cloudtrail-stop.json');
    const p = (n: string) => join(dir, n);
    writeFileSync(p('good.json.gz'), gzipSync(JSON.stringify({ Records: good })));
    const gz = gzipSync(JSON.stringify({ Records: good2 }));
    writeFileSync(p('corrupt.json.gz'), Buffer.concat([gz.subarray(0, 20), Buffer.from('garbage-not-deflate'), gz.subarray(40)]));
    const text = JSON.stringify({ Records: good2 });
    writeFileSync(p('truncated.json.gz'), gzipSync(text.slice(0, text.length - 40)));
    writeFileSync(p('truncated.json'), text.slice(0, text.length - 40));
    writeFileSync(p('not-cloudtrail.json'), JSON.stringify({ Records: [{ foo: 1 }, { bar: 2 }] }));
    writeFileSync(p('not-cloudtrail-array.json'), JSON.stringify([{ hello: 'world' }]));
    writeFileSync(p('empty.json'), '');
    writeFileSync(p('empty.json.gz'), gzipSync(''));
    writeFileSync(p('good2.json'), JSON.stringify(good2.map((r) => ({ ...r, eventID: `${r.eventID}-2` }))));
    const files = readdirSync(dir).filter((f) => /\.json/.test(f)).map(p);
    const r = await ingestFiles(files);
    const reasons = Object.fromEntries(r.errors.map((e) => [e.key.split('/').pop(), e.error]));
    expect(Object.keys(reasons).sort()).toEqual(
      ['corrupt.json.gz', 'empty.json', 'empty.json.gz', 'not-cloudtrail-array.json', 'not-cloudtrail.json', 'truncated.json', 'truncated.json.gz'].sort(),
    );
    expect(reasons['corrupt.json.gz']).toMatch(/gzip/i);
    expect(reasons['empty.json']).toMatch(/empty/);
    expect(reasons['not-cloudtrail.json']).toMatch(/not CloudTrail/);
    expect(reasons['not-cloudtrail-array.json']).toMatch(/not a CloudTrail record/);
    expect(reasons['truncated.json']).toMatch(/truncated|invalid JSON/i);
    for (const e of r.errors) expect(e.error).not.toMatch(/\n/);
    expect(await count()).toBe(good.length + good2.length);
    const status = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lake_files WHERE status = 'error'`);
    expect(status[0]!.n).toBe(7);
  });

  it('reports an oversized file instead of loading it', async () => {
    const recs = stratus('aws.credential-access.secretsmanager-retrieve-secrets.json');
    const big = join(dir, 'big.json');
    writeFileSync(big, JSON.stringify(recs));
    const ing = new Ingestor(store, { lake: { ...lake, maxObjectBytes: 1024 } });
    await ing.start([big], 1, 0);
    await ing.ingestBatch([fileOf(big)]);
    const r = await ing.finish([big]);
    expect(r.errors[0]!.error).toMatch(/oversized/);
    expect(await count()).toBe(0);
  });

  it('a delivery file larger than the read buffer is retried alone and loaded; past lake.maxObjectBytes it is reported', async () => {
    const base = stratus('aws.credential-access.secretsmanager-retrieve-secrets.json');
    // ~20 MB of one {"Records":[...]} document: above the 16 MiB DuckDB reads by default.
    const recs = Array.from({ length: 12_000 }, (_, i) => ({ ...base[i % base.length]!, eventID: `big-${i}`, userAgent: 'x'.repeat(1200) }));
    const big = join(dir, 'big.json.gz');
    writeFileSync(big, gzipSync(JSON.stringify({ Records: recs }), { level: 1 }));
    const r = await ingestFiles([big]);
    expect(r.errors).toEqual([]);
    expect(await count()).toBe(recs.length);

    const other = join(dir, 'other.json.gz');
    writeFileSync(other, gzipSync(JSON.stringify({ Records: recs.map((x) => ({ ...x, eventID: `other-${x.eventID}` })) }), { level: 1 }));
    const ing = new Ingestor(store, { lake: { ...lake, maxObjectBytes: 17 * 1024 * 1024 } });
    await ing.start([other], 1, 0);
    await ing.ingestBatch([fileOf(other)]);
    const r2 = await ing.finish([other]);
    expect(r2.errors).toHaveLength(1);
    expect(r2.errors[0]!.error).toMatch(/oversized/);
    expect(await count()).toBe(recs.length);
  });

  it('insertRecords loads objects directly with the same de-duplication', async () => {
    const recs = stratus('aws.defense-evasion.cloudtrail-stop.json');
    expect(await insertRecords(store, recs)).toBe(recs.length);
    expect(await insertRecords(store, recs)).toBe(0);
    expect(await count()).toBe(recs.length);
  });
});
