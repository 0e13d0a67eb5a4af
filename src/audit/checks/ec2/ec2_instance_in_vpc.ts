import { itemCheck, verdict } from '../../lib/factories.js';
import { INSTANCES } from './instance.js';

export default itemCheck(
  {
    id: 'ec2_instance_in_vpc',
    title: 'EC2 instances run in a VPC (not EC2-Classic)',
    severity: 'info',
    service: 'ec2',
    resourceType: 'AwsEc2Instance',
    description: 'The instance has a VpcId; EC2-Classic instances have none.',
    risk: 'EC2-Classic offers no network isolation and is retired.',
    remediation: { console: 'Migrate the workload to a VPC.', cli: 'aws ec2 run-instances --subnet-id <subnet> ...' },
    references: ['https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/vpc-migrate.html'],
    compliance: {},
    cloudmapper: 'EC2_CLASSIC',
  },
  INSTANCES,
  (i) => verdict(!String(i.VpcId ?? '').startsWith('vpc-'), 'no VPC (EC2-Classic)', `in ${i.VpcId}`),
);
