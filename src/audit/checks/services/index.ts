import type { Check } from '../../check.js';
import lightsail_not_in_use from './lightsail_not_in_use.js';
import route53_vpc_foreign_hosted_zone from './route53_vpc_foreign_hosted_zone.js';
import { DATA_STORE_CHECKS } from './data_stores.js';
import { COMPUTE_CHECKS } from './compute.js';
import { GLOBAL_CHECKS } from './global.js';

export const SERVICE_CHECKS: Check[] = [
  lightsail_not_in_use,
  route53_vpc_foreign_hosted_zone,
  ...DATA_STORE_CHECKS,
  ...COMPUTE_CHECKS,
  ...GLOBAL_CHECKS,
];
