/** The account-level S3 Block Public Access (s3control get-public-access-block, parameter = account id). */
import type { Check } from '../../check.js';
import { cis } from '../../lib/define.js';
import { accountCheck, verdict } from '../../lib/factories.js';
import { accountBlock, BLOCK_KEYS, blockConfig } from '../../lib/s3.js';

const meta = {
  service: 's3',
  resourceType: 'AwsAccount',
  risk: 'Without the account-wide block, any bucket can be made public by one policy or ACL change.',
  remediation: {
    console: 'S3 > Block Public Access settings for this account > Edit > Block all public access.',
    cli: 'aws s3control put-public-access-block --account-id <id> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
  },
  references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-account.html'],
} as const;

export const ACCOUNT_BLOCK_CHECKS: Check[] = [
  accountCheck(
    {
      ...meta,
      id: 's3_account_public_access_block_enabled',
      title: 'S3 account-level Block Public Access is on',
      severity: 'medium',
      description:
        'An account-level public access block exists with at least one setting on. CloudMapper reports it off whenever the file is missing, including when it was never collected; vigil says unknown then.',
      compliance: {},
      cloudmapper: 'S3_ACCESS_BLOCK_OFF',
      remediation: { ...meta.remediation },
      references: [...meta.references],
    },
    accountBlock,
    (got) => {
      const c = blockConfig(got);
      return verdict(!c || !BLOCK_KEYS.some((k) => c[k]), 'no account-level public access block', 'account-level public access block configured');
    },
  ),
  accountCheck(
    {
      ...meta,
      id: 's3_account_public_access_block_all',
      title: 'S3 account-level Block Public Access blocks all four access types',
      severity: 'medium',
      description: 'BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets are all on for the account.',
      compliance: { cis: cis('2.1.4'), fsbp: ['S3.1'] },
      cloudmapper: 'S3_ACCESS_BLOCK_ALL_ACCESS_TYPES',
      remediation: { ...meta.remediation },
      references: [...meta.references],
    },
    accountBlock,
    (got) => {
      const c = blockConfig(got) ?? {};
      const off = BLOCK_KEYS.filter((k) => !c[k]);
      return verdict(off.length > 0, `off: ${off.join(', ')}`, 'all four on');
    },
  ),
];
