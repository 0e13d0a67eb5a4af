import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { listLocal } from '../../lake/sources.js';
import { VigilError } from '../../util/errors.js';
import { manyRecords } from '../../../test/helpers/records.js';
import type { Source } from '../source.js';
import { createSource, memoryCheckpoint } from './index.js';

let dir: string;
let watched: string;
const open: Source[] = [];
const signal = () => new AbortController().signal;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-dirsrc-'));
  watched = join(dir, 'logs');
  mkdirSync(join(watched, 'a', 'b'), { recursive: true });
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

function source(checkpoint = memoryCheckpoint(), intervalSeconds = 0.15): Source {
  const src = createSource({ type: 'dir', path: watched, intervalSeconds }, { aws: {}, workDir: join(dir, 'work'), log: () => undefined, checkpoint });
  open.push(src);
  return src;
}

const ndjson = (n: number, tag: string) => manyRecords(n, tag).map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('directory source', () => {
  it('takes log files at any depth once their size is stable, keyed as lake ingest keys them', async () => {
    const gz = join(watched, 'a', 'b', 'x.json.gz');
    writeFileSync(gz, gzipSync(JSON.stringify({ Records: manyRecords(2, 'gz') })));
    writeFileSync(join(watched, 'a', 'y.ndjson'), ndjson(2, 'nd'));
    writeFileSync(join(watched, 'notes.txt'), 'not a log');
    const src = source();
    const t = Date.now();
    const items = await src.next(signal());
    // Two scans an interval apart: a file is taken only when seen twice the same.
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    expect(items.map((i) => i.file!.key).sort()).toEqual([resolve(gz), resolve(watched, 'a', 'y.ndjson')]);
    // The same LogFile as `vigil lake ingest` lists for the directory: the lake manifest deduplicates across both.
    const lake = (await listLocal([watched], {})).files;
    expect(items.map((i) => i.file).sort((a, b) => a!.key.localeCompare(b!.key))).toEqual(lake);
    for (const i of items) await i.ack();
    expect(await src.next(signal())).toEqual([]);
  });

  it('waits while a file is still growing', async () => {
    const f = join(watched, 'growing.jsonl');
    writeFileSync(f, ndjson(1, 'g0'));
    const src = source();
    let grown = 0;
    // Appends every 60 ms for ~0.5 s: the file is never the same in two scans 150 ms apart until it stops.
    const writer = setInterval(() => {
      if (grown++ < 8) appendFileSync(f, ndjson(1, `g${grown}`));
    }, 60);
    const items = await src.next(signal());
    clearInterval(writer);
    expect(items).toHaveLength(1);
    expect(items[0]!.file!.size).toBe(statSync(f).size);
    expect(grown).toBeGreaterThanOrEqual(8);
  });

  it('hands a changed file out again, and a restarted source skips what was acked', async () => {
    const f = join(watched, 'a', 'c.json');
    writeFileSync(f, JSON.stringify(manyRecords(2, 'c')));
    const checkpoint = memoryCheckpoint();
    const src = source(checkpoint);
    const [item] = await src.next(signal());
    await item!.ack();
    await src.close();

    const again = source(checkpoint);
    expect(await again.next(signal())).toEqual([]);
    writeFileSync(f, JSON.stringify(manyRecords(3, 'c2')));
    utimesSync(f, new Date(), new Date(Date.now() + 5000));
    const [changed] = await again.next(signal());
    expect(changed!.file!.key).toBe(resolve(f));
    expect(changed!.file!.version).not.toBe(item!.file!.version);
    // Nacked: handed out again at a later scan.
    await changed!.nack('lake commit failed');
    const [retried] = await again.next(signal());
    expect(retried!.file).toEqual(changed!.file);
    expect(again.stats).toMatchObject({ received: 2, nacked: 1 });
  });

  it('fails with the setting named when the directory does not exist', async () => {
    watched = join(dir, 'missing');
    await expect(source().next(signal())).rejects.toThrow(VigilError);
  });
});
