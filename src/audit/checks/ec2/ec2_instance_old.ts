import { itemCheck, verdict } from '../../lib/factories.js';
import { daysBetween } from '../../lib/snapshot.js';
import { INSTANCES } from './instance.js';

export default itemCheck(
  {
    id: 'ec2_instance_old',
    title: 'EC2 instances were launched within the last year',
    severity: 'info',
    service: 'ec2',
    resourceType: 'AwsEc2Instance',
    description:
      'The instance was launched more than 365 days before the snapshot, so it has likely missed patches and rebuilds. CloudMapper measures age against the credential report\'s GeneratedTime, which is not the collection time when the report was cached; vigil uses the snapshot time.',
    risk: 'Long-lived hosts drift from their images and accumulate unpatched software.',
    remediation: { console: 'Rebuild the instance from a current image (or automate replacement).', cli: 'aws ec2 run-instances --image-id <current-ami> ...' },
    references: ['https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_protect_compute_reduce_surface.html'],
    compliance: {},
    cloudmapper: 'EC2_OLD',
  },
  INSTANCES,
  (i, _w, snap) => {
    const age = daysBetween(i.LaunchTime, snap.time);
    if (age === undefined) return { unknown: 'no LaunchTime' };
    return verdict(age > 365, `launched ${age} days ago`, `launched ${age} days ago`);
  },
);
