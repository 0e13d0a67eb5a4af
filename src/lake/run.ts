/** `vigil lake ingest`: from sources (local, s3://, stdin) to the lake, batch by batch. */
import type { Store } from '../store/store.js';
import type { Config } from '../config/schema.js';
import { Ingestor, batchesOf, debugLaps, pendingFiles, type IngestProgress, type IngestResult } from './ingest.js';
import { listLocal, stdinToFile, type LogFile } from './sources.js';
import type { LogFilter } from './layout.js';

export interface IngestRequest {
  sources: string[];
  filter?: LogFilter;
  retryErrors?: boolean;
  config: Config;
  onProgress?: (p: IngestProgress) => void;
  /** Informational messages (listing, pruning). */
  onInfo?: (msg: string) => void;
  stdin?: NodeJS.ReadableStream;
}

export interface IngestSummary extends IngestResult {
  digestsSkipped: number;
  pruned: number;
  /** S3 folders skipped without being listed (outside the filter, or digest folders). */
  prunedPrefixes: number;
  ignored: number;
}

export async function ingest(store: Store, req: IngestRequest): Promise<IngestSummary> {
  const lap = debugLaps();
  const filter = req.filter ?? {};
  const ingestor = new Ingestor(store, { filter, retryErrors: req.retryErrors, lake: req.config.lake, onProgress: req.onProgress });
  const local = req.sources.filter((s) => s !== '-' && !s.startsWith('s3://'));
  const s3 = req.sources.filter((s) => s.startsWith('s3://'));
  const summary = { digestsSkipped: 0, pruned: 0, prunedPrefixes: 0, ignored: 0 };

  const listing = await listLocal(local, filter);
  Object.assign(summary, { digestsSkipped: listing.digests, pruned: listing.pruned, ignored: listing.ignored });
  const localFiles: LogFile[] = [...listing.files];
  if (req.sources.includes('-')) localFiles.push(await stdinToFile(ingestor.downloadDir, req.stdin));

  const s3Objects: LogFile[] = [];
  // The S3 client is loaded only for s3:// sources (it is most of the CLI's start-up otherwise).
  const { listS3Logs, downloadS3Objects } = s3.length ? await import('./s3.js') : ({} as typeof import('./s3.js'));
  for (const url of s3) {
    const l = await listS3Logs(url, filter, {
      profile: req.config.aws.profile,
      region: req.config.aws.region,
      endpoint: req.config.aws.endpoint,
      concurrency: req.config.lake.downloadConcurrency,
    });
    summary.digestsSkipped += l.digests;
    summary.pruned += l.pruned;
    summary.prunedPrefixes += l.prunedPrefixes;
    summary.ignored += l.ignored;
    for (const o of l.objects) s3Objects.push({ key: o.url, size: o.size, version: o.etag });
  }

  const all = [...localFiles, ...s3Objects];
  lap(`list ${all.length} files`);
  const todo = await pendingFiles(store, all, req.retryErrors);
  await ingestor.start(req.sources, all.length, all.length - todo.length);
  ingestor.plan(todo.length, todo.reduce((s, f) => s + f.size, 0));
  req.onInfo?.(
    `${all.length} log files (${all.length - todo.length} already ingested), ${summary.digestsSkipped} digest files skipped, ` +
      `${summary.pruned} pruned by --since/--until/--accounts/--regions`,
  );

  lap(`pending ${todo.length} files`);
  const localTodo = todo.filter((f) => f.path);
  await ingestor.ingestAll(batchesOf(localTodo, req.config.lake.batchBytes));
  lap('local files');

  const remote = todo.filter((f) => !f.path);
  for (const batch of batchesOf(remote, req.config.lake.batchBytes)) {
    // Download a batch in parallel, ingest it, delete it: disk use stays at about one batch.
    const ready: LogFile[] = [];
    const byUrl = new Map(batch.map((f) => [f.key, f]));
    for await (const d of downloadS3Objects(
      batch.map((f) => ({ url: f.key, size: f.size, etag: f.version })),
      ingestor.downloadDir,
      { profile: req.config.aws.profile, region: req.config.aws.region, endpoint: req.config.aws.endpoint, concurrency: req.config.lake.downloadConcurrency },
    )) {
      const f = byUrl.get(d.object.url)!;
      if ('path' in d) ready.push({ ...f, path: d.path });
      else await ingestor.fail(f, new Error(`download failed: ${d.error}`));
    }
    await ingestor.ingestBatch(ready);
  }

  const result = await ingestor.finish(req.sources, summary.digestsSkipped);
  lap('finish');
  return { ...result, ...summary };
}
