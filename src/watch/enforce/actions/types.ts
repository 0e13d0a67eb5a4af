/** What one enforcement action is: which triggering records it acts on, how it reads state, and the one write it makes. */
import type { AwsClients } from '../clients.js';

export interface Target {
  /** What is acted on, for people: `sg-0abc`, `trail/main`, `AKIA… (alice)`, `bucket logs`. */
  label: string;
  account: string | null;
  region: string;
  /** Action-specific details (group id and permissions, trail name, key id...). */
  detail: Record<string, unknown>;
}

export interface EnforcementAction {
  id: string;
  /** What it does, in a few words ("Revoke public ingress"). */
  verb: string;
  /** The targets a triggering CloudTrail record asks for (none when the record is not one this action answers). */
  targets(record: Record<string, unknown>): Target[];
  /** The state that matters, through the SDK (read before and after). */
  read(t: Target, aws: AwsClients): Promise<unknown>;
  /** Is there anything to change, given the state read before? */
  needed(t: Target, before: unknown): boolean;
  /** The write. Called only when enforcement is enabled and not a dry run. */
  apply(t: Target, aws: AwsClients, before: unknown): Promise<void>;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** `a.b.c` of a parsed CloudTrail record. */
export function path(rec: unknown, ...keys: string[]): unknown {
  let cur = rec;
  for (const k of keys) cur = isObj(cur) ? cur[k] : undefined;
  return cur;
}

export const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** CloudTrail's `{ items: [...] }` lists. */
export function items(v: unknown): Record<string, unknown>[] {
  const list = isObj(v) && Array.isArray(v.items) ? v.items : Array.isArray(v) ? v : [];
  return list.filter(isObj);
}

export function succeeded(rec: Record<string, unknown>): boolean {
  return !rec.errorCode;
}

export function accountOf(rec: Record<string, unknown>): string | null {
  return text(rec.recipientAccountId) ?? text(path(rec, 'userIdentity', 'accountId')) ?? null;
}
