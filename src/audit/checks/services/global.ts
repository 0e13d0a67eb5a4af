/** Global services (CloudFront, Route 53 Domains), read wherever the partition keeps them. */
import type { Check, CheckMeta } from '../../check.js';
import { defineCheck } from '../../lib/define.js';
import { record, type Verdict } from '../../lib/factories.js';
import { accountArn, arr, forEachAccount, getGlobal, Results, type Json } from '../../lib/snapshot.js';

/** One result per item of a global list call. */
function globalItemCheck(meta: CheckMeta, call: string, items: (d: Json) => Json[], id: (i: Json, partition: string) => string, name: (i: Json) => string, evaluate: (i: Json) => Verdict): Check {
  return defineCheck({
    ...meta,
    run(snap, emit) {
      const res = new Results(emit);
      forEachAccount(snap, (account, partition) => {
        const got = getGlobal(snap, account, call);
        if (!got.ok) return got.notFound ? undefined : res.unknown(accountArn(partition, account), account, got.region, got.reason);
        for (const i of items(got.data)) record(res, evaluate(i), id(i, partition), account, got.region, { resourceName: name(i) });
      });
      return res.list;
    },
  });
}

const distributions = (d: Json) => arr(d.DistributionList?.Items).filter((x) => x.Enabled !== false);
const distArn = (x: Json) => x.ARN ?? x.Id;
const WEAK_TLS = new Set(['SSLv3', 'TLSv1', 'TLSv1_2016', 'TLSv1.1_2016']);
const domains = (d: Json) => arr(d.Domains);
const domainArn = (x: Json, p: string) => `arn:${p}:route53domains:::domain/${x.DomainName}`;

export const GLOBAL_CHECKS: Check[] = [
  globalItemCheck(
    {
      id: 'cloudfront_minimum_tls',
      title: 'CloudFront distributions refuse protocols older than TLS 1.2',
      severity: 'low',
      service: 'cloudfront',
      resourceType: 'AwsCloudFrontDistribution',
      description:
        'An enabled distribution with a custom certificate allows SSLv3, TLSv1 or TLSv1.1 (MinimumProtocolVersion). CloudMapper only flags SSLv3, although TLS 1.0 and 1.1 are deprecated (RFC 8996). Distributions on the default *.cloudfront.net certificate cannot change it and pass with that reason.',
      risk: 'A network attacker can downgrade viewers to a weak protocol and read their traffic.',
      remediation: { console: 'CloudFront > distribution > General > Edit > Security policy TLSv1.2_2021.', cli: 'aws cloudfront update-distribution --id <id> --distribution-config file://config.json' },
      references: ['https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html'],
      compliance: { fsbp: ['CloudFront.10'] },
      cloudmapper: 'CLOUDFRONT_MINIMUM_PROTOCOL_SUPPORT',
    },
    'cloudfront-list-distributions',
    distributions,
    distArn,
    (x) => x.DomainName,
    (x) => {
      const vc = x.ViewerCertificate ?? {};
      if (vc.CloudFrontDefaultCertificate) return { bad: false, reason: 'default CloudFront certificate (protocol fixed by AWS)' };
      const v = String(vc.MinimumProtocolVersion ?? '');
      return { bad: WEAK_TLS.has(v), reason: `minimum protocol ${v || 'unknown'}` };
    },
  ),
  globalItemCheck(
    {
      id: 'cloudfront_https_only',
      title: 'CloudFront distributions do not serve viewers over plain HTTP',
      severity: 'medium',
      service: 'cloudfront',
      resourceType: 'AwsCloudFrontDistribution',
      description: 'Every cache behaviour uses ViewerProtocolPolicy redirect-to-https or https-only.',
      risk: 'Content and cookies travel unencrypted and can be altered in transit.',
      remediation: { console: 'CloudFront > distribution > Behaviors > Edit > Redirect HTTP to HTTPS.', cli: 'aws cloudfront update-distribution --id <id> --distribution-config file://config.json' },
      references: ['https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-https-viewers-to-cloudfront.html'],
      compliance: { fsbp: ['CloudFront.3'] },
    },
    'cloudfront-list-distributions',
    distributions,
    distArn,
    (x) => x.DomainName,
    (x) => {
      const behaviours = [x.DefaultCacheBehavior, ...arr(x.CacheBehaviors?.Items)].filter(Boolean);
      const plain = behaviours.filter((b) => b.ViewerProtocolPolicy === 'allow-all');
      return { bad: plain.length > 0, reason: plain.length ? `${plain.length} behaviours allow HTTP` : 'HTTPS only' };
    },
  ),
  globalItemCheck(
    {
      id: 'route53_domain_auto_renew',
      title: 'Registered domains renew automatically',
      severity: 'high',
      service: 'route53',
      resourceType: 'AwsRoute53Domain',
      description: 'A domain registered with Route 53 has AutoRenew off.',
      risk: 'The domain expires and someone else registers it, taking over mail and web traffic.',
      remediation: { console: 'Route 53 > Registered domains > domain > Auto renew: Enable.', cli: 'aws route53domains enable-domain-auto-renew --domain-name <domain>' },
      references: ['https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/domain-enable-disable-auto-renewal.html'],
      compliance: {},
      cloudmapper: 'DOMAIN_NOT_SET_TO_RENEW',
    },
    'route53domains-list-domains',
    domains,
    domainArn,
    (x) => x.DomainName,
    (x) => ({ bad: x.AutoRenew !== true, reason: x.AutoRenew ? 'auto renew on' : 'auto renew off' }),
  ),
  globalItemCheck(
    {
      id: 'route53_domain_transfer_lock',
      title: 'Registered domains are locked against transfer',
      severity: 'low',
      service: 'route53',
      resourceType: 'AwsRoute53Domain',
      description: 'A domain registered with Route 53 has TransferLock off (some TLDs, e.g. .io, do not support it).',
      risk: 'The domain can be transferred away by whoever gets into the registrar account or the owner\'s mail.',
      remediation: { console: 'Route 53 > Registered domains > domain > Transfer lock: Enable.', cli: 'aws route53domains enable-domain-transfer-lock --domain-name <domain>' },
      references: ['https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/domain-lock.html'],
      compliance: {},
      cloudmapper: 'DOMAIN_HAS_NO_TRANSFER_LOCK',
    },
    'route53domains-list-domains',
    domains,
    domainArn,
    (x) => x.DomainName,
    (x) => ({ bad: x.TransferLock !== true, reason: x.TransferLock ? 'transfer lock on' : 'transfer lock off' }),
  ),
];
