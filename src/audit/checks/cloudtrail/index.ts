import type { Check } from '../../check.js';
import cloudtrail_enabled from './cloudtrail_enabled.js';
import cloudtrail_multi_region_logging from './cloudtrail_multi_region_logging.js';
import { TRAIL_SETTING_CHECKS } from './trail_settings.js';
import { S3_OBJECT_EVENT_CHECKS } from './s3_object_events.js';

export const CLOUDTRAIL_CHECKS: Check[] = [
  cloudtrail_enabled,
  cloudtrail_multi_region_logging,
  ...TRAIL_SETTING_CHECKS,
  ...S3_OBJECT_EVENT_CHECKS,
];
