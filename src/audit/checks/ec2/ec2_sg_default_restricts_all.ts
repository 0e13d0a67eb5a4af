import { cis } from '../../lib/define.js';
import { itemCheck, verdict } from '../../lib/factories.js';
import { arr } from '../../lib/snapshot.js';
import { SECURITY_GROUPS } from './instance.js';

export default itemCheck(
  {
    id: 'ec2_sg_default_restricts_all',
    title: 'Default security groups restrict all traffic',
    severity: 'medium',
    service: 'ec2',
    resourceType: 'AwsEc2SecurityGroup',
    description: 'A VPC\'s default security group has inbound or outbound rules.',
    risk: 'Resources launched without an explicit group silently get the default group\'s access.',
    remediation: { console: 'VPC > Security groups > default > remove every inbound and outbound rule.', cli: 'aws ec2 revoke-security-group-ingress --group-id <id> --ip-permissions file://all.json' },
    references: ['https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html'],
    compliance: { cis: cis('5.4'), fsbp: ['EC2.2'] },
  },
  SECURITY_GROUPS,
  (sg) => {
    if (sg.GroupName !== 'default') return null;
    const n = arr(sg.IpPermissions).length + arr(sg.IpPermissionsEgress).length;
    return verdict(n > 0, `${n} rules`, 'no rules');
  },
);
