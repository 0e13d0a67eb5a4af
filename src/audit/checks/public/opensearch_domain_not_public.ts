import { verdict, itemCheck } from '../../lib/factories.js';
import { publicStatements, statements } from '../../lib/policy.js';
import { arr, get, parseJson } from '../../lib/snapshot.js';

export default itemCheck(
  {
    id: 'opensearch_domain_not_public',
    title: 'OpenSearch/Elasticsearch domains are not public',
    severity: 'high',
    service: 'opensearch',
    resourceType: 'AwsOpenSearchServiceDomain',
    description:
      'A domain with a public endpoint (not in a VPC) has an access policy allowing Principal "*" without a restricting condition (e.g. aws:SourceIp). Both the es and opensearch APIs are read. CloudMapper also flags public domains with an empty access policy, but with no resource policy only IAM-authorised principals get in, so vigil passes them.',
    risk: 'Anyone on the internet can read, write or delete the indices.',
    remediation: { console: 'Recreate the domain in a VPC, or restrict the access policy to IAM principals or source IPs.', cli: 'aws opensearch update-domain-config --domain-name <name> --access-policies file://policy.json' },
    references: ['https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ac.html'],
    compliance: { fsbp: ['ES.2', 'Opensearch.2'] },
    cloudmapper: 'ES_PUBLIC',
  },
  {
    call: ['es-list-domain-names', 'opensearch-list-domain-names'],
    items: (d) => arr(d.DomainNames),
    id: (d, w) => `arn:${w.partition}:es:${w.region}:${w.account}:domain/${d.DomainName}`,
    name: (d) => d.DomainName,
  },
  (d, w, snap) => {
    const got = get(snap, w.account, w.region, ['es-describe-elasticsearch-domain', 'opensearch-describe-domain'], d.DomainName);
    if (!got.ok) return { unknown: got.reason };
    const status = got.data.DomainStatus ?? {};
    if (status.Endpoints?.vpc || status.VPCOptions?.VPCId) return { bad: false, reason: 'VPC-only endpoint' };
    const stmts = statements(parseJson(status.AccessPolicies) ?? {}) ?? [];
    const open = publicStatements(stmts);
    return verdict(open.length > 0, 'public endpoint with an open access policy', 'access policy restricts callers');
  },
);
