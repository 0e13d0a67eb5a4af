/** Delivery failures and the HTTP call every HTTP sink makes, with the retry/permanent split the outbox acts on. */
import { oneLine } from '../../util/errors.js';

/** A failed delivery; `permanent` ones are dead-lettered at once (bad request, unknown topic...), others retried. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
    /** The receiver asked to wait this long (Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface HttpDeps {
  fetch: typeof fetch;
  timeoutMs: number;
}

/** One HTTP request; non-2xx throws a DeliveryError (408/429/5xx and network errors retryable, other 4xx permanent). */
export async function httpSend(deps: HttpDeps, what: string, url: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await deps.fetch(url, { ...init, signal: AbortSignal.timeout(deps.timeoutMs) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = (e as Error).name === 'TimeoutError' ? `no answer in ${deps.timeoutMs} ms` : cause?.code ?? cause?.message ?? oneLine(e);
    throw new DeliveryError(`${what}: ${why}`);
  }
  if (res.ok) return res;
  const text = (await res.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  const after = Number(res.headers.get('retry-after'));
  throw new DeliveryError(`${what}: HTTP ${res.status}${text ? ` ${text}` : ''}`, !retryable, Number.isFinite(after) && after > 0 ? after * 1000 : undefined);
}

/** SDK errors: throttling and 5xx are retryable, other 4xx (validation, not found, denied) permanent. */
export function sdkDeliveryError(what: string, e: unknown): DeliveryError {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = err.$metadata?.httpStatusCode;
  const throttled = !!err.$retryable || /Throttl|TooManyRequests|LimitExceeded|SlowDown/.test(err.name ?? '');
  const permanent = status !== undefined && status >= 400 && status < 500 && !throttled;
  return new DeliveryError(`${what}: ${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${oneLine(e)}`, permanent);
}
