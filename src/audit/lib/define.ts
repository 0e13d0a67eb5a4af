/** Declaring a check: metadata beside logic, validated once at load so a bad module fails loudly. */
import { SEVERITIES, type Check } from '../check.js';

const ID = /^[a-z0-9]+(_[a-z0-9]+)+$/;

export function defineCheck(check: Check): Check {
  const missing = (['id', 'title', 'service', 'resourceType', 'description', 'risk'] as const).filter((k) => !check[k]);
  if (missing.length) throw new Error(`check ${check.id ?? '?'}: missing ${missing.join(', ')}`);
  if (!ID.test(check.id)) throw new Error(`check ${check.id}: id must be snake_case service_subject_condition`);
  if (!SEVERITIES.includes(check.severity)) throw new Error(`check ${check.id}: bad severity ${check.severity}`);
  if (!check.remediation.console && !check.remediation.cli) throw new Error(`check ${check.id}: no remediation`);
  return Object.freeze(check);
}

/** CIS AWS Foundations Benchmark v3.0.0 control ids. */
export function cis(...controls: string[]): string[] {
  return controls.map((c) => `cis-3.0:${c}`);
}
