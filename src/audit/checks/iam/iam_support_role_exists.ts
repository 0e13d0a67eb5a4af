import { cis } from '../../lib/define.js';
import { iamCheck } from '../../lib/iam.js';
import { accountArn } from '../../lib/snapshot.js';
import { attachedTo } from './attached.js';

export default iamCheck(
  {
    id: 'iam_support_role_exists',
    title: 'A support role exists to manage incidents with AWS Support',
    severity: 'low',
    service: 'iam',
    resourceType: 'AwsAccount',
    description: 'The AWS managed policy AWSSupportAccess is attached to at least one role, group or user.',
    risk: 'During an incident nobody without root can open or follow a support case.',
    remediation: { console: 'Create a role for your incident responders and attach AWSSupportAccess.', cli: 'aws iam attach-role-policy --role-name support --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess' },
    references: ['https://docs.aws.amazon.com/awssupport/latest/user/accessing-support.html'],
    compliance: { cis: cis('1.17'), fsbp: ['IAM.18'] },
  },
  (d, { account, region, partition, res }) => {
    const who = attachedTo(d, 'AWSSupportAccess');
    res.decide(who.length === 0, accountArn(partition, account), account, region, 'AWSSupportAccess is attached to nobody', `AWSSupportAccess attached to ${who.join(', ')}`);
  },
);
