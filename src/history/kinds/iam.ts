/** What IAM users and roles share: managed policy attachments, inline policies, permissions boundaries. */
import { str } from '../event.js';
import type { Json, TrailRecord } from '../types.js';
import { pick, setField, type EventSpec, type Target } from './kind.js';

/** Policy documents arrive URL-encoded in some events and as JSON text in others; keep them readable. */
export function document(v: unknown): Json {
  if (typeof v !== 'string') return v ?? null;
  let text = v;
  if (/^%7B/i.test(text)) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return v;
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const uniqAdd = (list: unknown, v: unknown) => [...new Set([...((list as unknown[]) ?? []), v])];
const without = (list: unknown, v: unknown) => ((list as unknown[]) ?? []).filter((x) => x !== v);

/** The principal-policy events of users (`User`) or roles (`Role`), keyed by the request's name parameter. */
export function principalPolicyEvents(noun: 'User' | 'Role', nameParam: string): Record<string, EventSpec> {
  const target = (rec: TrailRecord): (Target | undefined)[] => {
    const id = str(rec, `requestParameters.${nameParam}`);
    return id ? [{ id }] : [];
  };
  const inline = (rec: TrailRecord) => ({ policyName: str(rec, 'requestParameters.policyName') ?? null, policyDocument: document(str(rec, 'requestParameters.policyDocument')) });
  return {
    [`Attach${noun}Policy`]: { action: 'modify', targets: target, request: pick('policyArn'), apply: (s, r) => ({ ...s, attachedPolicies: uniqAdd(s.attachedPolicies, r.policyArn) }) },
    [`Detach${noun}Policy`]: { action: 'modify', targets: target, request: pick('policyArn'), apply: (s, r) => ({ ...s, attachedPolicies: without(s.attachedPolicies, r.policyArn) }) },
    [`Put${noun}Policy`]: {
      action: 'modify',
      targets: target,
      request: inline,
      apply: (s, r) => ({ ...s, inlinePolicies: { ...(s.inlinePolicies ?? {}), [r.policyName]: r.policyDocument } }),
    },
    [`Delete${noun}Policy`]: {
      action: 'modify',
      targets: target,
      request: pick('policyName'),
      apply: (s, r) => {
        const rest = { ...(s.inlinePolicies ?? {}) };
        delete rest[r.policyName];
        return { ...s, inlinePolicies: rest };
      },
    },
    [`Put${noun}PermissionsBoundary`]: { action: 'modify', targets: target, request: pick('permissionsBoundary'), apply: setField('permissionsBoundary', 'permissionsBoundary') },
    [`Delete${noun}PermissionsBoundary`]: { action: 'modify', targets: target, apply: setField('permissionsBoundary') },
  };
}

/** Managed and inline policies of a user or role as collected (GetAccountAuthorizationDetails). */
export function policiesFromSnapshot(c: Json, inlineList: string): Json {
  const inline: Record<string, unknown> = {};
  for (const p of Array.isArray(c?.[inlineList]) ? c[inlineList] : []) inline[p.PolicyName] = document(p.PolicyDocument);
  return {
    attachedPolicies: (Array.isArray(c?.AttachedManagedPolicies) ? c.AttachedManagedPolicies : []).map((p: Json) => p.PolicyArn),
    inlinePolicies: inline,
    permissionsBoundary: c?.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
  };
}
