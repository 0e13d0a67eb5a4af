import type { Verdict } from '../../lib/factories.js';
import { regionalCheck } from '../../lib/regional.js';
import { arr, get } from '../../lib/snapshot.js';

export default regionalCheck(
  {
    id: 'lightsail_not_in_use',
    title: 'Lightsail is not in use',
    severity: 'info',
    service: 'lightsail',
    resourceType: 'AwsAccount',
    description: 'Lightsail instances or load balancers exist in the region. Nothing is wrong with Lightsail, but in companies such resources are often forgotten experiments outside the usual controls. CloudMapper skips the load balancers whenever the instance list is missing; vigil reads both.',
    risk: 'Forgotten hosts outside the normal network and patching controls.',
    remediation: { console: 'Lightsail > review instances and load balancers; delete what is not needed.', cli: 'aws lightsail delete-instance --instance-name <name>' },
    references: ['https://docs.aws.amazon.com/lightsail/latest/userguide/understanding-instances-virtual-private-servers-in-amazon-lightsail.html'],
    compliance: {},
    cloudmapper: 'LIGHTSAIL_IN_USE',
  },
  ['lightsail-get-instances'],
  ({ snap, account, region }): Verdict => {
    const inst = get(snap, account, region, 'lightsail-get-instances');
    const lbs = get(snap, account, region, 'lightsail-get-load-balancers');
    const n = (inst.ok ? arr(inst.data.instances).length : 0) + (lbs.ok ? arr(lbs.data.loadBalancers).length : 0);
    if (n > 0) return { bad: true, reason: `${n} Lightsail instances/load balancers` };
    if (!inst.ok || !lbs.ok) return { unknown: [inst, lbs].filter((g) => !g.ok).map((g) => (g as { reason: string }).reason).join('; ') };
    return { bad: false, reason: 'no Lightsail resources' };
  },
);
