import { describe, it, expect } from 'vitest';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { manyRecords } from '../../../test/helpers/records.js';
import type { Source, SourceItem } from '../source.js';
import { createSource } from './index.js';

const signal = () => new AbortController().signal;

function source(input: NodeJS.ReadableStream, logs: string[] = [], maxBatch = 1000): Source {
  return createSource({ type: 'stdin', maxBatch }, { aws: {}, workDir: '/nonexistent', log: (l) => logs.push(l), input });
}

/** Takes items until the source is done, acking each. */
async function drain(src: Source): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  while (!src.done) {
    const items = await src.next(signal());
    for (const i of items) await i.ack();
    out.push(...items);
  }
  return out;
}

describe('stdin source', () => {
  it('reads NDJSON records as they arrive and is done at EOF', async () => {
    const recs = manyRecords(5, 'nd');
    const input = new PassThrough();
    const src = source(input);
    input.write(recs.slice(0, 2).map((r) => JSON.stringify(r)).join('\n') + '\n');
    // Handed out before the input ends (a pipe from `tail -f`).
    const first = await src.next(signal());
    expect(first.flatMap((i) => i.events!).map((r) => r.eventID)).toEqual(['nd-0', 'nd-1']);
    expect(src.done).toBe(false);
    await first[0]!.ack();
    input.end(recs.slice(2).map((r) => JSON.stringify(r)).join('\n')); // no newline at the end
    const rest = await drain(src);
    expect(rest.flatMap((i) => i.events!).map((r) => r.eventID)).toEqual(['nd-2', 'nd-3', 'nd-4']);
    expect(src.done).toBe(true);
    expect(await src.next(signal())).toEqual([]);
  });

  it('reads a gzip CloudTrail Records file, pretty-printed, in batches of maxBatch', async () => {
    const recs = manyRecords(7, 'rec');
    const src = source(Readable.from([gzipSync(JSON.stringify({ Records: recs }, null, 2))]), [], 3);
    const items = await drain(src);
    expect(items.map((i) => i.events!.length)).toEqual([3, 3, 1]);
    expect(items.flatMap((i) => i.events!).map((r) => r.eventID)).toEqual(recs.map((r) => r.eventID));
    expect(src.stats).toMatchObject({ received: 3, acked: 3, errors: 0 });
  });

  it('counts and reports bad lines, and hands a nacked item out again', async () => {
    const recs = manyRecords(2, 'ok');
    const logs: string[] = [];
    const text = `${JSON.stringify(recs[0])}\n{"truncated": \n${JSON.stringify({ hello: 'world' })}\n${JSON.stringify(recs[1])}\n`;
    const src = source(Readable.from([Buffer.from(text)]), logs);
    const [item] = await src.next(signal());
    await item!.nack('lake commit failed');
    expect(src.done).toBe(false);
    const items = await drain(src);
    expect(items.flatMap((i) => i.events!).map((r) => r.eventID)).toEqual(['ok-0', 'ok-1']);
    expect(src.stats.errors).toBe(2);
    expect(logs).toEqual([expect.stringMatching(/^stdin: line 2: /), expect.stringMatching(/^stdin: line 3: .*not a CloudTrail record/)]);
  });

  it('is done at once on empty input', async () => {
    const src = source(Readable.from([]));
    expect(await src.next(signal())).toEqual([]);
    expect(src.done).toBe(true);
  });
});
