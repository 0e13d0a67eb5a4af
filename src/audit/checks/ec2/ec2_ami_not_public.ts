import { ec2Arn } from '../../lib/ec2.js';
import { itemCheck, verdict } from '../../lib/factories.js';
import { arr, tagsOf } from '../../lib/snapshot.js';

export default itemCheck(
  {
    id: 'ec2_ami_not_public',
    title: 'Owned AMIs are not public',
    severity: 'critical',
    service: 'ec2',
    resourceType: 'AwsEc2Image',
    description: 'An AMI owned by the account has Public = true.',
    risk: 'Anyone can launch the image and read whatever was baked into it (keys, code, data).',
    remediation: { console: 'EC2 > AMIs > image > Edit AMI permissions > Private.', cli: 'aws ec2 modify-image-attribute --image-id <id> --launch-permission "Remove=[{Group=all}]"' },
    references: ['https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-intro.html'],
    compliance: {},
    cloudmapper: 'AMI_PUBLIC',
  },
  { call: 'ec2-describe-images', items: (d) => arr(d.Images), id: (i, w) => ec2Arn(w, 'image', i.ImageId).replace(`:${w.account}:image`, '::image'), name: (i) => i.Name, tags: (i) => tagsOf(i.Tags) },
  (i) => verdict(i.Public === true, 'public AMI', 'private AMI'),
);
