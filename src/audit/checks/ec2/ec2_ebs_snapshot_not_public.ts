import { ec2Arn } from '../../lib/ec2.js';
import { itemCheck, verdict } from '../../lib/factories.js';
import { arr, get } from '../../lib/snapshot.js';

export default itemCheck(
  {
    id: 'ec2_ebs_snapshot_not_public',
    title: 'EBS snapshots are not public',
    severity: 'critical',
    service: 'ec2',
    resourceType: 'AwsEc2Snapshot',
    description: 'The snapshot\'s createVolumePermission includes the group "all" (ec2 describe-snapshot-attribute), in every region.',
    risk: 'Anyone can create a volume from the snapshot and read the disk.',
    remediation: { console: 'EC2 > Snapshots > snapshot > Actions > Modify permissions > Private.', cli: 'aws ec2 modify-snapshot-attribute --snapshot-id <id> --attribute createVolumePermission --operation-type remove --group-names all' },
    references: ['https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html'],
    compliance: { fsbp: ['EC2.1'] },
    cloudmapper: 'EBS_SNAPSHOT_PUBLIC',
  },
  { call: 'ec2-describe-snapshots', items: (d) => arr(d.Snapshots), id: (s, w) => ec2Arn(w, 'snapshot', s.SnapshotId).replace(`:${w.account}:snapshot`, `::snapshot`), name: (s) => s.SnapshotId },
  (s, w, snap) => {
    const attr = get(snap, w.account, w.region, 'ec2-describe-snapshot-attribute', s.SnapshotId);
    if (!attr.ok) return { unknown: attr.reason };
    const groups = arr(attr.data.CreateVolumePermissions).filter((p) => p.Group === 'all');
    return verdict(groups.length > 0, 'anyone can create a volume from it', 'not public');
  },
);
