import { cis } from '../../lib/define.js';
import { itemCheck, verdict } from '../../lib/factories.js';
import { INSTANCES } from './instance.js';

export default itemCheck(
  {
    id: 'ec2_instance_imdsv2_required',
    title: 'EC2 instances require IMDSv2',
    severity: 'medium',
    service: 'ec2',
    resourceType: 'AwsEc2Instance',
    description:
      'The instance metadata service is disabled or requires session tokens (HttpTokens=required). Instances described without MetadataOptions are unknown.',
    risk: 'With IMDSv1, an SSRF or open proxy on the instance hands its role credentials to an attacker.',
    remediation: { console: 'EC2 > Instance > Actions > Instance settings > Modify instance metadata options > IMDSv2 Required.', cli: 'aws ec2 modify-instance-metadata-options --instance-id <id> --http-tokens required --http-endpoint enabled' },
    references: ['https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html'],
    compliance: { cis: cis('5.6'), fsbp: ['EC2.8'] },
    cloudmapper: 'EC2_IMDSV2_NOT_ENFORCED',
  },
  INSTANCES,
  (i) => {
    const m = i.MetadataOptions;
    if (!m) return { unknown: 'no MetadataOptions in the instance description' };
    if (m.HttpEndpoint === 'disabled') return { bad: false, reason: 'metadata service disabled' };
    return verdict(m.HttpTokens !== 'required', `HttpTokens ${m.HttpTokens}`, 'IMDSv2 required');
  },
);
