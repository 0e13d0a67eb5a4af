import type { Check } from '../../check.js';
import { METRIC_FILTER_CHECKS } from './metric_filters.js';

export const MONITORING_CHECKS: Check[] = [
  ...METRIC_FILTER_CHECKS,
];
