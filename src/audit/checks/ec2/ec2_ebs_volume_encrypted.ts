import { ec2Arn } from '../../lib/ec2.js';
import { itemCheck, verdict } from '../../lib/factories.js';
import { arr, tagsOf } from '../../lib/snapshot.js';

export default itemCheck(
  {
    id: 'ec2_ebs_volume_encrypted',
    title: 'EBS volumes are encrypted',
    severity: 'medium',
    service: 'ec2',
    resourceType: 'AwsEc2Volume',
    description: 'The EBS volume has Encrypted = true.',
    risk: 'Unencrypted volumes and their snapshots expose data at rest.',
    remediation: { console: 'Snapshot the volume, copy the snapshot with encryption, create a volume from it and swap.', cli: 'aws ec2 copy-snapshot --encrypted --source-snapshot-id <id> --source-region <r>' },
    references: ['https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html'],
    compliance: { fsbp: ['EC2.3'] },
  },
  { call: 'ec2-describe-volumes', items: (d) => arr(d.Volumes), id: (v, w) => ec2Arn(w, 'volume', v.VolumeId), name: (v) => tagsOf(v.Tags)?.Name ?? v.VolumeId, tags: (v) => tagsOf(v.Tags) },
  (v) => verdict(v.Encrypted !== true, 'unencrypted volume', 'encrypted'),
);
