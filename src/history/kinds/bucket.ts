/** S3 buckets and their access controls: bucket policy, ACL, public access block, default encryption. */
import { at } from '../event.js';
import type { Json, TrailRecord } from '../types.js';
import { fromItem, idAt, setField, type EventSpec, type Kind } from './kind.js';

const bucket = idAt('requestParameters.bucketName');

/** S3 events echo XML namespaces and the Host header; drop them so the state reads like the API's JSON. */
function clean(v: Json): Json {
  if (Array.isArray(v)) return v.map(clean);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'xmlns' && k !== 'Host').map(([k, x]) => [k, clean(x)]));
  return v;
}

/** A Put that sets one field of the state from one request parameter, and its Delete that clears it. */
function setting(field: string, param: string | ((rec: TrailRecord) => Json)): { put: EventSpec; del: EventSpec } {
  const read = typeof param === 'string' ? (rec: TrailRecord) => at(rec, `requestParameters.${param}`) : param;
  return {
    put: { action: 'modify', targets: bucket, request: (rec) => ({ [field]: clean(read(rec) ?? null) }), apply: setField(field, field) },
    del: { action: 'modify', targets: bucket, apply: setField(field) },
  };
}

const policy = setting('policy', 'bucketPolicy');
// A canned ACL arrives as the x-amz-acl header, a full one as AccessControlPolicy.
const acl = setting('acl', (rec) => at(rec, 'requestParameters.AccessControlPolicy') ?? at(rec, 'requestParameters.x-amz-acl'));
const publicAccessBlock = setting('publicAccessBlock', 'PublicAccessBlockConfiguration');
const encryption = setting('encryption', 'ServerSideEncryptionConfiguration');

export const s3Bucket: Kind = {
  type: 'bucket',
  eventSource: 's3.amazonaws.com',
  global: true,
  arn: (id, _a, _r, partition) => `arn:${partition}:s3:::${id}`,
  idFromArn: (arn) => {
    const m = /^arn:[^:]+:s3:::([^/]+)$/.exec(arn);
    return m ? { id: m[1]! } : undefined;
  },
  events: {
    CreateBucket: {
      action: 'create',
      targets: bucket,
      request: (rec) => ({ location: at(rec, 'requestParameters.CreateBucketConfiguration.LocationConstraint') ?? null, acl: at(rec, 'requestParameters.x-amz-acl') ?? null }),
      apply: (_s, r) => ({ location: r.location, acl: r.acl, policy: null, publicAccessBlock: null, encryption: null }),
    },
    DeleteBucket: { action: 'delete', targets: bucket },
    PutBucketPolicy: policy.put,
    DeleteBucketPolicy: policy.del,
    PutBucketAcl: acl.put,
    PutBucketPublicAccessBlock: publicAccessBlock.put,
    DeleteBucketPublicAccessBlock: publicAccessBlock.del,
    PutBucketEncryption: encryption.put,
    DeleteBucketEncryption: encryption.del,
  },
  // s3-list-buckets holds names only; policies and settings come from the events.
  fromSnapshot: fromItem('Name', () => ({})),
};
