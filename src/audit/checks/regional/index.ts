import type { Check } from '../../check.js';
import { ENABLED_CHECKS } from './enabled.js';

export const REGIONAL_CHECKS: Check[] = [
  ...ENABLED_CHECKS,
];
