import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startSimulatedSqs, type SimulatedSqs } from './sqs.js';

let sim: SimulatedSqs;
let sqs: SQSClient;
const client = (extra: Partial<ConstructorParameters<typeof SQSClient>[0]> = {}) =>
  new SQSClient({ endpoint: sim.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'sim', secretAccessKey: 'sim' }, ...extra });

beforeAll(async () => {
  sim = await startSimulatedSqs({ visibilityTimeoutSeconds: 30 });
  sqs = client();
});
afterAll(async () => {
  sqs.destroy();
  await sim.close();
});

async function queue(name: string, attributes: Record<string, string> = {}): Promise<string> {
  return (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
}

const receive = (QueueUrl: string, extra: Record<string, unknown> = {}) =>
  sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'], ...extra }));

describe('simulated SQS through the real SDK', () => {
  it('binds 127.0.0.1 and names queues by URL', async () => {
    expect(sim.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const url = await queue('named');
    expect(url).toBe(sim.queueUrl('named'));
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: 'named' }))).QueueUrl).toBe(url);
  });

  it('brings back a message not deleted within its visibility timeout, with a new receipt handle', async () => {
    const url = await queue('visibility', { VisibilityTimeout: '1' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"n":1}' }));
    const first = (await receive(url)).Messages ?? [];
    expect(first).toHaveLength(1);
    expect(first[0]!.Attributes?.ApproximateReceiveCount).toBe('1');
    // In flight: not visible to another receive.
    expect((await receive(url)).Messages ?? []).toHaveLength(0);
    const again = (await receive(url, { WaitTimeSeconds: 3 })).Messages ?? [];
    expect(again).toHaveLength(1);
    expect(again[0]!.MessageId).toBe(first[0]!.MessageId);
    expect(again[0]!.Attributes?.ApproximateReceiveCount).toBe('2');
    // The first receipt handle is stale now.
    await expect(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first[0]!.ReceiptHandle }))).rejects.toMatchObject({ name: 'ReceiptHandleIsInvalid' });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again[0]!.ReceiptHandle }));
    expect(sim.depth('visibility')).toBe(0);
  });

  it('sends and deletes in batches, reporting the bad entries', async () => {
    const url = await queue('batch');
    const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `body ${i}` })) }));
    expect(sent.Successful).toHaveLength(10);
    const got = (await receive(url)).Messages ?? [];
    expect(got.map((m) => m.Body).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `body ${i}`).sort());
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    expect(attrs.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '10' });
    const res = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [...got.slice(0, 9).map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })), { Id: 'bad', ReceiptHandle: 'not-a-handle' }],
      }),
    );
    expect(res.Successful).toHaveLength(9);
    expect(res.Failed).toEqual([expect.objectContaining({ Id: 'bad', Code: 'ReceiptHandleIsInvalid', SenderFault: true })]);
    expect(sim.depth('batch')).toBe(1);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect(sim.depth('batch')).toBe(0);
  });

  it('returns a long poll as soon as a message is sent, and an empty one at its wait time', async () => {
    const url = await queue('longpoll');
    let t = Date.now();
    const poll = receive(url, { WaitTimeSeconds: 10 });
    setTimeout(() => void sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake' })), 200);
    const got = (await poll).Messages ?? [];
    expect(got.map((m) => m.Body)).toEqual(['wake']);
    expect(Date.now() - t).toBeLessThan(3000);
    expect(Date.now() - t).toBeGreaterThanOrEqual(150);
    t = Date.now();
    expect((await receive(url, { WaitTimeSeconds: 1 })).Messages ?? []).toHaveLength(0);
    expect(Date.now() - t).toBeGreaterThanOrEqual(900);
  });

  it('makes a message visible at once with ChangeMessageVisibility 0', async () => {
    const url = await queue('release');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    const [m] = (await receive(url)).Messages!;
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m!.ReceiptHandle, VisibilityTimeout: 0 }));
    const back = (await receive(url)).Messages ?? [];
    expect(back.map((x) => x.MessageId)).toEqual([m!.MessageId]);
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives', async () => {
    await queue('dlq');
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: sim.queueUrl('dlq'), AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const url = await queue('redriven', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
    for (let i = 0; i < 2; i++) {
      const [m] = (await receive(url)).Messages!;
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m!.ReceiptHandle, VisibilityTimeout: 0 }));
    }
    expect((await receive(url)).Messages ?? []).toHaveLength(0);
    expect(((await receive(sim.queueUrl('dlq'))).Messages ?? []).map((m) => m.Body)).toEqual(['poison']);
    expect(sim.stats.redriven).toBe(1);
  });

  it('answers with errors the SDK recognises', async () => {
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'no-such-queue' }))).rejects.toMatchObject({ name: 'QueueDoesNotExist', $fault: 'client' });
    await expect(receive(sim.queueUrl('no-such-queue'))).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  });

  it('throttles on request, and the SDK retries', async () => {
    const url = await queue('throttled');
    const before = sim.stats.requests.SendMessage ?? 0;
    sim.throttleNext(2);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'after retries' }));
    expect(sim.stats.throttled).toBe(2);
    expect(sim.stats.requests.SendMessage! - before).toBe(3);
    expect(sim.depth('throttled')).toBe(1);
    // Without retries the throttling reaches the caller: the retries above are what made it work.
    const once = client({ maxAttempts: 1 });
    sim.throttleNext(1);
    await expect(once.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }))).rejects.toMatchObject({ name: 'RequestThrottled' });
    once.destroy();
  });
});
