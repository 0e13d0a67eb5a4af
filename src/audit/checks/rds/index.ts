import type { Check } from '../../check.js';
import rds_snapshot_not_public from './rds_snapshot_not_public.js';
import { RDS_INSTANCE_CHECKS } from './rds_instance.js';

export const RDS_CHECKS: Check[] = [
  rds_snapshot_not_public,
  ...RDS_INSTANCE_CHECKS,
];
