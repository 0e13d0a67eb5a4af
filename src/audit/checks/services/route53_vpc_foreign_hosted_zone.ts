import { defineCheck } from '../../lib/define.js';
import { accountArn, arr, forEachAccount, get, globalRegions, Results } from '../../lib/snapshot.js';

const CALL = 'route53-list-hosted-zones-by-vpc';

export default defineCheck({
  id: 'route53_vpc_foreign_hosted_zone',
  title: 'VPCs resolve no private hosted zones owned by other accounts',
  severity: 'info',
  service: 'route53',
  resourceType: 'AwsEc2Vpc',
  description:
    'A private hosted zone associated with one of the account\'s VPCs belongs to another account (Owner.OwningAccount), so that account controls name resolution inside the VPC. Zones owned by AWS services are ignored. CloudMapper opens one file per VPC and aborts the whole region\'s audit when one is missing; vigil reports that VPC as unknown.',
  risk: 'Another account can redirect traffic from your VPC by editing its records.',
  remediation: { console: 'Route 53 > Hosted zones: disassociate the foreign zone from the VPC if it is not expected.', cli: 'aws route53 disassociate-vpc-from-hosted-zone --hosted-zone-id <id> --vpc VPCRegion=<r>,VPCId=<vpc>' },
  references: ['https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-associate-vpcs-different-accounts.html'],
  compliance: {},
  cloudmapper: 'FOREIGN_HOSTED_ZONE',
  run(snap, emit) {
    const res = new Results(emit);
    forEachAccount(snap, (account, partition) => {
      let seen = 0;
      for (const region of globalRegions(snap, account)) {
        for (const param of snap.params(account, region, CALL)) {
          seen++;
          const [vpcRegion, vpc] = param.includes('/') ? param.split('/') : [region, param];
          const resource = `arn:${partition}:ec2:${vpcRegion}:${account}:vpc/${vpc}`;
          const got = get(snap, account, region, CALL, param);
          if (!got.ok) {
            res.unknown(resource, account, vpcRegion!, got.reason);
            continue;
          }
          const foreign = arr(got.data.HostedZoneSummaries).filter((z) => z.Owner?.OwningAccount && z.Owner.OwningAccount !== account);
          res.decide(foreign.length > 0, resource, account, vpcRegion!, `zones of other accounts: ${foreign.map((z) => `${z.Name} (${z.Owner.OwningAccount})`).join(', ')}`, 'no foreign hosted zones', { resourceName: vpc });
        }
        if (seen) break;
      }
      if (!seen) res.unknown(accountArn(partition, account), account, globalRegions(snap, account)[0]!, `${CALL} was not collected`);
    });
    return res.list;
  },
});
