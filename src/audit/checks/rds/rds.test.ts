import { describe } from 'vitest';
import { runAllCases, type Cases } from '../../lib/check-cases.js';
import { fail, memorySnapshot } from '../../lib/memory.js';
import { RDS_CHECKS } from './index.js';

const R = 'ap-southeast-2';
const snap = (calls: Record<string, unknown>) => memorySnapshot({ calls: Object.fromEntries(Object.entries(calls).map(([k, v]) => [`${R}/${k}`, v])) });
const missing = memorySnapshot({ calls: { [`${R}/sts-get-caller-identity`]: {} } });
const GOOD = {
  DBInstanceIdentifier: 'db1',
  DBInstanceArn: 'arn:aws:rds:ap-southeast-2:111122223333:db:db1',
  Engine: 'postgres',
  PubliclyAccessible: false,
  DBSubnetGroup: { VpcId: 'vpc-1' },
  StorageEncrypted: true,
  AutoMinorVersionUpgrade: true,
  BackupRetentionPeriod: 7,
  DeletionProtection: true,
  MultiAZ: true,
  IAMDatabaseAuthenticationEnabled: true,
};
const db = (fields: Record<string, unknown>) => snap({ 'rds-describe-db-instances': { DBInstances: [{ ...GOOD, ...fields }] } });
const BREAK: Record<string, Record<string, unknown>> = {
  rds_instance_not_public: { PubliclyAccessible: true },
  rds_instance_in_vpc: { DBSubnetGroup: undefined },
  rds_instance_storage_encrypted: { StorageEncrypted: false },
  rds_instance_auto_minor_upgrade: { AutoMinorVersionUpgrade: false },
  rds_instance_backup_enabled: { BackupRetentionPeriod: 1 },
  rds_instance_deletion_protection: { DeletionProtection: false },
  rds_instance_multi_az: { MultiAZ: false },
  rds_instance_iam_authentication: { IAMDatabaseAuthenticationEnabled: false },
};
const table: Record<string, Cases> = Object.fromEntries(
  Object.entries(BREAK).map(([id, b]) => [id, { pass: db({}), fail: db(b), unknown: [missing, snap({ 'rds-describe-db-instances': fail() })] }]),
);
const snapshots = { DBSnapshots: [{ DBSnapshotIdentifier: 's1', SnapshotType: 'manual' }] };
table.rds_snapshot_not_public = {
  pass: snap({ 'rds-describe-db-snapshots': snapshots, 'rds-describe-db-snapshot-attributes/s1': { DBSnapshotAttributesResult: { DBSnapshotAttributes: [{ AttributeName: 'restore', AttributeValues: ['999988887777'] }] } } }),
  fail: snap({ 'rds-describe-db-snapshots': snapshots, 'rds-describe-db-snapshot-attributes/s1': { DBSnapshotAttributesResult: { DBSnapshotAttributes: [{ AttributeName: 'restore', AttributeValues: ['all'] }] } } }),
  unknown: [missing, snap({ 'rds-describe-db-snapshots': snapshots })],
};

describe('rds checks', () => {
  runAllCases(RDS_CHECKS, table);
});
