import { isUnblockable, parseCidr } from '../../lib/cidr.js';
import { ruleCidrs } from '../../lib/ec2.js';
import { itemCheck, verdict } from '../../lib/factories.js';
import { arr } from '../../lib/snapshot.js';
import { SECURITY_GROUPS } from './instance.js';

export default itemCheck(
  {
    id: 'ec2_sg_cidr_unneeded',
    title: 'Security groups do not list addresses that can never reach them',
    severity: 'info',
    service: 'ec2',
    resourceType: 'AwsEc2SecurityGroup',
    description: 'An ingress CIDR lies in loopback, link-local, documentation (TEST-NET), multicast or reserved space, so listing it does nothing.',
    risk: 'Pointless rules hide the real ones and usually betray a typo.',
    remediation: { console: 'Remove the rule (or fix the intended CIDR).', cli: 'aws ec2 revoke-security-group-ingress --group-id <id> --cidr <cidr> --protocol <p> --port <n>' },
    references: ['https://www.rfc-editor.org/rfc/rfc6890'],
    compliance: {},
    cloudmapper: 'SG_CIDR_UNNEEDED',
  },
  SECURITY_GROUPS,
  (sg) => {
    const bad = arr(sg.IpPermissions)
      .flatMap(ruleCidrs)
      .map((c) => parseCidr(c.cidr))
      .filter((c) => c !== undefined && !c.v6 && c.bits > 0 && isUnblockable(c));
    return verdict(bad.length > 0, `unblockable ${bad.map((c) => c!.text).join(', ')}`, 'no unblockable CIDRs');
  },
);
