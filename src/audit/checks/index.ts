/** Every check vigil runs, in report order (the engine imports CHECKS). */
import type { Check } from '../check.js';
import { IAM_CHECKS } from './iam/index.js';
import { S3_CHECKS } from './s3/index.js';
import { EC2_CHECKS } from './ec2/index.js';
import { RDS_CHECKS } from './rds/index.js';
import { PUBLIC_CHECKS } from './public/index.js';
import { ELB_CHECKS } from './elb/index.js';
import { CLOUDTRAIL_CHECKS } from './cloudtrail/index.js';
import { MONITORING_CHECKS } from './monitoring/index.js';
import { REGIONAL_CHECKS } from './regional/index.js';
import { SERVICE_CHECKS } from './services/index.js';

export const CHECKS: Check[] = [
  ...IAM_CHECKS,
  ...S3_CHECKS,
  ...EC2_CHECKS,
  ...RDS_CHECKS,
  ...PUBLIC_CHECKS,
  ...ELB_CHECKS,
  ...CLOUDTRAIL_CHECKS,
  ...MONITORING_CHECKS,
  ...REGIONAL_CHECKS,
  ...SERVICE_CHECKS,
];

export function checkById(id: string): Check | undefined {
  return CHECKS.find((c) => c.id === id);
}
