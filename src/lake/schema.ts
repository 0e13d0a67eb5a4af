/**
 * The lake table mirrors AWS's documented Athena CloudTrail table (create-cloudtrail-table.html), so SQL written
 * for Athena runs here unchanged. CloudTrail's JSON keys are camelCase and DuckDB's JSON reader matches keys
 * case-sensitively, so each field is declared once by its JSON key; the table's column and struct field names are
 * the key lowercased (DuckDB identifiers and struct casts are case-insensitive), as in Athena.
 */
import { registerSchema, type Store } from '../store/store.js';

/** A field of a CloudTrail record: its JSON key, its type, and (for structs) its fields. */
interface Field {
  key: string;
  type: string | Field[];
  /** A list of structs. */
  list?: boolean;
  /** Athena's name when it is not simply the key lowercased. */
  column?: string;
}

const s = (key: string, column?: string): Field => ({ key, type: 'VARCHAR', column });
const json = (key: string): Field => ({ key, type: 'JSON' });
const struct = (key: string, fields: Field[], list = false): Field => ({ key, type: fields, list });

const sessionIssuer = struct('sessionIssuer', [s('type'), s('principalId'), s('arn'), s('accountId'), s('userName')]);

/** userIdentity as in Athena, plus sessionContext.sourceIdentity (the access review follows it). */
const userIdentity = struct('userIdentity', [
  s('type'),
  s('principalId'),
  s('arn'),
  s('accountId'),
  s('invokedBy'),
  s('accessKeyId'),
  s('userName'),
  struct('onBehalfOf', [s('userId'), s('identityStoreArn')]),
  struct('sessionContext', [
    struct('attributes', [s('mfaAuthenticated'), s('creationDate')]),
    sessionIssuer,
    s('ec2RoleDelivery'),
    struct('webIdFederationData', [s('federatedProvider'), { key: 'attributes', type: 'MAP(VARCHAR, VARCHAR)' }]),
    s('sourceIdentity'),
  ]),
]);

/** Record fields in Athena's column order. */
export const RECORD_FIELDS: Field[] = [
  s('eventVersion'),
  userIdentity,
  s('eventTime'),
  s('eventSource'),
  s('eventName'),
  s('awsRegion'),
  s('sourceIPAddress'),
  s('userAgent'),
  s('errorCode'),
  s('errorMessage'),
  json('requestParameters'),
  json('responseElements'),
  json('additionalEventData'),
  s('requestID'),
  s('eventID'),
  struct('resources', [s('ARN'), s('accountId'), s('type')], true),
  s('eventType'),
  s('apiVersion'),
  s('readOnly'),
  s('recipientAccountId'),
  json('serviceEventDetails'),
  s('sharedEventID'),
  s('vpcEndpointId'),
  s('vpcEndpointAccountId'),
  s('eventCategory'),
  struct('addendum', [s('reason'), s('updatedFields'), s('originalRequestID'), s('originalEventID')]),
  s('sessionCredentialFromConsole'),
  json('edgeDeviceDetails'),
  struct('tlsDetails', [s('tlsVersion'), s('cipherSuite'), s('clientProvidedHostHeader', 'clienthostheader')]),
];

/** Columns vigil adds, like Athena's partition-projection columns, plus where each row came from. */
export const PARTITION_COLUMNS = [
  { name: 'account', type: 'VARCHAR', doc: 'recipientAccountId (the account whose trail recorded the event)' },
  { name: 'region', type: 'VARCHAR', doc: 'awsRegion' },
  { name: 'timestamp', type: 'VARCHAR', doc: "event date as 'yyyy/MM/dd', as in Athena's partition projection" },
  { name: 'sourcefile', type: 'VARCHAR', doc: 'the log file (path or s3:// URL) the row was read from' },
] as const;

const columnName = (f: Field) => f.column ?? f.key.toLowerCase();

function typeOf(f: Field, names: 'json' | 'table'): string {
  if (typeof f.type === 'string') return names === 'table' && f.type === 'JSON' ? 'JSON' : f.type;
  const inner = f.type.map((x) => `${names === 'json' ? quoteIdent(x.key) : columnName(x)} ${typeOf(x, names)}`);
  return `STRUCT(${inner.join(', ')})${f.list ? '[]' : ''}`;
}

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/i.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** DuckDB type of one record as CloudTrail writes it (camelCase keys), for read_json's `columns`. */
export function recordReadType(): string {
  return typeOf(struct('r', RECORD_FIELDS), 'json');
}

