/**
 * put-public-access-block: a bucket's (or the account's) Block Public Access removed or weakened, or a bucket
 * ACL granted to everyone → PutPublicAccessBlock with all four settings true.
 */
import { GetPublicAccessBlockCommand as GetBucketPab, PutPublicAccessBlockCommand as PutBucketPab } from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPab, PutPublicAccessBlockCommand as PutAccountPab } from '@aws-sdk/client-s3-control';
import type { AwsClients } from '../clients.js';
import { accountOf, path, succeeded, text, type EnforcementAction, type Target } from './types.js';

const ALL_TRUE = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const PUBLIC_GRANTEES = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;
const PUBLIC_CANNED = new Set(['public-read', 'public-read-write', 'authenticated-read']);

/** Did this PutBucketAcl grant anything to everyone (canned ACL or grants)? */
function publicAcl(rec: Record<string, unknown>): boolean {
  const rp = (rec.requestParameters ?? {}) as Record<string, unknown>;
  const canned = text(rp['x-amz-acl']) ?? text(Array.isArray(rp['x-amz-acl']) ? rp['x-amz-acl'][0] : undefined);
  if (canned && PUBLIC_CANNED.has(canned)) return true;
  return PUBLIC_GRANTEES.test(JSON.stringify(rp.AccessControlPolicy ?? {})) || Object.keys(rp).some((k) => k.startsWith('x-amz-grant') && PUBLIC_GRANTEES.test(JSON.stringify(rp[k])));
}

/** Was a Put…PublicAccessBlock one that turned a setting off? */
function weakened(rec: Record<string, unknown>): boolean {
  const cfg = path(rec, 'requestParameters', 'PublicAccessBlockConfiguration') ?? path(rec, 'requestParameters', 'PublicAccessBlock');
  return !!cfg && typeof cfg === 'object' && Object.entries(cfg).some(([k, v]) => k in ALL_TRUE && (v === false || v === 'false'));
}

const isNotFound = (e: unknown) => /NoSuchPublicAccessBlockConfiguration|NoSuchPublicAccessBlock/.test(String((e as Error).name) + String((e as Error).message));

export const putPublicAccessBlock: EnforcementAction = {
  id: 'put-public-access-block',
  verb: 'Block public access',
  targets(rec) {
    if (!succeeded(rec)) return [];
    const name = String(rec.eventName ?? '');
    const bucket = text(path(rec, 'requestParameters', 'bucketName'));
    const account = accountOf(rec);
    const region = text(rec.awsRegion) ?? 'us-east-1';
    const bucketTrigger =
      ((name === 'DeleteBucketPublicAccessBlock' || name === 'DeletePublicAccessBlock') && bucket) ||
      (name === 'PutBucketPublicAccessBlock' && bucket && weakened(rec)) ||
      (name === 'PutBucketAcl' && bucket && publicAcl(rec));
    if (bucketTrigger && bucket) return [{ label: `bucket ${bucket}`, account, region, detail: { scope: 'bucket', bucket } }];
    const accountTrigger = name === 'DeleteAccountPublicAccessBlock' || (name === 'DeletePublicAccessBlock' && !bucket) || (name === 'PutAccountPublicAccessBlock' && weakened(rec));
    if (accountTrigger && account) return [{ label: `account ${account}`, account, region, detail: { scope: 'account' } }];
    return [];
  },
  async read(t: Target, aws: AwsClients) {
    try {
      if (t.detail.scope === 'bucket') {
        const r = await aws.s3(t.account, t.region).send(new GetBucketPab({ Bucket: String(t.detail.bucket) }));
        return { publicAccessBlock: r.PublicAccessBlockConfiguration ?? null };
      }
      const r = await aws.s3control(t.account, t.region).send(new GetAccountPab({ AccountId: t.account! }));
      return { publicAccessBlock: r.PublicAccessBlockConfiguration ?? null };
    } catch (e) {
      if (isNotFound(e)) return { publicAccessBlock: null };
      throw e;
    }
  },
  needed(_t, before) {
    const pab = (before as { publicAccessBlock: Record<string, unknown> | null }).publicAccessBlock;
    return !pab || Object.keys(ALL_TRUE).some((k) => pab[k] !== true);
  },
  async apply(t, aws) {
    if (t.detail.scope === 'bucket') {
      await aws.s3(t.account, t.region).send(new PutBucketPab({ Bucket: String(t.detail.bucket), PublicAccessBlockConfiguration: ALL_TRUE }));
    } else {
      await aws.s3control(t.account, t.region).send(new PutAccountPab({ AccountId: t.account!, PublicAccessBlockConfiguration: ALL_TRUE }));
    }
  },
};
