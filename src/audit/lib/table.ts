/** Families of per-item checks declared as rows of a table: each row becomes its own registered check. */
import type { Check, CheckMeta } from '../check.js';
import type { SnapshotReader } from '../../snapshot/types.js';
import { itemCheck, type ItemSpec, type Verdict } from './factories.js';
import type { Json, Where } from './snapshot.js';

export interface AttributeRow extends Omit<CheckMeta, 'service' | 'resourceType' | 'remediation' | 'references' | 'compliance'> {
  /** Why the item fails, undefined when it passes, `{unknown}` when the data cannot tell, null when not applicable. */
  bad: (item: Json, where: Where, snap: SnapshotReader) => string | undefined | { unknown: string } | null;
  passReason?: string;
  console: string;
  cli?: string;
  references?: string[];
  cis?: string[];
  fsbp?: string[];
}

export interface TableCommon {
  service: string;
  resourceType: string;
  spec: ItemSpec;
}

export function attributeChecks(common: TableCommon, rows: AttributeRow[]): Check[] {
  return rows.map((row) =>
    itemCheck(
      {
        id: row.id,
        title: row.title,
        severity: row.severity,
        service: common.service,
        resourceType: common.resourceType,
        description: row.description,
        risk: row.risk,
        remediation: { console: row.console, cli: row.cli },
        references: row.references ?? [],
        compliance: { cis: row.cis, fsbp: row.fsbp },
        cloudmapper: row.cloudmapper,
      },
      common.spec,
      (item, where, snap): Verdict => {
        const why = row.bad(item, where, snap);
        if (why === null) return null;
        if (typeof why === 'object') return why;
        return why === undefined ? { bad: false, reason: row.passReason ?? 'compliant' } : { bad: true, reason: why };
      },
    ),
  );
}
