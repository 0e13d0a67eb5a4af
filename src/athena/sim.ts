/**
 * A simulated Athena endpoint for tests: the AWS JSON 1.1 protocol on 127.0.0.1, driven by the real SDK client
 * (signing, retries, pagination). Queries go through the states Athena reports (QUEUED, RUNNING, then SUCCEEDED
 * or FAILED, or CANCELLED by StopQueryExecution) and run on whatever `execute` the test gives — a local DuckDB
 * lake, so the very text sent to "Athena" is proven to run locally.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface SimResult {
  columns: { name: string; type: string }[];
  rows: (string | null)[][];
  scannedBytes: number;
}

export interface AthenaSimOptions {
  execute(sql: string, database: string): Promise<SimResult>;
  /** GetQueryExecution calls answered RUNNING before the final state. */
  pollsBeforeDone?: number;
  /** Rows per GetQueryResults page at most (Athena: 1000). */
  pageSize?: number;
}

interface Execution {
  id: string;
  sql: string;
  database: string;
  polls: number;
  state: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  reason?: string;
  /** Athena's error category for FAILED: 1 system, 2 user (bad SQL), 3 other. */
  category?: number;
  result?: SimResult;
  started: number;
}

export interface AthenaSim {
  endpoint: string;
  /** Every request's operation name, in order (to assert on polling and pagination). */
  calls: string[];
  /** Every request's operation and body, in order (to assert on request shapes). */
  requests: { op: string; body: Record<string, unknown> }[];
  executions: Map<string, Execution>;
  close(): Promise<void>;
}

export async function startAthenaSim(opts: AthenaSimOptions): Promise<AthenaSim> {
  const executions = new Map<string, Execution>();
  const calls: string[] = [];
  const requests: { op: string; body: Record<string, unknown> }[] = [];
  const pageSize = opts.pageSize ?? 1000;

  const handlers: Record<string, (body: Record<string, unknown>) => Promise<unknown> | unknown> = {
    StartQueryExecution: (b) => {
      const id = randomUUID();
      const ctx = (b.QueryExecutionContext ?? {}) as { Database?: string };
      const ex: Execution = { id, sql: String(b.QueryString ?? ''), database: ctx.Database ?? 'default', polls: 0, state: 'QUEUED', started: Date.now() };
      executions.set(id, ex);
      opts.execute(ex.sql, ex.database).then(
        (r) => (ex.result = r),
        (e: Error & { category?: number }) => {
          ex.reason = e.message.split('\n')[0];
          ex.category = e.category ?? 2;
        },
      );
      return { QueryExecutionId: id };
    },
    GetQueryExecution: async (b) => {
      const ex = get(b);
      ex.polls++;
      if (ex.state === 'QUEUED' || ex.state === 'RUNNING') {
        const done = ex.result !== undefined || ex.reason !== undefined;
        if (ex.polls > (opts.pollsBeforeDone ?? 2) && done) ex.state = ex.reason !== undefined ? 'FAILED' : 'SUCCEEDED';
        else ex.state = 'RUNNING';
      }
      return {
        QueryExecution: {
          QueryExecutionId: ex.id,
          Query: ex.sql,
          Status: {
            State: ex.state,
            StateChangeReason: ex.state === 'FAILED' ? ex.reason : undefined,
            AthenaError: ex.state === 'FAILED' ? { ErrorCategory: ex.category ?? 2, ErrorType: 1006, Retryable: false, ErrorMessage: ex.reason } : undefined,
          },
          Statistics: { DataScannedInBytes: ex.result?.scannedBytes ?? 0, EngineExecutionTimeInMillis: Date.now() - ex.started },
        },
      };
    },
    StopQueryExecution: (b) => {
      const ex = get(b);
      if (ex.state === 'QUEUED' || ex.state === 'RUNNING') ex.state = 'CANCELLED';
      return {};
    },
    GetQueryResults: (b) => {
      const ex = get(b);
      if (ex.state !== 'SUCCEEDED') throw new SimError('InvalidRequestException', `Query has not yet finished. Current state: ${ex.state}`);
      const r = ex.result!;
      const all = [r.columns.map((c) => c.name), ...r.rows];
      const start = b.NextToken ? Number(b.NextToken) : 0;
      const max = Math.min(Number(b.MaxResults ?? pageSize), pageSize);
      const page = all.slice(start, start + max);
      const next = start + max < all.length ? String(start + max) : undefined;
      return {
        ResultSet: {
          Rows: page.map((row) => ({ Data: row.map((v) => (v === null ? {} : { VarCharValue: v })) })),
          ResultSetMetadata: { ColumnInfo: r.columns.map((c) => ({ Name: c.name, Label: c.name, Type: c.type, CatalogName: 'hive', Nullable: 'UNKNOWN' })) },
        },
        NextToken: next,
        UpdateCount: 0,
      };
    },
  };

  function get(b: Record<string, unknown>): Execution {
    const ex = executions.get(String(b.QueryExecutionId));
    if (!ex) throw new SimError('InvalidRequestException', `QueryExecution ${String(b.QueryExecutionId)} was not found`);
    return ex;
  }

  const server: Server = createServer(async (req, res) => {
    const op = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonAthena\./, '');
    calls.push(op);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(body));
    };
    try {
      if (!req.headers.authorization?.startsWith('AWS4-HMAC-SHA256')) throw new SimError('UnrecognizedClientException', 'missing SigV4 signature');
      const handler = handlers[op];
      if (!handler) throw new SimError('InvalidRequestException', `operation ${op} is not simulated`);
      const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
      requests.push({ op, body });
      send(200, await handler(body));
    } catch (e) {
      const err = e instanceof SimError ? e : new SimError('InternalServerException', (e as Error).message);
      send(err.type === 'InternalServerException' ? 500 : 400, { __type: err.type, message: err.message });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    requests,
    executions,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

class SimError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
