import type { Check } from '../../check.js';
import s3_bucket_public_access_block from './s3_bucket_public_access_block.js';
import s3_bucket_public_acl from './s3_bucket_public_acl.js';
import s3_bucket_public_policy from './s3_bucket_public_policy.js';
import s3_bucket_public_policy_getobject_only from './s3_bucket_public_policy_getobject_only.js';
import s3_bucket_secure_transport from './s3_bucket_secure_transport.js';
import { BUCKET_SETTING_CHECKS } from './bucket_settings.js';
import { ACCOUNT_BLOCK_CHECKS } from './account_block.js';

export const S3_CHECKS: Check[] = [
  s3_bucket_public_access_block,
  s3_bucket_public_acl,
  s3_bucket_public_policy,
  s3_bucket_public_policy_getobject_only,
  s3_bucket_secure_transport,
  ...BUCKET_SETTING_CHECKS,
  ...ACCOUNT_BLOCK_CHECKS,
];
