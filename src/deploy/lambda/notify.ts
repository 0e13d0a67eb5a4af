/**
 * Sending a notice from Lambda, once: claim its id in the dedup table, put it in the outbox (whose stream
 * delivers it to the webhook/chat sinks), publish it to the alerts topic. A failed send gives the claim back so
 * the retry sends it again.
 */
import { snsDeliver } from '../../watch/sinks/sns.js';
import type { Notice } from '../../watch/notice.js';
import type { WatchTables } from './tables.js';

/** Publishes a notice to the alerts topic; returns the message id. */
export type Publish = (n: Notice) => Promise<string | undefined>;

export interface NotifyDeps {
  tables: WatchTables;
  publish: Publish;
}

export type SendOutcome = 'sent' | 'duplicate';

export async function sendNotice(n: Notice, deps: NotifyDeps): Promise<SendOutcome> {
  if (!(await deps.tables.claim(n.id))) return 'duplicate';
  try {
    await deps.tables.enqueue(n);
    await deps.publish(n);
  } catch (e) {
    await deps.tables.release(n.id).catch(() => undefined);
    throw e;
  }
  return 'sent';
}

/**
 * The publisher over the SNS sink of src/watch/sinks (same subject, message and filter attributes as the daemon's
 * SNS sink). One attempt per call: a failed publish fails the SQS message, which SQS retries.
 */
export function snsPublisher(topicArn: string): Publish {
  const deliver = snsDeliver(topicArn, undefined, {}, 10_000);
  return async (n) => (await deliver(n)).ref;
}
