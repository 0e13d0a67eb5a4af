/** S3 buckets as checks see them: listed once per account (global), per-bucket calls beside the list. */
import type { Check, CheckMeta } from '../check.js';
import type { Partition, SnapshotReader } from '../../snapshot/types.js';
import { defineCheck } from './define.js';
import { record, type Verdict } from './factories.js';
import { publicStatements, statements, type Statement } from './policy.js';
import { accountArn, arr, forEachAccount, get, getGlobal, parseJson, Results, type Got, type Json } from './snapshot.js';

export interface Bucket {
  name: string;
  arn: string;
  account: string;
  partition: Partition;
  /** The bucket's own region when known, else where it was listed. */
  region: string;
  /** Per-bucket call (get-bucket-policy, get-bucket-acl...), read where the list was collected. */
  call: (name: string) => Got;
  snap: SnapshotReader;
}

function bucketRegion(loc: Got, fallback: string): string {
  if (!loc.ok) return fallback;
  const c = loc.data.LocationConstraint;
  if (c === null || c === undefined || c === '') return 'us-east-1';
  return c === 'EU' ? 'eu-west-1' : String(c);
}

/** One result per bucket in every account; unknown for the account when the bucket list is missing. */
export function bucketCheck(meta: CheckMeta, evaluate: (b: Bucket) => Verdict): Check {
  return defineCheck({
    ...meta,
    run(snap, emit) {
      const res = new Results(emit);
      forEachAccount(snap, (account, partition) => {
        const list = getGlobal(snap, account, 's3-list-buckets');
        if (!list.ok) return res.unknown(accountArn(partition, account), account, list.region, list.reason);
        for (const b of arr(list.data.Buckets)) {
          const name = String(b.Name);
          const call = (n: string) => get(snap, account, list.region, n, name);
          const bucket: Bucket = {
            name,
            arn: `arn:${partition}:s3:::${name}`,
            account,
            partition,
            region: bucketRegion(call('s3-get-bucket-location'), list.region),
            call,
            snap,
          };
          record(res, evaluate(bucket), bucket.arn, account, bucket.region, { resourceName: name });
        }
      });
      return res.list;
    },
  });
}

export type BlockConfig = Partial<Record<'BlockPublicAcls' | 'IgnorePublicAcls' | 'BlockPublicPolicy' | 'RestrictPublicBuckets', boolean>>;
export const BLOCK_KEYS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

/** A public access block: the config, {} when none is set (NoSuch...), undefined when unknown. */
export function blockConfig(got: Got): BlockConfig | undefined {
  if (got.ok) return got.data.PublicAccessBlockConfiguration ?? {};
  return got.notFound ? {} : undefined;
}

export function accountBlock(snap: SnapshotReader, account: string): Got & { region: string } {
  return getGlobal(snap, account, 's3control-get-public-access-block', account);
}

/** Is the setting on at bucket or account level? undefined when neither is known and it matters. */
export function blockSetting(b: Bucket, key: (typeof BLOCK_KEYS)[number]): boolean | undefined {
  const bucket = blockConfig(b.call('s3-get-public-access-block'));
  const acct = blockConfig(accountBlock(b.snap, b.account));
  if (bucket?.[key] || acct?.[key]) return true;
  if (bucket === undefined || acct === undefined) return undefined;
  return false;
}

export interface PublicPolicy {
  /** undefined: no policy at all. */
  statements?: Statement[];
  publicStatements: Statement[];
  getObjectOnly: boolean;
}

/** The bucket policy and what of it is public; undefined when the policy could not be read. */
export function bucketPolicy(b: Bucket): PublicPolicy | undefined {
  const got = b.call('s3-get-bucket-policy');
  if (!got.ok) return got.notFound ? { publicStatements: [], getObjectOnly: false } : undefined;
  const doc = parseJson(got.data.Policy);
  if (doc === undefined) return { publicStatements: [], getObjectOnly: false };
  const stmts = statements(doc) ?? [];
  const pub = publicStatements(stmts);
  const getObjectOnly = pub.length > 0 && pub.every((s) => s.notActions.length === 0 && s.actions.every((a) => a.toLowerCase() === 's3:getobject'));
  return { statements: stmts, publicStatements: pub, getObjectOnly };
}

export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

export function publicGrants(acl: Json): Json[] {
  return arr(acl.Grants).filter((g: Json) => g.Grantee?.URI === ALL_USERS || g.Grantee?.URI === AUTHENTICATED_USERS);
}
