/** An SDK failure as a call outcome: the status a reader sees and one line naming the code. */
import type { CallError } from '../snapshot/layout.js';

const DENIED = /AccessDenied|UnauthorizedOperation|AuthorizationError|NotAuthorized|Forbidden|AuthorizationFailure/i;
const DISABLED = /UnrecognizedClient|InvalidClientTokenId|AuthFailure|OptInRequired|RegionDisabled/i;
const TIMEOUT = /Timeout|ETIMEDOUT|TimedOut|socket hang up/i;
const UNSUPPORTED = /\bENOTFOUND\b|EAI_AGAIN|UnknownEndpoint|InvalidAction|UnknownOperation|SubscriptionRequired|not supported|UnsupportedOperation/;
const THROTTLED = /Throttl|SlowDown|RequestLimitExceeded|TooManyRequests|RequestThrottled|ProvisionedThroughputExceeded/i;
/** The resource has no such sub-resource (no bucket policy, no password policy): data, not a gap. */
const NOT_FOUND = /NoSuch|NotFound|not ?found|does not exist|ReportNotPresent|NoPasswordPolicy/i;

export function errorCode(err: unknown): string {
  const e = err as { name?: string; Code?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  return String(e?.Code ?? e?.name ?? e?.code ?? 'Error');
}

export function classify(err: unknown): CallError {
  const code = errorCode(err);
  const message = String((err as Error)?.message ?? err).split('\n')[0]!.slice(0, 300);
  const text = `${code} ${message}`;
  const error = message && message !== code ? `${code}: ${message}` : code;
  if (DENIED.test(code)) return { status: 'denied', error };
  if (DISABLED.test(code)) return { status: 'disabled', error };
  if (NOT_FOUND.test(code)) return { status: 'error', error };
  if (TIMEOUT.test(text)) return { status: 'timeout', error };
  if (UNSUPPORTED.test(text)) return { status: 'unsupported', error };
  if ((err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 403) return { status: 'denied', error };
  return { status: 'error', error };
}

export function isThrottle(err: unknown): boolean {
  return THROTTLED.test(errorCode(err));
}

/** True when a failed call means "there is none" rather than "we could not look". */
export function isNotFound(e: CallError): boolean {
  return e.status === 'error' && NOT_FOUND.test(e.error);
}
