/**
 * An in-memory SnapshotReader for check fixtures: calls keyed `<region>/<call>` or `<region>/<call>/<param>`
 * (default account 111122223333, partition aws); a `fail('denied')` value records a failed call.
 */
import type { CallResult, Partition, SnapshotAccount, SnapshotReader } from '../../snapshot/types.js';

export const TEST_ACCOUNT = '111122223333';

export class CallFailure {
  constructor(
    readonly status: 'denied' | 'disabled' | 'timeout' | 'unsupported' | 'error',
    readonly error: string,
  ) {}
}

/** A call that failed: `fail()` is AccessDenied. */
export function fail(status: CallFailure['status'] = 'denied', error = 'AccessDenied'): CallFailure {
  return new CallFailure(status, error);
}

export interface MemorySnapshotInput {
  /** `<region>/<call>[/<param>]` → raw response, for TEST_ACCOUNT; or `<account>:<region>/<call>...`. */
  calls: Record<string, unknown>;
  accounts?: { id: string; name?: string; partition?: Partition }[];
  /** Regions per account; default: every region named in `calls`, else us-east-1. */
  regions?: string[];
  time?: string;
}

export function memorySnapshot(input: MemorySnapshotInput): SnapshotReader {
  const accounts: SnapshotAccount[] = (input.accounts ?? [{ id: TEST_ACCOUNT }]).map((a) => ({
    id: a.id,
    name: a.name ?? a.id,
    partition: a.partition ?? 'aws',
  }));
  const table = new Map<string, CallResult>();
  const params = new Map<string, string[]>();
  const seenRegions = new Map<string, Set<string>>();
  for (const [key, value] of Object.entries(input.calls)) {
    const colon = key.indexOf(':');
    const hasAccount = colon > 0 && colon < key.indexOf('/');
    const account = hasAccount ? key.slice(0, colon) : accounts[0]!.id;
    const rest = hasAccount ? key.slice(colon + 1) : key;
    const [region, name, ...paramParts] = rest.split('/');
    if (!region || !name) throw new Error(`memorySnapshot: bad key ${key}`);
    const param = paramParts.length ? paramParts.join('/') : undefined;
    const result: CallResult = value instanceof CallFailure ? { status: value.status, error: value.error } : { status: 'ok', data: value };
    table.set(`${account}|${region}|${name}|${param ?? ''}`, result);
    if (param !== undefined) {
      const pk = `${account}|${region}|${name}`;
      params.set(pk, [...(params.get(pk) ?? []), param]);
    }
    if (!seenRegions.has(account)) seenRegions.set(account, new Set());
    seenRegions.get(account)!.add(region);
  }
  return {
    id: 'memory',
    time: input.time ?? '2026-01-01T00:00:00Z',
    accounts: () => accounts,
    regions: (account) => input.regions ?? [...(seenRegions.get(account) ?? new Set(['us-east-1']))],
    call: (account, region, name, param) => table.get(`${account}|${region}|${name}|${param ?? ''}`),
    params: (account, region, name) => params.get(`${account}|${region}|${name}`) ?? [],
  };
}
