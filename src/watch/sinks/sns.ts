/** Amazon SNS Publish: subject for e-mail subscribers, the notice as JSON, attributes for subscription filters. */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Config } from '../../config/schema.js';
import type { Notice } from '../notice.js';
import { awsClientConfig } from './aws.js';
import { sdkDeliveryError } from './delivery.js';
import { clip } from './format.js';

/** SNS limits: 256 KiB per message; subjects ASCII, no line breaks, at most 100 characters. */
const MAX_MESSAGE = 256 * 1024 - 1024;

export function snsSubject(n: Notice): string {
  const ascii = `[${n.severity.toUpperCase()}] ${n.title}`.replace(/[\u2013\u2014]/g, '-').replace(/[^\x20-\x7e]/g, '').replace(/\s+/g, ' ').trim();
  return clip(ascii, 100).replace('…', '.');
}

export function snsMessage(n: Notice): string {
  const full = JSON.stringify(n, null, 2);
  if (Buffer.byteLength(full) <= MAX_MESSAGE) return full;
  // Too large (an alert with many event ids): the notice without its body, which stays in vigil's store.
  return JSON.stringify({ ...n, body: { truncated: true, id: n.body.id ?? null } }, null, 2);
}

export function snsDeliver(topicArn: string, region: string | undefined, aws: Config['aws'], timeoutMs: number) {
  // The SDK is loaded on first delivery: every CLI command builds sinks' config, few publish.
  let client: Promise<{ client: SNSClient; PublishCommand: typeof import('@aws-sdk/client-sns').PublishCommand }> | undefined;
  return async (n: Notice): Promise<{ ref?: string }> => {
    try {
      client ??= import('@aws-sdk/client-sns').then(({ SNSClient, PublishCommand }) => ({
        client: new SNSClient({ ...awsClientConfig(aws, region ?? topicArn.split(':')[3]), requestHandler: { requestTimeout: timeoutMs }, maxAttempts: 1 }),
        PublishCommand,
      }));
      const { client: sns, PublishCommand } = await client;
      const out = await sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: snsSubject(n),
          Message: snsMessage(n),
          MessageAttributes: {
            severity: { DataType: 'String', StringValue: n.severity },
            kind: { DataType: 'String', StringValue: n.kind },
            source: { DataType: 'String', StringValue: n.source },
          },
        }),
      );
      return { ref: out.MessageId };
    } catch (e) {
      throw sdkDeliveryError('sns', e);
    }
  };
}
