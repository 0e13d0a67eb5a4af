/**
 * A simulated SQS for tests and demos: an HTTP server on 127.0.0.1 that the real @aws-sdk/client-sqs talks to
 * (AWS JSON 1.0: `X-Amz-Target: AmazonSQS.<Op>`, errors as `__type` plus the query-compatible
 * `x-amzn-query-error` header). Queues live in memory with SQS's semantics where vigil relies on them: long polling
 * that returns as soon as a message is sent, visibility timeouts (a message not deleted comes back), receipt
 * handles valid for the latest receive only, ApproximateReceiveCount, redrive to a dead-letter queue after
 * maxReceiveCount receives, and injected throttling so that SDK retries are exercised.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

interface SqsMessage {
  id: string;
  body: string;
  md5: string;
  sentAt: number;
  /** Visible again (or for the first time, with DelaySeconds) from this time. */
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  /** The receipt handle of the latest receive; earlier ones are no longer valid. */
  handle?: string;
}

interface Queue {
  name: string;
  url: string;
  arn: string;
  createdAt: number;
  attributes: Record<string, string>;
  messages: Map<string, SqsMessage>;
  /** Long polls waiting on this queue. */
  waiters: Set<() => void>;
}

export interface SqsStats {
  /** Requests per operation (throttled ones included). */
  requests: Record<string, number>;
  throttled: number;
  sent: number;
  received: number;
  deleted: number;
  /** Messages moved to a dead-letter queue by a redrive policy. */
  redriven: number;
}

export interface SimulatedSqs {
  endpoint: string;
  queueUrl(name: string): string;
  /** Creates a queue without the SDK (attributes as in CreateQueue: VisibilityTimeout, RedrivePolicy ...). */
  createQueue(name: string, attributes?: Record<string, string>): string;
  /** Fails the next n requests with a throttling error. */
  throttleNext(n: number): void;
  /** Fails this fraction of requests (0..1) with a throttling error, from now on. */
  setThrottleRate(rate: number): void;
  /** Messages in a queue (visible or not), for assertions. */
  depth(name: string): number;
  stats: SqsStats;
  close(): Promise<void>;
}

