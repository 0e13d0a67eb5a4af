import { cidrSize, isInternal, isUnblockable, parseCidr } from '../../lib/cidr.js';
import { ruleCidrs } from '../../lib/ec2.js';
import { itemCheck, verdict } from '../../lib/factories.js';
import { arr } from '../../lib/snapshot.js';
import { SECURITY_GROUPS } from './instance.js';

export default itemCheck(
  {
    id: 'ec2_sg_large_cidr',
    title: 'Security groups do not allow large public IPv4 ranges',
    severity: 'info',
    service: 'ec2',
    resourceType: 'AwsEc2SecurityGroup',
    description:
      'An ingress rule allows a public IPv4 range of more than 2048 addresses (wider than /21) that is not 0.0.0.0/0 (open-to-the-world rules have their own checks). CloudMapper reports the CIDR itself per region; vigil reports each security group that contains it.',
    risk: 'A large range lets in many parties you do not control while looking like a restriction.',
    remediation: { console: 'Narrow the range to the addresses that need access.', cli: 'aws ec2 revoke-security-group-ingress --group-id <id> --cidr <cidr> ...' },
    references: ['https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html'],
    compliance: {},
    cloudmapper: 'SG_LARGE_CIDR',
  },
  SECURITY_GROUPS,
  (sg) => {
    const large = arr(sg.IpPermissions)
      .flatMap(ruleCidrs)
      .map((c) => parseCidr(c.cidr))
      .filter((c) => c !== undefined && !c.v6 && c.bits > 0 && !isInternal(c) && !isUnblockable(c) && cidrSize(c) > 2048);
    return verdict(large.length > 0, `large ranges ${large.map((c) => c!.text).join(', ')}`, 'no large public ranges');
  },
);
