/**
 * CloudTrail as an account sees it: its trails in every region (deduplicated, multi-region shadows included),
 * organisation trails of a management account in the same snapshot credited to members, with status and selectors.
 */
import type { SnapshotReader } from '../../snapshot/types.js';
import { arr, get, getGlobal, type Got, type Json } from './snapshot.js';
import type { Check, CheckMeta } from '../check.js';
import { defineCheck } from './define.js';
import { memo } from './memo.js';
import { record, type Verdict } from './factories.js';
import { accountArn, forEachAccount, Results } from './snapshot.js';

export interface Trail {
  arn: string;
  name: string;
  homeRegion: string;
  /** Account that owns the trail (differs for organisation trails). */
  owner: string;
  raw: Json;
  /** Status (IsLogging...) when collected. */
  status: Got;
  selectors: Got;
}

export interface AccountTrails {
  /** Regions whose describe-trails could not be read (so "no trail" cannot be claimed). */
  gaps: string[];
  trails: Trail[];
}

function ownerOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/** Read a per-trail call in the trail's home region first, then wherever it was collected. */
function perTrail(snap: SnapshotReader, account: string, regions: string[], home: string, name: string, arn: string): Got {
  const order = [home, ...regions.filter((r) => r !== home)];
  for (const r of order) {
    for (const param of [arn, arn.split('/').pop() ?? arn]) {
      if (snap.call(account, r, name, param) !== undefined) return get(snap, account, r, name, param);
    }
  }
  return get(snap, account, home, name, arn);
}

function trailsOf(snap: SnapshotReader, account: string): AccountTrails {
  const regions = snap.regions(account);
  const out: AccountTrails = { gaps: [], trails: [] };
  const seen = new Set<string>();
  for (const region of regions) {
    const got = get(snap, account, region, 'cloudtrail-describe-trails');
    if (!got.ok) {
      const raw = snap.call(account, region, 'cloudtrail-describe-trails');
      if (!(raw && (raw.status === 'disabled' || raw.status === 'unsupported'))) out.gaps.push(`${region}: ${got.reason}`);
      continue;
    }
    for (const t of arr(got.data.trailList)) {
      const arn = String(t.TrailARN ?? `arn:aws:cloudtrail:${region}:${account}:trail/${t.Name}`);
      if (seen.has(arn)) continue;
      seen.add(arn);
      const home = String(t.HomeRegion ?? region);
      out.trails.push({
        arn,
        name: String(t.Name),
        homeRegion: home,
        owner: ownerOf(arn),
        raw: t,
        status: perTrail(snap, account, regions, home, 'cloudtrail-get-trail-status', arn),
        selectors: perTrail(snap, account, regions, home, 'cloudtrail-get-event-selectors', arn),
      });
    }
  }
  return out;
}

function orgMaster(snap: SnapshotReader, account: string): string | undefined {
  const got = getGlobal(snap, account, 'organizations-describe-organization');
  return got.ok ? got.data.Organization?.MasterAccountId : undefined;
}

/** Trails covering an account: its own, plus organisation trails of its management account when that is in the snapshot. */
export function accountTrails(snap: SnapshotReader, account: string): AccountTrails {
  return memo(snap, `trails:${account}`, () => readAccountTrails(snap, account));
}

function readAccountTrails(snap: SnapshotReader, account: string): AccountTrails {
  const own = trailsOf(snap, account);
  const master = orgMaster(snap, account);
  if (master && master !== account && snap.accounts().some((a) => a.id === master)) {
    const known = new Set(own.trails.map((t) => t.arn));
    for (const t of trailsOf(snap, master).trails) if (t.raw.IsOrganizationTrail && !known.has(t.arn)) own.trails.push(t);
  }
  return own;
}

/** true/false when the status is known, undefined otherwise. */
export function isLogging(t: Trail): boolean | undefined {
  return t.status.ok ? t.status.data.IsLogging === true : undefined;
}

