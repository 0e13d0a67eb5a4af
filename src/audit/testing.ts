/**
 * Small checks and snapshots for the engine's own tests (the real checks have their fixtures beside them):
 * a "thing" is a resource listed by the fake call `test-list-things`, failing when `bad` is set.
 */
import type { Check, Severity } from './check.js';
import type { CallResult, SnapshotAccount, SnapshotReader } from '../snapshot/types.js';

export interface Thing {
  id: string;
  account?: string;
  region?: string;
  bad?: boolean;
  name?: string;
  tags?: Record<string, string>;
}

export const THINGS_CALL = 'test-list-things';

/** A check over things: fail when bad, unknown where the listing is missing or denied. */
export function thingCheck(id: string, severity: Severity = 'high', extra: Partial<Check> = {}): Check {
  return {
    id,
    title: `Things are good (${id})`,
    severity,
    service: id.split('_')[0]!,
    resourceType: 'Other',
    description: 'Every thing must be good.',
    risk: 'A bad thing is bad.',
    remediation: { console: 'Make the thing good.' },
    references: ['https://example.invalid/things'],
    compliance: { cis: ['cis-3.0:9.9'], fsbp: ['Thing.1'] },
    cloudmapper: 'BAD_THING',
    run(snap) {
      const out = [];
      for (const a of snap.accounts()) {
        for (const region of snap.regions(a.id)) {
          const r = snap.call(a.id, region, THINGS_CALL);
          if (!r || r.status !== 'ok') {
            out.push({ resource: `${a.id}/${region}`, account: a.id, region, status: 'unknown' as const, reason: `${THINGS_CALL} ${r ? r.status : 'was not collected'}` });
            continue;
          }
          for (const t of r.data as Thing[]) {
            out.push({
              resource: `arn:${a.partition}:test:${region}:${a.id}:thing/${t.id}`,
              account: a.id,
              region,
              status: t.bad ? ('fail' as const) : ('pass' as const),
              reason: t.bad ? `thing ${t.id} is bad` : `thing ${t.id} is good`,
              ...(t.name !== undefined ? { resourceName: t.name } : {}),
              ...(t.tags ? { tags: t.tags } : {}),
            });
          }
        }
      }
      return out;
    },
    ...extra,
  };
}

/** A snapshot of things per account and region; `denied` lists `account/region` pairs whose listing failed. */
export function thingsSnapshot(things: Thing[], opts: { accounts?: string[]; regions?: string[]; denied?: string[]; id?: string; time?: string } = {}): SnapshotReader {
  const accounts: SnapshotAccount[] = (opts.accounts ?? ['111111111111']).map((id) => ({ id, name: `acct-${id}`, partition: 'aws' }));
  const regions = opts.regions ?? ['us-east-1'];
  const denied = new Set(opts.denied ?? []);
  return {
    id: opts.id ?? 'things',
    time: opts.time ?? '2026-01-01T00:00:00.000Z',
    accounts: () => accounts,
    regions: () => regions,
    call(account, region, name): CallResult | undefined {
      if (name !== THINGS_CALL) return undefined;
      if (denied.has(`${account}/${region}`)) return { status: 'denied', error: 'AccessDenied' };
      return { status: 'ok', data: things.filter((t) => (t.account ?? accounts[0]!.id) === account && (t.region ?? regions[0]) === region) };
    },
    params: () => [],
  };
}
