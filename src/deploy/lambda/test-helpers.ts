/**
 * Test doubles for the Lambda handlers: a DynamoDB that answers the real SDK command objects the tables send
 * (PutItem with `attribute_not_exists(pk)`, GetItem, DeleteItem, Scan with a pk prefix, BatchWriteItem), with
 * DynamoDB's own exception for a failed condition, and an S3 object map.
 */
import { gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoSend } from './tables.js';

type Item = Record<string, AttributeValue>;

export class FakeDynamo implements DynamoSend {
  readonly tables = new Map<string, Map<string, Item>>();
  /** Every command's name, in order. */
  readonly calls: string[] = [];

  table(name: string): Map<string, Item> {
    let t = this.tables.get(name);
    if (!t) this.tables.set(name, (t = new Map()));
    return t;
  }

  async send(command: object): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, '');
    this.calls.push(name);
    const input = (command as { input: Record<string, unknown> }).input;
    const pk = (key: unknown) => (key as { pk: { S: string } }).pk.S;
    switch (name) {
      case 'PutItem': {
        const t = this.table(input.TableName as string);
        const item = input.Item as Item;
        if (input.ConditionExpression !== undefined) {
          if (input.ConditionExpression !== 'attribute_not_exists(pk)') throw new Error(`fake: unsupported condition ${String(input.ConditionExpression)}`);
          if (t.has(pk(item))) throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
        }
        t.set(pk(item), item);
        return {};
      }
      case 'GetItem':
        return { Item: this.table(input.TableName as string).get(pk(input.Key)) };
      case 'DeleteItem':
        this.table(input.TableName as string).delete(pk(input.Key));
        return {};
      case 'Scan': {
        const prefix = (input.ExpressionAttributeValues as Record<string, { S: string }>)[':p']!.S;
        return { Items: [...this.table(input.TableName as string).values()].filter((i) => pk(i).startsWith(prefix)) };
      }
      case 'BatchWriteItem': {
        for (const [table, reqs] of Object.entries(input.RequestItems as Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>)) {
          if (reqs.length > 25) throw new Error('fake: BatchWriteItem takes 25 requests at most');
          for (const r of reqs) {
            if (r.PutRequest) this.table(table).set(pk(r.PutRequest.Item), r.PutRequest.Item);
            if (r.DeleteRequest) this.table(table).delete(pk(r.DeleteRequest.Key));
          }
        }
        return { UnprocessedItems: {} };
      }
      default:
        throw new Error(`fake: ${name} not supported`);
    }
  }
}

export const TABLES = { dedup: 'dedup', outbox: 'outbox', history: 'history' };

/** S3 objects by `bucket/key`, gzipped as CloudTrail delivers them; a missing key fails like S3 does. */
export function fakeS3(objects: Record<string, string>) {
  const gets: string[] = [];
  return {
    gets,
    getObject: async (bucket: string, key: string) => {
      gets.push(`${bucket}/${key}`);
      const body = objects[`${bucket}/${key}`];
      if (body === undefined) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
      return gzipSync(body);
    },
  };
}

/** An S3 event notification body for these keys. */
export function s3Event(bucket: string, ...keys: string[]): string {
  return JSON.stringify({
    Records: keys.map((key) => ({ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/') } } })),
  });
}
