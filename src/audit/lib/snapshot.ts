/**
 * Snapshot access for checks: read one raw response and know whether it is usable, missing or denied,
 * find global services wherever the partition keeps them, and build results.
 */
import type { CallResult, Partition, SnapshotReader } from '../../snapshot/types.js';
import type { CheckResult, CheckStatus, Emit } from '../check.js';

/** Raw AWS JSON: checks read it defensively through the small accessors below. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export type Got<T = Json> = { ok: true; data: T } | { ok: false; reason: string; notFound: boolean };

const NOT_FOUND = /NoSuch|NotFound|not ?found|does not exist|NoSuchEntity/i;

/** Why a call cannot be used, in one line (undefined when it can). */
export function statusFromCall(name: string, result: CallResult | undefined, param?: string): string | undefined {
  const what = param === undefined ? name : `${name}(${param})`;
  if (result === undefined) return `${what} was not collected`;
  if (result.status === 'ok') return undefined;
  return `${what}: ${result.status} (${result.error})`;
}

/** True when the call failed because the thing does not exist (no policy, no password policy...). */
export function isNotFound(result: CallResult | undefined): boolean {
  return result !== undefined && result.status === 'error' && NOT_FOUND.test(result.error);
}

/** Read one call. `names` lists alternative spellings (CloudMapper wrote some files with typos). */
export function get(snap: SnapshotReader, account: string, region: string, names: string | string[], param?: string): Got {
  const list = Array.isArray(names) ? names : [names];
  let first: CallResult | undefined;
  for (const name of list) {
    const r = snap.call(account, region, name, param);
    if (r === undefined) continue;
    first ??= r;
    if (r.status === 'ok') return r.data === null || r.data === undefined ? { ok: true, data: {} } : { ok: true, data: r.data };
  }
  return { ok: false, reason: statusFromCall(list[0]!, first, param) ?? 'unusable', notFound: isNotFound(first) };
}

export const HOME_REGION: Record<Partition, string> = {
  aws: 'us-east-1',
  'aws-us-gov': 'us-gov-west-1',
  'aws-cn': 'cn-north-1',
};

export function partitionOf(snap: SnapshotReader, account: string): Partition {
  return snap.accounts().find((a) => a.id === account)?.partition ?? 'aws';
}

/**
 * Regions to look in for a global service, home region first. CloudMapper only ever looked in us-east-1,
 * which does not exist in aws-us-gov or aws-cn: vigil looks wherever the call was collected.
 */
export function globalRegions(snap: SnapshotReader, account: string): string[] {
  const home = HOME_REGION[partitionOf(snap, account)];
  const regions = snap.regions(account);
  return [home, ...regions.filter((r) => r !== home)];
}

/** A global call (IAM, S3 list, Route53...): the first region where it was collected. */
export function getGlobal(snap: SnapshotReader, account: string, names: string | string[], param?: string): Got & { region: string } {
  const regions = globalRegions(snap, account);
  const list = Array.isArray(names) ? names : [names];
  for (const region of regions) {
    if (list.some((n) => snap.call(account, region, n, param) !== undefined)) return { ...get(snap, account, region, list, param), region };
  }
  return { ...get(snap, account, regions[0]!, list, param), region: regions[0]! };
}

export function forEachAccount(snap: SnapshotReader, fn: (account: string, partition: Partition) => void): void {
  for (const a of snap.accounts()) fn(a.id, a.partition);
}

export function forEachRegion(snap: SnapshotReader, fn: (account: string, region: string, partition: Partition) => void): void {
  for (const a of snap.accounts()) for (const region of snap.regions(a.id)) fn(a.id, region, a.partition);
}

export function arr<T = Json>(v: unknown): T[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]) as T[];
}

/** Parse a JSON string that AWS returns inside JSON (policies); objects pass through. */
export function parseJson(v: unknown): Json | undefined {
  if (typeof v !== 'string') return v ?? undefined;
  if (v.trim() === '') return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

export function tagsOf(list: unknown): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const t of arr<{ Key?: string; Value?: string; key?: string; value?: string }>(list)) {
    const k = t.Key ?? t.key;
    if (k !== undefined) out[k] = String(t.Value ?? t.value ?? '');
  }
  return Object.keys(out).length ? out : undefined;
}

export function accountArn(partition: Partition, account: string): string {
  return `arn:${partition}:iam::${account}:root`;
}

/** True when a region simply has no such service (opt-in region off, service not offered there). */
export function isAbsentService(result: CallResult | undefined): boolean {
  return result !== undefined && (result.status === 'disabled' || result.status === 'unsupported');
}

export interface Where {
  account: string;
  region: string;
  partition: Partition;
}

/**
 * Visit every item of a regional list call in every region. A region whose list could not be read gets one
 * `unknown` result (resource `<account>/<region>`), never a silent pass; regions where the service does not
 * exist are skipped (nothing can be there).
 */
export function eachRegionalItem(
  snap: SnapshotReader,
  res: Results,
  call: string | string[],
  items: (data: Json) => Json[],
  fn: (item: Json, where: Where) => void,
): void {
  const names = Array.isArray(call) ? call : [call];
  forEachRegion(snap, (account, region, partition) => {
    const raw = names.map((n) => snap.call(account, region, n)).find((r) => r !== undefined);
    if (isAbsentService(raw)) return;
    const got = get(snap, account, region, names);
    if (!got.ok) {
      res.unknown(`${account}/${region}`, account, region, got.reason);
      return;
    }
    for (const item of items(got.data)) fn(item, { account, region, partition });
  });
}

/**
 * Results of one check run, with small builders so checks read as decisions. Given the engine's `emit`, each
 * result goes straight to it and `list` stays empty: a check over 180k security groups then never holds 180k
 * results (they die young instead of being promoted and swelling the heap).
 */
export class Results {
  readonly list: CheckResult[] = [];
  constructor(private readonly emit?: Emit) {}
  add(status: CheckStatus, resource: string, account: string, region: string, reason: string, extra: Partial<CheckResult> = {}): void {
    const r: CheckResult = { resource, account, region, status, reason, ...extra };
    if (this.emit) this.emit(r);
    else this.list.push(r);
  }
  pass(resource: string, account: string, region: string, reason: string, extra?: Partial<CheckResult>): void {
    this.add('pass', resource, account, region, reason, extra);
  }
  fail(resource: string, account: string, region: string, reason: string, extra?: Partial<CheckResult>): void {
    this.add('fail', resource, account, region, reason, extra);
  }
  unknown(resource: string, account: string, region: string, reason: string, extra?: Partial<CheckResult>): void {
    this.add('unknown', resource, account, region, reason, extra);
  }
  /** pass/fail from a boolean "is bad" decision. */
  decide(bad: boolean, resource: string, account: string, region: string, failReason: string, passReason: string, extra?: Partial<CheckResult>): void {
    if (bad) this.fail(resource, account, region, failReason, extra);
    else this.pass(resource, account, region, passReason, extra);
  }
}

/** Days from `from` to `to` (ISO strings); undefined if either is not a date. */
export function daysBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
  return Math.floor((b - a) / 86_400_000);
}