/** Does the trail record management events (read and write)? undefined when selectors were not collected. */
export function recordsManagementEvents(t: Trail): boolean | undefined {
  // Without custom selectors a trail records all management events, read and write.
  if (t.raw.HasCustomEventSelectors === false) return true;
  if (!t.selectors.ok) return undefined;
  const d = t.selectors.data;
  if (arr(d.AdvancedEventSelectors).length) {
    return arr(d.AdvancedEventSelectors).some((s) => {
      const fields = arr(s.FieldSelectors);
      const cat = fields.find((f) => f.Field === 'eventCategory');
      const ro = fields.find((f) => f.Field === 'readOnly');
      return arr(cat?.Equals).includes('Management') && !ro;
    });
  }
  return arr(d.EventSelectors).some((s) => s.IncludeManagementEvents !== false && (s.ReadWriteType ?? 'All') === 'All');
}

/** Does the trail log S3 object-level events of every bucket for `kind`? undefined when selectors are missing. */
export function recordsS3ObjectEvents(t: Trail, kind: 'read' | 'write'): boolean | undefined {
  if (!t.selectors.ok) return undefined;
  const d = t.selectors.data;
  const basic = arr(d.EventSelectors).some(
    (s) =>
      ['All', kind === 'read' ? 'ReadOnly' : 'WriteOnly'].includes(s.ReadWriteType ?? 'All') &&
      arr(s.DataResources).some((r) => r.Type === 'AWS::S3::Object' && arr<string>(r.Values).some((v) => /^arn:[^:]+:s3(:::)?$/.test(v))),
  );
  const advanced = arr(d.AdvancedEventSelectors).some((s) => {
    const fields = arr(s.FieldSelectors);
    const type = fields.find((f) => f.Field === 'resources.type');
    const ro = fields.find((f) => f.Field === 'readOnly');
    const arnScoped = fields.some((f) => f.Field === 'resources.ARN');
    const roOk = !ro || arr(ro.Equals).includes(kind === 'read' ? 'true' : 'false');
    return arr(type?.Equals).includes('AWS::S3::Object') && roOk && !arnScoped;
  });
  return basic || advanced;
}

/** The log group name a trail delivers to (from CloudWatchLogsLogGroupArn). */
export function trailLogGroup(t: Trail): { name: string; region: string } | undefined {
  const arn = t.raw.CloudWatchLogsLogGroupArn as string | undefined;
  if (!arn) return undefined;
  const m = /^arn:[^:]+:logs:([^:]+):\d*:log-group:([^:]+)/.exec(arn);
  return m ? { region: m[1]!, name: m[2]! } : undefined;
}

/** One result per account from the trails covering it (unknown when describe-trails is missing everywhere). */
export function trailsAccountCheck(meta: CheckMeta, evaluate: (t: AccountTrails, snap: SnapshotReader, account: string) => Verdict): Check {
  return defineCheck({
    ...meta,
    run(snap, emit) {
      const res = new Results(emit);
      forEachAccount(snap, (account, partition) => {
        const t = accountTrails(snap, account);
        const region = snap.regions(account)[0] ?? 'us-east-1';
        if (t.trails.length === 0 && t.gaps.length) return res.unknown(accountArn(partition, account), account, region, t.gaps.join('; '));
        record(res, evaluate(t, snap, account), accountArn(partition, account), account, region);
      });
      return res.list;
    },
  });
}

/** One result per trail the account owns (organisation trails are judged in their management account). */
export function trailCheck(meta: CheckMeta, evaluate: (t: Trail, snap: SnapshotReader, account: string) => Verdict): Check {
  return defineCheck({
    ...meta,
    run(snap, emit) {
      const res = new Results(emit);
      forEachAccount(snap, (account, partition) => {
        const t = accountTrails(snap, account);
        const own = t.trails.filter((x) => x.owner === account || x.owner === '');
        if (own.length === 0 && t.gaps.length) return res.unknown(accountArn(partition, account), account, snap.regions(account)[0] ?? 'us-east-1', t.gaps.join('; '));
        for (const trail of own) record(res, evaluate(trail, snap, account), trail.arn, account, trail.homeRegion, { resourceName: trail.name });
      });
      return res.list;
    },
  });
}