/** Projection from a read record `r` to the table's columns (renaming what Athena renames). */
export function recordProjection(r = 'r'): string {
  return RECORD_FIELDS.map((f) => `${projectField(f, `${r}.${quoteIdent(f.key)}`)} AS ${columnName(f)}`).join(',\n  ');
}

function projectField(f: Field, expr: string): string {
  if (typeof f.type === 'string' || f.list) return expr;
  // Only structs with a renamed field need rebuilding; the rest cast by name (case-insensitive).
  if (!hasRename(f)) return expr;
  const parts = f.type.map((x) => `'${columnName(x)}': ${projectField(x, `${expr}.${quoteIdent(x.key)}`)}`);
  return `CASE WHEN ${expr} IS NULL THEN NULL ELSE {${parts.join(', ')}} END`;
}

function hasRename(f: Field): boolean {
  if (typeof f.type === 'string') return false;
  return f.type.some((x) => x.column !== undefined || hasRename(x));
}

/** The partition-like columns computed from the projected row. */
export function partitionProjection(r = 'r', sourceExpr = 'filename'): string {
  const t = `${r}.eventTime`;
  return [
    `coalesce(${r}.recipientAccountId, ${r}.userIdentity.accountId) AS account`,
    `${r}.awsRegion AS region`,
    `substr(${t}, 1, 4) || '/' || substr(${t}, 6, 2) || '/' || substr(${t}, 9, 2) AS timestamp`,
    `${sourceExpr} AS sourcefile`,
  ].join(',\n  ');
}

export const TABLE = 'cloudtrail_logs';

/** Hive type of a field, for Athena's DDL (same names and shapes as the local table). */
function hiveType(f: Field): string {
  if (typeof f.type === 'string') {
    if (f.type === 'MAP(VARCHAR, VARCHAR)') return 'map<string,string>';
    return 'string';
  }
  const inner = `struct<${f.type.map((x) => `${columnName(x)}:${hiveType(x)}`).join(',')}>`;
  return f.list ? `array<${inner}>` : inner;
}

/** The record columns as Hive DDL lines (`name type`), in the table's order. */
export function hiveColumns(): string[] {
  return RECORD_FIELDS.map((f) => `${columnName(f)} ${hiveType(f)}`);
}

/** CREATE TABLE for the lake, columns in Athena's order then the partition-like ones. */
export function createTableSql(name = TABLE): string {
  const cols = [
    ...RECORD_FIELDS.map((f) => `${columnName(f)} ${typeOf(f, 'table')}`),
    ...PARTITION_COLUMNS.map((c) => `${c.name} ${c.type}`),
  ];
  return `CREATE TABLE IF NOT EXISTS ${name} (\n  ${cols.join(',\n  ')}\n)`;
}

/** The manifest: one row per source file ever seen, written in the same transaction as its events. */
export const MANIFEST_SQL = `CREATE TABLE IF NOT EXISTS lake_files (
  key VARCHAR PRIMARY KEY,      -- absolute path, s3://bucket/key, or stdin:<sha256>
  size BIGINT,
  version VARCHAR,              -- mtime (ms) for files, ETag for S3 objects, sha256 for stdin
  records BIGINT,               -- records read from the file
  inserted BIGINT,              -- of which new (the rest were already stored: duplicates)
  status VARCHAR,               -- done | error
  error VARCHAR,                -- one-line reason when status = error
  format VARCHAR,               -- records | array | ndjson | eventbridge | ...
  run_id VARCHAR,
  ingested_at TIMESTAMP
)`;

export const RUNS_SQL = `CREATE TABLE IF NOT EXISTS lake_runs (
  run_id VARCHAR PRIMARY KEY,
  started_at TIMESTAMP,
  finished_at TIMESTAMP,
  sources VARCHAR,
  files_seen BIGINT,
  files_skipped BIGINT,
  files_ingested BIGINT,
  files_failed BIGINT,
  digests_skipped BIGINT,
  inserted BIGINT,
  bytes BIGINT,
  status VARCHAR                -- ok | partial | failed | running
)`;

export async function ensureLakeSchema(store: Store): Promise<void> {
  await store.run(createTableSql());
  await store.run(MANIFEST_SQL);
  await store.run(RUNS_SQL);
}

registerSchema(ensureLakeSchema);
