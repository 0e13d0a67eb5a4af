import { cis, defineCheck } from '../../lib/define.js';
import { arr, forEachAccount, getGlobal, Results } from '../../lib/snapshot.js';

export default defineCheck({
  id: 'iam_server_certificate_not_expired',
  title: 'Expired SSL/TLS certificates are removed from IAM',
  severity: 'low',
  service: 'iam',
  resourceType: 'AwsIamServerCertificate',
  description: 'A server certificate stored in IAM expired before the snapshot was taken.',
  risk: 'An expired certificate deployed by mistake breaks clients and trains users to click through warnings.',
  remediation: { console: 'Certificates in IAM can only be deleted with the CLI or API.', cli: 'aws iam delete-server-certificate --server-certificate-name <name>' },
  references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html'],
  compliance: { cis: cis('1.19') },
  run(snap, emit) {
    const res = new Results(emit);
    forEachAccount(snap, (account) => {
      const got = getGlobal(snap, account, 'iam-list-server-certificates');
      if (!got.ok) return res.unknown(`${account}/iam-server-certificates`, account, got.region, got.reason);
      for (const c of arr(got.data.ServerCertificateMetadataList)) {
        const expired = Date.parse(c.Expiration) < Date.parse(snap.time);
        res.decide(expired, c.Arn, account, got.region, `expired ${c.Expiration}`, `valid until ${c.Expiration}`, { resourceName: c.ServerCertificateName });
      }
    });
    return res.list;
  },
});
