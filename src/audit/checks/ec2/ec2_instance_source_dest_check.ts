import { itemCheck, verdict } from '../../lib/factories.js';
import { arr, get } from '../../lib/snapshot.js';
import { INSTANCES } from './instance.js';

export default itemCheck(
  {
    id: 'ec2_instance_source_dest_check',
    title: 'Source/destination check is only off on instances that route traffic',
    severity: 'info',
    service: 'ec2',
    resourceType: 'AwsEc2Instance',
    description:
      'The instance has SourceDestCheck off but no route table sends traffic to it (or its network interfaces), so the setting serves no purpose. CloudMapper reports every instance with the check off, routes or not, although its own description says only the unrouted ones should be fixed.',
    risk: 'An instance that accepts traffic not addressed to it can be used to spoof or intercept traffic.',
    remediation: { console: 'EC2 > Instance > Networking > Change source/destination check > Enable.', cli: 'aws ec2 modify-instance-attribute --instance-id <id> --source-dest-check' },
    references: ['https://docs.aws.amazon.com/vpc/latest/userguide/VPC_NAT_Instance.html#EIP_Disable_SrcDestCheck'],
    compliance: {},
    cloudmapper: 'EC2_SOURCE_DEST_CHECK_OFF',
  },
  INSTANCES,
  (i, w, snap) => {
    if (i.SourceDestCheck !== false) return { bad: false, reason: 'source/destination check on' };
    const tables = get(snap, w.account, w.region, 'ec2-describe-route-tables');
    if (!tables.ok) return { unknown: tables.reason };
    const enis = new Set(arr(i.NetworkInterfaces).map((n) => n.NetworkInterfaceId));
    const routed = arr(tables.data.RouteTables).some((t) => arr(t.Routes).some((r) => r.InstanceId === i.InstanceId || enis.has(r.NetworkInterfaceId)));
    return verdict(!routed, 'check off and no route uses the instance', 'check off for a routing instance');
  },
);
