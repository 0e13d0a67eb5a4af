import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const FIX = resolve('test/fixtures/cloudtrail');

/** Every recorded CloudTrail record in the fixtures (real events, see test/fixtures/cloudtrail/README.md). */
export function fixtureRecords(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const f of readdirSync(FIX).sort()) {
    const text = readFileSync(join(FIX, f), 'utf8');
    if (f.endsWith('.json')) out.push(...(JSON.parse(text) as Record<string, unknown>[]));
    else if (f.endsWith('.ndjson'))
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        const o = JSON.parse(line) as Record<string, unknown>;
        const rec = (o.record as Record<string, unknown>) ?? o;
        if (typeof rec.eventTime === 'string') out.push(rec);
      }
  }
  return out;
}

/** The fixtures' records with duplicates (same eventID and recipientAccountId) removed, as the lake stores them. */
export function distinctFixtureRecords(): Record<string, unknown>[] {
  const seen = new Set<string>();
  return fixtureRecords().filter((r) => {
    const k = `${r.eventID}|${r.recipientAccountId ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** n distinct records cycling through the real ones, each with its own eventID. */
export function manyRecords(n: number, tag = 'r'): Record<string, unknown>[] {
  const base = fixtureRecords();
  return Array.from({ length: n }, (_, i) => ({ ...base[i % base.length]!, eventID: `${tag}-${i}` }));
}
