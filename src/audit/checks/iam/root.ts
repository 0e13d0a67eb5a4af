/** What the snapshot says about the root user: account summary first, credential report as fallback. */
import type { SnapshotReader } from '../../../snapshot/types.js';
import { credentialReport, ROOT_USER, type CredentialRow } from '../../lib/credreport.js';
import { getGlobal } from '../../lib/snapshot.js';
import type { Check, CheckMeta } from '../../check.js';
import { defineCheck } from '../../lib/define.js';
import { record, type Verdict } from '../../lib/factories.js';
import { accountArn, forEachAccount, Results } from '../../lib/snapshot.js';

export interface RootFacts {
  accessKeys?: boolean;
  mfa?: boolean;
  row?: CredentialRow;
  generated?: string;
  region: string;
  missing: string;
}

export function rootFacts(snap: SnapshotReader, account: string): RootFacts {
  const summary = getGlobal(snap, account, 'iam-get-account-summary');
  const rep = credentialReport(snap, account);
  const row = rep.ok ? rep.data.rows.find((r) => r.user === ROOT_USER) : undefined;
  const map = summary.ok ? summary.data.SummaryMap ?? {} : undefined;
  return {
    accessKeys:
      map && map.AccountAccessKeysPresent !== undefined
        ? map.AccountAccessKeysPresent > 0
        : row
          ? row.access_key_1_active === 'true' || row.access_key_2_active === 'true'
          : undefined,
    mfa: map && map.AccountMFAEnabled !== undefined ? map.AccountMFAEnabled === 1 : row ? row.mfa_active === 'true' : undefined,
    row,
    generated: rep.ok ? rep.data.generated : undefined,
    region: summary.ok ? summary.region : rep.region,
    missing: [summary.ok ? '' : summary.reason, rep.ok ? '' : rep.reason].filter(Boolean).join('; '),
  };
}

/** A check about the root user: one result per account, resource the root ARN. */
export function rootCheck(meta: CheckMeta, evaluate: (f: RootFacts, snap: SnapshotReader, account: string) => Verdict): Check {
  return defineCheck({
    ...meta,
    run(snap, emit) {
      const res = new Results(emit);
      forEachAccount(snap, (account, partition) => {
        const f = rootFacts(snap, account);
        record(res, evaluate(f, snap, account), accountArn(partition, account), account, f.region, { resourceName: 'root' });
      });
      return res.list;
    },
  });
}
