import { cis } from '../../lib/define.js';
import { coversPort, ec2Arn, nameTag, WORLD_V4, WORLD_V6 } from '../../lib/ec2.js';
import { itemCheck, verdict } from '../../lib/factories.js';
import { arr, tagsOf, type Json } from '../../lib/snapshot.js';

/** The first matching rule (lowest number) decides, as in a real NACL evaluation. */
function firstMatch(entries: Json[], port: number, world: string, v6: boolean): Json | undefined {
  return entries
    .filter((e) => e.Egress === false && (v6 ? e.Ipv6CidrBlock === world : e.CidrBlock === world) && coversPort(e, port))
    .sort((a, b) => a.RuleNumber - b.RuleNumber)[0];
}

export default itemCheck(
  {
    id: 'ec2_nacl_admin_ports',
    title: 'No network ACL allows ingress from anywhere to SSH or RDP',
    severity: 'medium',
    service: 'ec2',
    resourceType: 'AwsEc2NetworkAcl',
    description: 'The first NACL rule matching traffic from 0.0.0.0/0 or ::/0 to port 22 or 3389 allows it.',
    risk: 'Remote administration ports reachable from the internet are brute-forced and exploited.',
    remediation: { console: 'VPC > Network ACLs > acl > Inbound rules: deny 22 and 3389 from 0.0.0.0/0 and ::/0 before any allow.', cli: 'aws ec2 create-network-acl-entry --network-acl-id <id> --ingress --rule-number 50 --protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny' },
    references: ['https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html'],
    compliance: { cis: cis('5.1'), fsbp: ['EC2.21'] },
  },
  { call: 'ec2-describe-network-acls', items: (d) => arr(d.NetworkAcls), id: (a, w) => ec2Arn(w, 'network-acl', a.NetworkAclId), name: (a) => nameTag(a) ?? a.NetworkAclId, tags: (a) => tagsOf(a.Tags) },
  (acl) => {
    const entries = arr(acl.Entries);
    const open = [22, 3389].flatMap((port) =>
      [firstMatch(entries, port, WORLD_V4, false), firstMatch(entries, port, WORLD_V6, true)].filter((e) => e?.RuleAction === 'allow').map((e) => `${port} by rule ${e.RuleNumber}`),
    );
    return verdict(open.length > 0, `allows ${open.join(', ')}`, 'SSH and RDP not allowed from anywhere');
  },
);
