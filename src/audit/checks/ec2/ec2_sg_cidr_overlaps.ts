import { cidrOverlaps, parseCidr } from '../../lib/cidr.js';
import { ruleCidrs } from '../../lib/ec2.js';
import { itemCheck, verdict } from '../../lib/factories.js';
import { arr } from '../../lib/snapshot.js';
import { SECURITY_GROUPS } from './instance.js';

export default itemCheck(
  {
    id: 'ec2_sg_cidr_overlaps',
    title: 'Security group rules do not list overlapping CIDRs',
    severity: 'low',
    service: 'ec2',
    resourceType: 'AwsEc2SecurityGroup',
    description: 'One ingress permission lists two CIDRs where one contains the other, usually a restriction later widened. CloudMapper only reads IPv4 ranges; vigil also compares IPv6 ranges.',
    risk: 'The narrow CIDR suggests a restriction that the wider one silently defeats.',
    remediation: { console: 'Remove the redundant CIDR and confirm the wider one is intended.', cli: 'aws ec2 revoke-security-group-ingress --group-id <id> --ip-permissions ...' },
    references: ['https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html'],
    compliance: {},
    cloudmapper: 'SG_CIDR_OVERLAPS',
  },
  SECURITY_GROUPS,
  (sg) => {
    const overlaps: string[] = [];
    for (const perm of arr(sg.IpPermissions)) {
      const cidrs = ruleCidrs(perm).map((c) => parseCidr(c.cidr)).filter((c) => c !== undefined);
      for (let i = 0; i < cidrs.length; i++) for (let j = i + 1; j < cidrs.length; j++) if (cidrOverlaps(cidrs[i]!, cidrs[j]!)) overlaps.push(`${cidrs[i]!.text} and ${cidrs[j]!.text}`);
    }
    return verdict(overlaps.length > 0, `overlapping ${overlaps.join('; ')}`, 'no overlapping CIDRs');
  },
);
