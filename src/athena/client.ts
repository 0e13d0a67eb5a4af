/**
 * Runs lake SQL on Athena through the AWS SDK: StartQueryExecution, polling with backoff, GetQueryResults
 * pagination, StopQueryExecution when cancelled; reports data scanned and its cost. Rows come back in the local
 * engine's shapes (numbers as numbers, booleans as booleans), so every output works unchanged.
 */
import type { AthenaClient, ColumnInfo } from '@aws-sdk/client-athena';
import { createRequire } from 'node:module';
import type { Row } from '../store/store.js';
import { VigilError, ExitCode, UsageError } from '../util/errors.js';
import type { AthenaConfig } from './ddl.js';

export interface AthenaResult {
  columns: string[];
  rows: Row[];
  queryId: string;
  dataScannedBytes: number;
  costUSD: number;
  engineMs: number;
}

export interface AthenaOptions {
  profile?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** First poll delay and its ceiling (ms); the delay doubles between polls. */
  pollMs?: number;
  maxPollMs?: number;
}

// Loaded when an engine is made, not when a command that merely offers --engine athena starts.
const requireSdk = createRequire(import.meta.url);
const sdk = () => requireSdk('@aws-sdk/client-athena') as typeof import('@aws-sdk/client-athena');

export class AthenaEngine {
  private readonly client: AthenaClient;

  constructor(
    private readonly cfg: AthenaConfig,
    private readonly opts: AthenaOptions = {},
  ) {
    const { fromNodeProviderChain } = requireSdk('@aws-sdk/credential-providers') as typeof import('@aws-sdk/credential-providers');
    this.client = new (sdk().AthenaClient)({
      region: cfg.region ?? process.env.AWS_REGION ?? 'us-east-1',
      endpoint: cfg.endpoint,
      credentials: opts.credentials ?? fromNodeProviderChain({ profile: opts.profile }),
      maxAttempts: 5,
    });
  }

  /** The qualified table that scoped queries read. */
  get table(): string {
    return `"${this.cfg.database}"."${this.cfg.table}"`;
  }

  async query(sql: string, signal?: AbortSignal): Promise<AthenaResult> {
    const started = await this.client.send(
      new (sdk().StartQueryExecutionCommand)({
        QueryString: sql,
        QueryExecutionContext: { Database: this.cfg.database },
        WorkGroup: this.cfg.workgroup,
        ResultConfiguration: this.cfg.outputLocation ? { OutputLocation: this.cfg.outputLocation } : undefined,
      }),
    );
    const id = started.QueryExecutionId!;
    const onAbort = () => void this.client.send(new (sdk().StopQueryExecutionCommand)({ QueryExecutionId: id })).catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const exec = await this.wait(id, signal);
      const stats = exec.Statistics ?? {};
      const scanned = Number(stats.DataScannedInBytes ?? 0);
      const { columns, rows } = await this.results(id);
      return {
        columns,
        rows,
        queryId: id,
        dataScannedBytes: scanned,
        costUSD: (scanned / 1e12) * this.cfg.pricePerTB,
        engineMs: Number(stats.EngineExecutionTimeInMillis ?? 0),
      };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async wait(id: string, signal?: AbortSignal) {
    let delay = this.opts.pollMs ?? 250;
    for (;;) {
      if (signal?.aborted) {
        await this.client.send(new (sdk().StopQueryExecutionCommand)({ QueryExecutionId: id }));
        throw new VigilError(`athena: query ${id} cancelled`, ExitCode.runtime);
      }
      const r = await this.client.send(new (sdk().GetQueryExecutionCommand)({ QueryExecutionId: id }));
      const status = r.QueryExecution?.Status;
      switch (status?.State) {
        case 'SUCCEEDED':
          return r.QueryExecution!;
        case 'FAILED': {
          const reason = (status.StateChangeReason ?? 'failed').split('\n')[0];
          // Athena reports SQL errors as FAILED with an error category 2 (user error).
          if (status.AthenaError?.ErrorCategory === 2) throw new UsageError(`athena: ${reason}`);
          throw new VigilError(`athena: query ${id} failed: ${reason}`, ExitCode.runtime);
        }
        case 'CANCELLED':
          throw new VigilError(`athena: query ${id} was cancelled`, ExitCode.runtime);
        default:
          await sleep(delay, signal);
          delay = Math.min(delay * 2, this.opts.maxPollMs ?? 2000);
      }
    }
  }

  private async results(id: string): Promise<{ columns: string[]; rows: Row[] }> {
    let token: string | undefined;
    let info: ColumnInfo[] = [];
    const rows: Row[] = [];
    let first = true;
    do {
      const page = await this.client.send(new (sdk().GetQueryResultsCommand)({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 }));
      info = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? info;
      let data = page.ResultSet?.Rows ?? [];
      // For SELECT, the first row of the first page repeats the column names.
      if (first && data.length && data[0]!.Data?.every((d, i) => d.VarCharValue === info[i]?.Name)) data = data.slice(1);
      first = false;
      for (const r of data) {
        const row: Row = {};
        info.forEach((c, i) => (row[c.Name!] = convert(r.Data?.[i]?.VarCharValue, c.Type)));
        rows.push(row);
      }
      token = page.NextToken;
    } while (token);
    return { columns: info.map((c) => c.Name!), rows };
  }
}

/** Athena returns every value as text; give numbers and booleans back their type, as the local engine does. */
function convert(v: string | undefined, type: string | undefined): unknown {
  if (v === undefined) return null;
  switch (type) {
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'double':
    case 'float':
    case 'real':
    case 'decimal':
      return Number(v);
    case 'boolean':
      return v === 'true';
    default:
      return v;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}
