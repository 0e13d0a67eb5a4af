/** "Service enabled in every region": one result per account and region, from that region's own calls. */
import type { Check, CheckMeta } from '../check.js';
import type { SnapshotReader } from '../../snapshot/types.js';
import { defineCheck } from './define.js';
import { record, type Verdict } from './factories.js';
import { forEachRegion, isAbsentService, Results } from './snapshot.js';

export interface RegionContext {
  snap: SnapshotReader;
  account: string;
  region: string;
}

/**
 * `probe` names the call whose absence-of-service (opt-in region off, service not offered) skips the region;
 * `evaluate` decides from whatever calls it reads (returning `{unknown}` when they are missing).
 */
export function regionalCheck(meta: CheckMeta, probe: string[], evaluate: (ctx: RegionContext) => Verdict): Check {
  return defineCheck({
    ...meta,
    run(snap, emit) {
      const res = new Results(emit);
      forEachRegion(snap, (account, region) => {
        const raw = probe.map((p) => snap.call(account, region, p)).find((r) => r !== undefined);
        if (isAbsentService(raw)) return;
        record(res, evaluate({ snap, account, region }), `${account}/${region}/${meta.service}`, account, region);
      });
      return res.list;
    },
  });
}
