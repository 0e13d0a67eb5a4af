/**
 * The Lambda form's storage, on DynamoDB (the CLI's DuckDB store does not fit Lambda): three tables keyed by a
 * string `pk`, each item with a `ttl` (epoch seconds) where it expires.
 *
 * - dedup: what has been done once. `<notice id>` = the notice was claimed for sending; `<notice id>|<sink>` =
 *   delivered to that sink. Claims are conditional puts, so a notice is sent once however often its S3 object
 *   is delivered.
 * - outbox: one item per notice sent (the full notice as JSON); its stream feeds the outbox deliverer.
 * - history: the nightly audit's findings lifecycle (`finding#<id>`), what the next audit compares against.
 */
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { PriorFinding } from '../../audit/findings.js';
import type { Notice } from '../../watch/notice.js';

/** What the tables need of a DynamoDB client (the real DynamoDBClient, or a fake in tests). */
export interface DynamoSend {
  send(command: object): Promise<unknown>;
}

export interface TableNames {
  dedup: string;
  outbox: string;
  history: string;
}

type Item = Record<string, AttributeValue>;

const S = (s: string): AttributeValue => ({ S: s });
const N = (n: number): AttributeValue => ({ N: String(n) });

function isConditionFailure(e: unknown): boolean {
  return e instanceof ConditionalCheckFailedException || (e as { name?: string })?.name === 'ConditionalCheckFailedException';
}

export class WatchTables {
  constructor(
    private readonly db: DynamoSend,
    readonly names: TableNames,
    /** Seconds an item lives (dedup claims, receipts, outbox items). */
    private readonly ttlSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private expiry(): AttributeValue {
    return N(Math.floor(this.now().getTime() / 1000) + this.ttlSeconds);
  }

  /** Claims a notice for sending: true the first time, false when it was claimed before. */
  async claim(id: string): Promise<boolean> {
    return this.putOnce(this.names.dedup, { pk: S(id), at: S(this.now().toISOString()), ttl: this.expiry() });
  }

  /** Gives a claim back after a failed send, so the retry sends it. */
  async release(id: string): Promise<void> {
    await this.db.send(new DeleteItemCommand({ TableName: this.names.dedup, Key: { pk: S(id) } }));
  }

  /** Puts the notice in the outbox (its stream INSERT triggers delivery to the sinks). */
  async enqueue(n: Notice): Promise<void> {
    await this.db.send(
      new PutItemCommand({
        TableName: this.names.outbox,
        Item: { pk: S(n.id), kind: S(n.kind), severity: S(n.severity), notice: S(JSON.stringify(n)), at: S(this.now().toISOString()), ttl: this.expiry() },
      }),
    );
  }

  /** Has this notice been delivered to this sink already? */
  async delivered(id: string, sink: string): Promise<boolean> {
    const r = (await this.db.send(new GetItemCommand({ TableName: this.names.dedup, Key: { pk: S(`${id}|${sink}`) }, ConsistentRead: true }))) as { Item?: Item };
    return !!r.Item;
  }

  async recordDelivery(id: string, sink: string, ref: string | undefined): Promise<void> {
    const item: Item = { pk: S(`${id}|${sink}`), at: S(this.now().toISOString()), ttl: this.expiry() };
    if (ref) item.ref = S(ref);
    await this.db.send(new PutItemCommand({ TableName: this.names.dedup, Item: item }));
  }

  /** Every finding the previous audits remember. */
  async priorFindings(): Promise<Map<string, PriorFinding>> {
    const out = new Map<string, PriorFinding>();
    let start: Item | undefined;
    do {
      const r = (await this.db.send(
        new ScanCommand({ TableName: this.names.history, ExclusiveStartKey: start, FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': S('finding#') } }),
      )) as { Items?: Item[]; LastEvaluatedKey?: Item };
      for (const it of r.Items ?? []) {
        const f = JSON.parse(it.finding?.S ?? 'null') as PriorFinding | null;
        if (f) out.set(f.id, f);
      }
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** Replaces remembered findings: `put` are written, `drop` (ids) deleted; 25 per request, unprocessed retried. */
  async saveFindings(put: PriorFinding[], drop: string[]): Promise<void> {
    const requests = [
      ...put.map((f) => ({ PutRequest: { Item: { pk: S(`finding#${f.id}`), finding: S(JSON.stringify(f)) } } })),
      ...drop.map((id) => ({ DeleteRequest: { Key: { pk: S(`finding#${id}`) } } })),
    ];
    for (let i = 0; i < requests.length; i += 25) {
      let pending: typeof requests | undefined = requests.slice(i, i + 25);
      for (let attempt = 0; pending && pending.length; attempt++) {
        if (attempt === 8) throw new Error(`${this.names.history}: BatchWriteItem left items unprocessed after ${attempt} attempts`);
        if (attempt) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        const r = (await this.db.send(new BatchWriteItemCommand({ RequestItems: { [this.names.history]: pending } }))) as {
          UnprocessedItems?: Record<string, typeof requests>;
        };
        pending = r.UnprocessedItems?.[this.names.history];
      }
    }
  }

  private async putOnce(table: string, item: Item): Promise<boolean> {
    try {
      await this.db.send(new PutItemCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}
