/** Shared spec for checks over EC2 instances. */
import { ec2Arn, instancesOf, nameTag } from '../../lib/ec2.js';
import type { ItemSpec } from '../../lib/factories.js';
import { tagsOf } from '../../lib/snapshot.js';

export const INSTANCES: ItemSpec = {
  call: 'ec2-describe-instances',
  items: instancesOf,
  id: (i, w) => ec2Arn(w, 'instance', i.InstanceId),
  name: nameTag,
  tags: (i) => tagsOf(i.Tags),
};

export const SECURITY_GROUPS: ItemSpec = {
  call: 'ec2-describe-security-groups',
  items: (d) => d.SecurityGroups ?? [],
  id: (sg, w) => ec2Arn(w, 'security-group', sg.GroupId),
  name: (sg) => sg.GroupName,
  tags: (sg) => tagsOf(sg.Tags),
};
