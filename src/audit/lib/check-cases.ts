/**
 * Table-driven tests for checks: every check gets a passing, a failing and an unknown fixture, and a test
 * file can assert that no check of its folder was left without them.
 */
import { describe, expect, it } from 'vitest';
import type { Check, CheckResult } from '../check.js';
import type { SnapshotReader } from '../../snapshot/types.js';

export interface Cases {
  pass: SnapshotReader;
  fail: SnapshotReader;
  /** Data missing and/or denied: results must include unknown and never pass. */
  unknown: SnapshotReader | SnapshotReader[];
}

function wellFormed(results: CheckResult[]): void {
  for (const r of results) {
    expect(r.resource, 'resource').toBeTruthy();
    expect(r.account, 'account').toBeTruthy();
    expect(r.region, 'region').toBeTruthy();
    expect(r.reason, 'reason').toBeTruthy();
  }
}

export function runCases(check: Check, cases: Cases): void {
  describe(check.id, () => {
    it('passes on its passing fixture', () => {
      const results = check.run(cases.pass);
      wellFormed(results);
      expect(results.length).toBeGreaterThan(0);
      expect(results.filter((r) => r.status !== 'pass'), JSON.stringify(results)).toEqual([]);
    });
    it('fails on its failing fixture', () => {
      const results = check.run(cases.fail);
      wellFormed(results);
      expect(results.some((r) => r.status === 'fail'), JSON.stringify(results)).toBe(true);
    });
    it('says unknown, never pass, when data is missing or denied', () => {
      for (const snap of Array.isArray(cases.unknown) ? cases.unknown : [cases.unknown]) {
        const results = check.run(snap);
        wellFormed(results);
        expect(results.some((r) => r.status === 'unknown'), JSON.stringify(results)).toBe(true);
        expect(results.filter((r) => r.status === 'pass'), JSON.stringify(results)).toEqual([]);
      }
    });
  });
}

/** Run the cases of a folder's checks and require that every one of them has cases. */
export function runAllCases(checks: Check[], table: Record<string, Cases>): void {
  for (const check of checks) {
    const cases = table[check.id];
    if (cases) runCases(check, cases);
  }
  it('every check of this folder has pass, fail and unknown fixtures', () => {
    expect(checks.map((c) => c.id).filter((id) => !table[id])).toEqual([]);
    expect(Object.keys(table).filter((id) => !checks.some((c) => c.id === id))).toEqual([]);
  });
}
