import { itemCheck, verdict } from '../../lib/factories.js';
import { INSTANCES } from './instance.js';

export default itemCheck(
  {
    id: 'ec2_instance_no_public_ip',
    title: 'EC2 instances have no public IPv4 address',
    severity: 'medium',
    service: 'ec2',
    resourceType: 'AwsEc2Instance',
    description: 'The instance has a public IPv4 address (PublicIpAddress).',
    risk: 'Directly reachable instances depend on their security groups alone for protection from the internet.',
    remediation: { console: 'Place the instance in a private subnet behind a load balancer or NAT.', cli: 'aws ec2 modify-subnet-attribute --subnet-id <id> --no-map-public-ip-on-launch' },
    references: ['https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-9'],
    compliance: { fsbp: ['EC2.9'] },
  },
  INSTANCES,
  (i) => verdict(Boolean(i.PublicIpAddress), `public IP ${i.PublicIpAddress}`, 'no public IP'),
);
