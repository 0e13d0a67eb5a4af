import type { Check } from '../../check.js';
import opensearch_domain_not_public from './opensearch_domain_not_public.js';
import { PUBLIC_POLICY_CHECKS } from './resource_policies.js';

export const PUBLIC_CHECKS: Check[] = [
  opensearch_domain_not_public,
  ...PUBLIC_POLICY_CHECKS,
];
