import { cis } from '../../lib/define.js';
import { iamCheck } from '../../lib/iam.js';
import { accountArn } from '../../lib/snapshot.js';
import { attachedTo } from './attached.js';

export default iamCheck(
  {
    id: 'iam_cloudshell_access_restricted',
    title: 'AWSCloudShellFullAccess is not attached',
    severity: 'medium',
    service: 'iam',
    resourceType: 'AwsAccount',
    description: 'Nobody has the AWS managed policy AWSCloudShellFullAccess, which allows file upload/download and unrestricted shell egress.',
    risk: 'CloudShell can be used to move data in and out of the account outside monitored paths.',
    remediation: { console: 'Detach AWSCloudShellFullAccess and grant a scoped CloudShell policy.', cli: 'aws iam detach-role-policy --role-name <role> --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess' },
    references: ['https://docs.aws.amazon.com/cloudshell/latest/userguide/sec-auth-with-identities.html'],
    compliance: { cis: cis('1.22') },
  },
  (d, { account, region, partition, res }) => {
    const who = attachedTo(d, 'AWSCloudShellFullAccess');
    res.decide(who.length > 0, accountArn(partition, account), account, region, `attached to ${who.join(', ')}`, 'attached to nobody');
  },
);
