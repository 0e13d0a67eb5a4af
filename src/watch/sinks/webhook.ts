/**
 * Generic webhook: the Notice as the JSON body, signed like Stripe/Slack do (HMAC over "<timestamp>.<body>", so a
 * receiver can reject replays), with the notice id as the idempotency key for receivers that see a retry.
 */
import { createHmac } from 'node:crypto';
import type { Notice } from '../notice.js';
import { httpSend, type HttpDeps } from './delivery.js';

export function signature(secret: string, timestamp: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function webhookDeliver(url: string, secret: string | undefined, headers: Record<string, string>, http: HttpDeps, now: () => number) {
  return async (n: Notice): Promise<{ ref?: string }> => {
    const body = JSON.stringify(n);
    const ts = String(Math.floor(now() / 1000));
    const h: Record<string, string> = { ...headers, 'content-type': 'application/json', 'x-vigil-timestamp': ts, 'x-vigil-delivery': n.id };
    if (secret) h['x-vigil-signature'] = signature(secret, ts, body);
    await httpSend(http, 'webhook', url, { method: 'POST', headers: h, body });
    return {};
  };
}
