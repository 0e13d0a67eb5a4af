/**
 * The Athena side of the lake: the same table definition, as Hive DDL with partition projection over the trail
 * bucket (single-account or organisation trails), generated from src/lake/schema.ts so both stay identical.
 */
import { hiveColumns } from '../lake/schema.js';
import type { Config } from '../config/schema.js';
import { UsageError } from '../util/errors.js';

export type AthenaConfig = Config['athena'];

/** s3://bucket/prefix/AWSLogs[/o-org]/ — where the trail's account folders are. */
export function logsRoot(cfg: AthenaConfig): string {
  if (!cfg.bucket) throw new UsageError('vigil.yaml: athena.bucket is required (the trail bucket)');
  const prefix = cfg.prefix.replace(/^\/+|\/+$/g, '');
  return `s3://${cfg.bucket}/${prefix ? prefix + '/' : ''}AWSLogs/${cfg.orgId ? cfg.orgId + '/' : ''}`;
}

/** CREATE EXTERNAL TABLE with partition projection on account, region and day (`timestamp`, yyyy/MM/dd). */
export function athenaDdl(cfg: AthenaConfig): string {
  if (cfg.accounts.length === 0) throw new UsageError('vigil.yaml: athena.accounts must list the accounts the trail covers');
  if (cfg.regions.length === 0) throw new UsageError('vigil.yaml: athena.regions must list the regions the trail covers');
  const root = logsRoot(cfg);
  const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const props: [string, string][] = [
    ['projection.enabled', 'true'],
    ['projection.account.type', 'enum'],
    ['projection.account.values', cfg.accounts.join(',')],
    ['projection.region.type', 'enum'],
    ['projection.region.values', cfg.regions.join(',')],
    ['projection.timestamp.type', 'date'],
    ['projection.timestamp.format', 'yyyy/MM/dd'],
    ['projection.timestamp.range', `${cfg.startDate},NOW`],
    ['projection.timestamp.interval', '1'],
    ['projection.timestamp.interval.unit', 'DAYS'],
    ['storage.location.template', `${root}\${account}/CloudTrail/\${region}/\${timestamp}`],
  ];
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${cfg.database}.${cfg.table} (`,
    hiveColumns().map((c) => `  ${c}`).join(',\n'),
    ')',
    'PARTITIONED BY (account string, region string, `timestamp` string)',
    "ROW FORMAT SERDE 'com.amazon.emr.hive.serde.CloudTrailSerde'",
    "STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'",
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
    `LOCATION ${q(root)}`,
    'TBLPROPERTIES (',
    props.map(([k, v]) => `  ${q(k)}=${q(v)}`).join(',\n'),
    ')',
  ].join('\n');
}
