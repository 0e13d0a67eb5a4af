import { cis } from '../../lib/define.js';
import { itemCheck, verdict } from '../../lib/factories.js';
import { INSTANCES } from './instance.js';

export default itemCheck(
  {
    id: 'ec2_instance_profile_attached',
    title: 'EC2 instances use an IAM instance role',
    severity: 'low',
    service: 'ec2',
    resourceType: 'AwsEc2Instance',
    description: 'The instance has an IAM instance profile, so software on it does not need stored access keys.',
    risk: 'Instances without a role tend to carry long-lived access keys on disk.',
    remediation: { console: 'EC2 > Instance > Actions > Security > Modify IAM role.', cli: 'aws ec2 associate-iam-instance-profile --instance-id <id> --iam-instance-profile Name=<profile>' },
    references: ['https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html'],
    compliance: { cis: cis('1.18') },
  },
  INSTANCES,
  (i) => verdict(!i.IamInstanceProfile, 'no instance profile', `profile ${i.IamInstanceProfile?.Arn}`),
);