class SqsError extends Error {
  constructor(
    readonly type: string,
    /** The query-protocol code the SDK maps back to the error (x-amzn-query-error). */
    readonly queryCode: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

const noQueue = () => new SqsError('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
const badHandle = (h: unknown) => new SqsError('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', `The input receipt handle "${String(h)}" is not a valid receipt handle.`);
const invalid = (msg: string) => new SqsError('InvalidParameterValue', 'InvalidParameterValue', msg);
const throttled = () => new SqsError('RequestThrottled', 'RequestThrottled', 'Request is throttled.');

type Input = Record<string, unknown>;
type Entry = { Id?: string; ReceiptHandle?: string; VisibilityTimeout?: number; MessageBody?: string; DelaySeconds?: number };

export async function startSimulatedSqs(opts: { visibilityTimeoutSeconds?: number; throttleRate?: number } = {}): Promise<SimulatedSqs> {
  const queues = new Map<string, Queue>();
  const stats: SqsStats = { requests: {}, throttled: 0, sent: 0, received: 0, deleted: 0, redriven: 0 };
  let throttleNext = 0;
  let throttleRate = opts.throttleRate ?? 0;
  let base = '';
  const defaultVisibility = String(opts.visibilityTimeoutSeconds ?? 30);

  const createQueue = (name: string, attributes: Record<string, string> = {}): Queue => {
    if (!/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(name)) throw invalid(`Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length: ${name}`);
    const existing = queues.get(name);
    if (existing) return existing;
    const q: Queue = {
      name,
      url: `${base}/${ACCOUNT}/${name}`,
      arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
      createdAt: Date.now(),
      attributes: { VisibilityTimeout: defaultVisibility, DelaySeconds: '0', MessageRetentionPeriod: '345600', ...attributes },
      messages: new Map(),
      waiters: new Set(),
    };
    queues.set(name, q);
    return q;
  };

  const queueOf = (input: Input): Queue => {
    const url = input.QueueUrl;
    if (typeof url !== 'string' || !url) throw invalid('Value for parameter QueueUrl is invalid.');
    const q = queues.get(url.slice(url.lastIndexOf('/') + 1));
    if (!q) throw noQueue();
    return q;
  };

  const wake = (q: Queue) => {
    for (const w of q.waiters) w();
    q.waiters.clear();
  };

  /** The message a receipt handle names, if it is the latest handle of a message still in the queue. */
  const byHandle = (q: Queue, handle: unknown): SqsMessage | 'gone' => {
    if (typeof handle !== 'string') throw badHandle(handle);
    const [queueName, id] = handle.split(':');
    if (queueName !== q.name || !id) throw badHandle(handle);
    const m = q.messages.get(id);
    if (!m) return 'gone';
    if (m.handle !== handle) throw badHandle(handle);
    return m;
  };

  const redrive = (q: Queue, m: SqsMessage): boolean => {
    const policy = q.attributes.RedrivePolicy;
    if (!policy) return false;
    const { deadLetterTargetArn, maxReceiveCount } = JSON.parse(policy) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
    if (m.receiveCount < Number(maxReceiveCount)) return false;
    const dlq = [...queues.values()].find((x) => x.arn === deadLetterTargetArn);
    if (!dlq) return false;
    q.messages.delete(m.id);
    dlq.messages.set(m.id, { ...m, visibleAt: Date.now(), handle: undefined });
    stats.redriven++;
    wake(dlq);
    return true;
  };

  const take = (q: Queue, max: number, visibility: number): SqsMessage[] => {
    const now = Date.now();
    const out: SqsMessage[] = [];
    for (const m of q.messages.values()) {
      if (out.length >= max) break;
      if (m.visibleAt > now) continue;
      // A message received maxReceiveCount times already goes to the dead-letter queue instead.
      if (redrive(q, m)) continue;
      m.receiveCount++;
      m.firstReceiveAt ??= now;
      m.handle = `${q.name}:${m.id}:${randomUUID()}`;
      m.visibleAt = now + visibility * 1000;
      out.push(m);
    }
    return out;
  };

  /** Waits until a message may be visible, a send wakes the queue, the deadline passes or the client goes away. */
  const waitOn = (q: Queue, deadline: number, res: ServerResponse): Promise<void> =>
    new Promise((resolve) => {
      const now = Date.now();
      let next = deadline;
      for (const m of q.messages.values()) if (m.visibleAt > now) next = Math.min(next, m.visibleAt);
      const done = () => {
        clearTimeout(timer);
        q.waiters.delete(done);
        res.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, next - now) + 1);
      q.waiters.add(done);
      // The response's close before it is written: the client went away (an aborted long poll).
      res.on('close', done);
    });

  const send = (q: Queue, body: unknown, delay: unknown) => {
    if (typeof body !== 'string' || body.length === 0) throw invalid('The request must contain the parameter MessageBody.');
    const id = randomUUID();
    const now = Date.now();
    const d = Number(delay ?? q.attributes.DelaySeconds ?? 0);
    q.messages.set(id, { id, body, md5: md5(body), sentAt: now, visibleAt: now + d * 1000, receiveCount: 0 });
    stats.sent++;
    wake(q);
    return { MessageId: id, MD5OfMessageBody: md5(body) };
  };

  const setVisibility = (q: Queue, handle: unknown, seconds: unknown) => {
    const s = Number(seconds);
    if (!Number.isInteger(s) || s < 0 || s > 43_200) throw invalid(`Value ${String(seconds)} for parameter VisibilityTimeout is invalid.`);
    const m = byHandle(q, handle);
    if (m === 'gone') throw new SqsError('MessageNotInflight', 'AWS.SimpleQueueService.MessageNotInflight', 'The message is not in flight.');
    m.visibleAt = Date.now() + s * 1000;
    if (s === 0) wake(q);
  };

  /** Runs each entry of a batch request, collecting Successful and Failed as SQS does. */
  const batch = (entries: unknown, run: (e: Entry) => Record<string, unknown>) => {
    if (!Array.isArray(entries) || entries.length === 0) throw new SqsError('EmptyBatchRequest', 'AWS.SimpleQueueService.EmptyBatchRequest', 'There should be at least one entry in the request.');
    if (entries.length > 10) throw new SqsError('TooManyEntriesInBatchRequest', 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', 'Maximum number of entries per request are 10.');
    const Successful: Record<string, unknown>[] = [];
    const Failed: Record<string, unknown>[] = [];
    for (const e of entries as Entry[]) {
      try {
        Successful.push({ Id: e.Id, ...run(e) });
      } catch (err) {
        if (!(err instanceof SqsError)) throw err;
        Failed.push({ Id: e.Id, SenderFault: true, Code: err.type, Message: err.message });
      }
    }
    return { Successful, Failed };
  };

  const attributesOf = (q: Queue, names: unknown): Record<string, string> => {
    const now = Date.now();
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const m of q.messages.values()) {
      if (m.visibleAt <= now) visible++;
      else if (m.receiveCount > 0) inFlight++;
      else delayed++;
    }
    const all: Record<string, string> = {
      ...q.attributes,
      QueueArn: q.arn,
      CreatedTimestamp: String(Math.floor(q.createdAt / 1000)),
      ApproximateNumberOfMessages: String(visible),
      ApproximateNumberOfMessagesNotVisible: String(inFlight),
      ApproximateNumberOfMessagesDelayed: String(delayed),
    };
    const wanted = Array.isArray(names) ? (names as string[]) : ['All'];
    if (wanted.includes('All')) return all;
    return Object.fromEntries(wanted.filter((n) => n in all).map((n) => [n, all[n]!]));
  };

  const ops: Record<string, (input: Input, res: ServerResponse) => Promise<unknown> | unknown> = {
    CreateQueue: (i) => ({ QueueUrl: createQueue(String(i.QueueName ?? ''), (i.Attributes ?? {}) as Record<string, string>).url }),
    GetQueueUrl: (i) => {
      const q = queues.get(String(i.QueueName ?? ''));
      if (!q) throw noQueue();
      return { QueueUrl: q.url };
    },
    ListQueues: (i) => ({ QueueUrls: [...queues.values()].filter((q) => q.name.startsWith(String(i.QueueNamePrefix ?? ''))).map((q) => q.url) }),
    DeleteQueue: (i) => {
      queues.delete(queueOf(i).name);
      return {};
    },
    SendMessage: (i) => send(queueOf(i), i.MessageBody, i.DelaySeconds),
    SendMessageBatch: (i) => {
      const q = queueOf(i);
      return batch(i.Entries, (e) => send(q, e.MessageBody, e.DelaySeconds));
    },
    ReceiveMessage: async (i, res) => {
      const q = queueOf(i);
      const max = Number(i.MaxNumberOfMessages ?? 1);
      if (!Number.isInteger(max) || max < 1 || max > 10) throw invalid(`Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: must be between 1 and 10.`);
      const wait = Number(i.WaitTimeSeconds ?? q.attributes.ReceiveMessageWaitTimeSeconds ?? 0);
      if (!(wait >= 0 && wait <= 20)) throw invalid(`Value ${wait} for parameter WaitTimeSeconds is invalid. Reason: must be >= 0 and <= 20.`);
      const visibility = Number(i.VisibilityTimeout ?? q.attributes.VisibilityTimeout);
      const deadline = Date.now() + wait * 1000;
      let got = take(q, max, visibility);
      while (got.length === 0 && Date.now() < deadline && !res.destroyed) {
        await waitOn(q, deadline, res);
        if (!queues.has(q.name)) throw noQueue();
        got = take(q, max, visibility);
      }
      stats.received += got.length;
      return {
        Messages: got.map((m) => ({
          MessageId: m.id,
          ReceiptHandle: m.handle,
          MD5OfBody: m.md5,
          Body: m.body,
          Attributes: {
            ApproximateReceiveCount: String(m.receiveCount),
            SentTimestamp: String(m.sentAt),
            ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt),
            SenderId: ACCOUNT,
          },
        })),
      };
    },
    DeleteMessage: (i) => {
      const q = queueOf(i);
      const m = byHandle(q, i.ReceiptHandle);
      // Deleting a message already deleted succeeds, as in SQS.
      if (m !== 'gone' && q.messages.delete(m.id)) stats.deleted++;
      return {};
    },
    DeleteMessageBatch: (i) => {
      const q = queueOf(i);
      return batch(i.Entries, (e) => {
        const m = byHandle(q, e.ReceiptHandle);
        if (m !== 'gone' && q.messages.delete(m.id)) stats.deleted++;
        return {};
      });
    },
    ChangeMessageVisibility: (i) => {
      setVisibility(queueOf(i), i.ReceiptHandle, i.VisibilityTimeout);
      return {};
    },
    ChangeMessageVisibilityBatch: (i) => {
      const q = queueOf(i);
      return batch(i.Entries, (e) => {
        setVisibility(q, e.ReceiptHandle, e.VisibilityTimeout);
        return {};
      });
    },
    GetQueueAttributes: (i) => ({ Attributes: attributesOf(queueOf(i), i.AttributeNames) }),
    SetQueueAttributes: (i) => {
      Object.assign(queueOf(i).attributes, (i.Attributes ?? {}) as Record<string, string>);
      return {};
    },
    PurgeQueue: (i) => {
      queueOf(i).messages.clear();
      return {};
    },
  };

  const reply = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : '';
    stats.requests[op || '?'] = (stats.requests[op || '?'] ?? 0) + 1;
    try {
      const fn = ops[op];
      if (!fn) throw new SqsError('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', `${target || 'no X-Amz-Target'}: not an operation of this simulator`);
      if (throttleNext > 0 || (throttleRate > 0 && Math.random() < throttleRate)) {
        throttleNext = Math.max(0, throttleNext - 1);
        stats.throttled++;
        throw throttled();
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const input = (raw ? JSON.parse(raw) : {}) as Input;
      const out = await fn(input, res);
      if (!res.destroyed) reply(res, 200, out);
    } catch (e) {
      const err = e instanceof SqsError ? e : new SqsError('InternalError', 'InternalError', (e as Error).message, 500);
      if (!res.destroyed)
        reply(res, err.status, { __type: `com.amazonaws.sqs#${err.type}`, message: err.message }, { 'x-amzn-query-error': `${err.queryCode};${err.status >= 500 ? 'Receiver' : 'Sender'}` });
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint: base,
    queueUrl: (name) => `${base}/${ACCOUNT}/${name}`,
    createQueue: (name, attributes) => createQueue(name, attributes).url,
    throttleNext: (n) => void (throttleNext = n),
    setThrottleRate: (rate) => void (throttleRate = rate),
    depth: (name) => queues.get(name)?.messages.size ?? 0,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const q of queues.values()) wake(q);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
