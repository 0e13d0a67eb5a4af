/** Is an AWS managed policy attached to anyone in the account? (Authorization details list attachments per principal.) */
import { principals, type AuthDetails } from '../../lib/iam.js';
import { arr } from '../../lib/snapshot.js';

export function attachedTo(d: AuthDetails, policyName: string): string[] {
  const suffix = `:iam::aws:policy/${policyName}`;
  return principals(d)
    .filter(([, e]) => arr(e.AttachedManagedPolicies).some((a) => String(a.PolicyArn).endsWith(suffix)))
    .map(([, , arn]) => arn);
}
