import { itemCheck, verdict } from '../../lib/factories.js';
import { arr, get } from '../../lib/snapshot.js';

export default itemCheck(
  {
    id: 'rds_snapshot_not_public',
    title: 'RDS snapshots are not public',
    severity: 'critical',
    service: 'rds',
    resourceType: 'AwsRdsDbSnapshot',
    description:
      'The manual DB snapshot\'s restore attribute includes "all" (rds describe-db-snapshot-attributes). CloudMapper raises on a snapshot whose attributes are missing, which aborts the rest of that region\'s audit; vigil reports that snapshot as unknown.',
    risk: 'Anyone can restore the database from the snapshot.',
    remediation: { console: 'RDS > Snapshots > snapshot > Actions > Share snapshot > Private.', cli: 'aws rds modify-db-snapshot-attribute --db-snapshot-identifier <id> --attribute-name restore --values-to-remove all' },
    references: ['https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html'],
    compliance: { fsbp: ['RDS.1'] },
    cloudmapper: 'RDS_PUBLIC_SNAPSHOT',
  },
  {
    call: 'rds-describe-db-snapshots',
    items: (d) => arr(d.DBSnapshots),
    id: (s, w) => s.DBSnapshotArn ?? `arn:${w.partition}:rds:${w.region}:${w.account}:snapshot:${s.DBSnapshotIdentifier}`,
    name: (s) => s.DBSnapshotIdentifier,
  },
  (s, w, snap) => {
    if (s.SnapshotType === 'automated') return { bad: false, reason: 'automated snapshots cannot be shared' };
    const attrs = get(snap, w.account, w.region, 'rds-describe-db-snapshot-attributes', s.DBSnapshotIdentifier);
    if (!attrs.ok) return { unknown: attrs.reason };
    const restore = arr(attrs.data.DBSnapshotAttributesResult?.DBSnapshotAttributes).find((a) => a.AttributeName === 'restore');
    return verdict(arr(restore?.AttributeValues).includes('all'), 'restorable by anyone', 'not public');
  },
);
