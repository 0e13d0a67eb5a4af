import { parseCidr } from '../../lib/cidr.js';
import { ruleCidrs } from '../../lib/ec2.js';
import { itemCheck, verdict } from '../../lib/factories.js';
import { arr } from '../../lib/snapshot.js';
import { SECURITY_GROUPS } from './instance.js';

export default itemCheck(
  {
    id: 'ec2_sg_cidr_unexpected',
    title: 'Security group CIDRs are well formed',
    severity: 'info',
    service: 'ec2',
    resourceType: 'AwsEc2SecurityGroup',
    description: 'An ingress CIDR starts at 0.0.0.0 (or ::) but is not /0, such as 0.0.0.0/8 or ::/16: almost always a typo for a real network or for "anywhere".',
    risk: 'The rule does not do what its author intended (too open or not open at all).',
    remediation: { console: 'Replace the CIDR with the intended network.', cli: 'aws ec2 revoke-security-group-ingress --group-id <id> --cidr <cidr> ...' },
    references: ['https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html'],
    compliance: {},
    cloudmapper: 'SG_CIDR_UNEXPECTED',
  },
  SECURITY_GROUPS,
  (sg) => {
    const odd = arr(sg.IpPermissions)
      .flatMap(ruleCidrs)
      .map((c) => parseCidr(c.cidr))
      .filter((c) => c !== undefined && c.bits > 0 && c.addr.toNormalizedString().replace(/[0:.]/g, '') === '');
    return verdict(odd.length > 0, `unexpected ${odd.map((c) => c!.text).join(', ')}`, 'CIDRs well formed');
  },
);
