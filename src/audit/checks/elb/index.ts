import type { Check } from '../../check.js';
import { ELB_CHECKS_V1, ELB_CHECKS_V2 } from './load_balancers.js';

export const ELB_CHECKS: Check[] = [...ELB_CHECKS_V1, ...ELB_CHECKS_V2];
