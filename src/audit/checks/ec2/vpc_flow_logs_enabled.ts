import { cis } from '../../lib/define.js';
import { ec2Arn, nameTag } from '../../lib/ec2.js';
import { itemCheck, verdict } from '../../lib/factories.js';
import { arr, get, tagsOf } from '../../lib/snapshot.js';

export default itemCheck(
  {
    id: 'vpc_flow_logs_enabled',
    title: 'VPC flow logging is enabled in every VPC',
    severity: 'medium',
    service: 'ec2',
    resourceType: 'AwsEc2Vpc',
    description: 'Each VPC has an active flow log (ec2 describe-flow-logs ResourceId).',
    risk: 'Without flow logs, network-level activity during an incident cannot be reconstructed.',
    remediation: { console: 'VPC > vpc > Flow logs > Create flow log (REJECT at least).', cli: 'aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc> --traffic-type REJECT --log-destination-type cloud-watch-logs ...' },
    references: ['https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html'],
    compliance: { cis: cis('3.7'), fsbp: ['EC2.6'] },
  },
  { call: 'ec2-describe-vpcs', items: (d) => arr(d.Vpcs), id: (v, w) => ec2Arn(w, 'vpc', v.VpcId), name: (v) => nameTag(v) ?? v.VpcId, tags: (v) => tagsOf(v.Tags) },
  (v, w, snap) => {
    const logs = get(snap, w.account, w.region, 'ec2-describe-flow-logs');
    if (!logs.ok) return { unknown: logs.reason };
    const active = arr(logs.data.FlowLogs).some((f) => f.ResourceId === v.VpcId && (f.FlowLogStatus ?? 'ACTIVE') === 'ACTIVE');
    return verdict(!active, 'no active flow log', 'flow log active');
  },
);
