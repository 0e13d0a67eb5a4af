/**
 * Shared shapes of checks, so each check module is its metadata plus one decision:
 * per credential-report row, per account from a global call, per item of a regional list call.
 */
import type { Check, CheckMeta } from '../check.js';
import type { SnapshotReader } from '../../snapshot/types.js';
import { credentialReport, type CredentialReport, type CredentialRow } from './credreport.js';
import { defineCheck } from './define.js';
import { accountArn, eachRegionalItem, forEachAccount, getGlobal, Results, type Got, type Json, type Where } from './snapshot.js';

/** A decision: bad → fail, else pass; `unknown` with a reason when the data cannot decide; null → not applicable. */
export type Verdict = { bad: boolean; reason: string } | { unknown: string } | null;

export function record(res: Results, v: Verdict, resource: string, account: string, region: string, extra?: Parameters<Results['add']>[5]): void {
  if (v === null) return;
  if ('unknown' in v) res.unknown(resource, account, region, v.unknown, extra);
  else res.add(v.bad ? 'fail' : 'pass', resource, account, region, v.reason, extra);
}

export function verdict(bad: boolean, failReason: string, passReason: string): Verdict {
  return { bad, reason: bad ? failReason : passReason };
}

/** One result per credential-report row (users and the root user). */
export function credentialCheck(meta: CheckMeta, evaluate: (row: CredentialRow, report: CredentialReport) => Verdict): Check {
  return defineCheck({
    ...meta,
    run(snap, emit) {
      const res = new Results(emit);
      forEachAccount(snap, (account, partition) => {
        const rep = credentialReport(snap, account);
        if (!rep.ok) return res.unknown(accountArn(partition, account), account, rep.region, rep.reason);
        for (const row of rep.data.rows) {
          record(res, evaluate(row, rep.data), row.arn || `${account}/${row.user}`, account, rep.region, { resourceName: row.user });
        }
      });
      return res.list;
    },
  });
}

/** One result per account from one global call (IAM summary, password policy, S3 account settings...). */
export function accountCheck(
  meta: CheckMeta,
  call: string | ((snap: SnapshotReader, account: string) => Got & { region: string }),
  evaluate: (got: Got, ctx: { account: string; snap: SnapshotReader }) => Verdict,
): Check {
  return defineCheck({
    ...meta,
    run(snap, emit) {
      const res = new Results(emit);
      forEachAccount(snap, (account, partition) => {
        const got = typeof call === 'string' ? getGlobal(snap, account, call) : call(snap, account);
        if (!got.ok && !got.notFound) return res.unknown(accountArn(partition, account), account, got.region, got.reason);
        record(res, evaluate(got, { account, snap }), accountArn(partition, account), account, got.region);
      });
      return res.list;
    },
  });
}

export interface ItemSpec {
  call: string | string[];
  items: (data: Json) => Json[];
  /** ARN or stable id of the item. */
  id: (item: Json, where: Where) => string;
  name?: (item: Json) => string | undefined;
  tags?: (item: Json) => Record<string, string> | undefined;
}

/** One result per item of a regional list call, in every region. */
export function itemCheck(meta: CheckMeta, spec: ItemSpec, evaluate: (item: Json, where: Where, snap: SnapshotReader) => Verdict): Check {
  return defineCheck({
    ...meta,
    run(snap, emit) {
      const res = new Results(emit);
      eachRegionalItem(snap, res, spec.call, spec.items, (item, where) => {
        record(res, evaluate(item, where, snap), spec.id(item, where), where.account, where.region, {
          resourceName: spec.name?.(item),
          tags: spec.tags?.(item),
        });
      });
      return res.list;
    },
  });
}
