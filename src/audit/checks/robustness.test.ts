/** Properties every check must have, whatever its logic: denied data never passes, odd data never crashes. */
import { describe, expect, it } from 'vitest';
import type { CallResult, SnapshotReader } from '../../snapshot/types.js';
import { CHECKS } from './index.js';

function uniform(result: CallResult, partition: 'aws' | 'aws-cn' = 'aws'): SnapshotReader {
  return {
    id: 'uniform',
    time: '2026-01-01T00:00:00Z',
    accounts: () => [{ id: '111122223333', name: 'a', partition }],
    regions: () => (partition === 'aws' ? ['us-east-1', 'eu-west-1'] : ['cn-north-1', 'cn-northwest-1']),
    call: () => result,
    params: () => [],
  };
}

describe('every check', () => {
  for (const [label, snap] of [
    ['denied everywhere', uniform({ status: 'denied', error: 'AccessDenied' })],
    ['timed out everywhere (aws-cn)', uniform({ status: 'timeout', error: 'timed out' }, 'aws-cn')],
  ] as const) {
    it(`says unknown, and only unknown, when ${label}`, () => {
      for (const c of CHECKS) {
        const rs = c.run(snap);
        expect(rs.length, c.id).toBeGreaterThan(0);
        expect(rs.filter((r) => r.status !== 'unknown'), c.id).toEqual([]);
      }
    });
  }
  for (const [label, data] of [
    ['empty objects', {}],
    ['null bodies', null],
    ['arrays where objects are expected', []],
    ['strings where objects are expected', 'x'],
  ] as const) {
    it(`does not crash on ${label}`, () => {
      const snap = uniform({ status: 'ok', data });
      for (const c of CHECKS) expect(() => c.run(snap), c.id).not.toThrow();
    });
  }
});
