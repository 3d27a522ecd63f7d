import {
  DescribeTableCommand,
  GetItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { MessageKindSchema, type Message } from '@chat/contracts';
import { MessageStore, type PageRange } from '@chat/core';
import {
  N,
  S,
  batchWriteAll,
  isConditionFailed,
  num,
  optStr,
  queryAll,
  sendBatchWrite,
  str,
  type BackoffOptions,
  type Item,
} from './dynamo-batch.js';
import {
  MESSAGE_BUCKET_SIZE,
  messageBucketKey,
  messageHeadKey,
  tableNames,
  type TableNames,
} from './tables.js';

export interface DynamoMessageStoreOptions {
  /** Table name prefix, as given to `ensureTables`. Default `chat-`. */
  prefix?: string;
  /** Backoff of `UnprocessedItems` retries. */
  retry?: BackoffOptions;
  /** BatchWriteItem calls in flight per `putBatch`. Default 4. */
  writeConcurrency?: number;
}

/** Rooms whose head bucket this process remembers; past this the memory starts over. */
const KNOWN_HEADS_MAX = 50_000;

const bucketOf = (seq: number): number => Math.floor(seq / MESSAGE_BUCKET_SIZE);

const toItem = (m: Message): Item => ({
  pk: S(messageBucketKey(m.roomId, m.seq)),
  seq: N(m.seq),
  id: S(m.id),
  roomId: S(m.roomId),
  userId: S(m.userId),
  content: S(m.content),
  createdAt: S(m.createdAt),
  kind: S(m.kind),
  ...(m.clientMsgId !== undefined && { clientMsgId: S(m.clientMsgId) }),
});

const fromItem = (item: Item): Message => {
  const clientMsgId = optStr(item, 'clientMsgId');
  return {
    id: str(item, 'id'),
    roomId: str(item, 'roomId'),
    seq: num(item, 'seq'),
    userId: str(item, 'userId'),
    content: str(item, 'content'),
    createdAt: str(item, 'createdAt'),
    ...(clientMsgId !== undefined && { clientMsgId }),
    kind: MessageKindSchema.parse(str(item, 'kind')),
  };
};

/**
 * The message store on DynamoDB. A room's messages are spread over partition keys
 * `roomId#floor(seq/100)` (sort key `seq`), so no partition key ever takes more than 100
 * messages and a busy room moves to a fresh partition every 100 messages; a head item
 * (`roomId#head`) holds a stored seq in the room's newest bucket, so the newest page knows
 * where to start. The head moves only when a batch reaches a bucket above it — once per 100
 * messages of a room, not once per batch — and this process remembers the bucket it last
 * moved it to.
 *
 * Guarantees: `putBatch` is idempotent (PutItem keyed by room + seq, the same message
 * rewritten in place) and resolves only when every item is written (`UnprocessedItems`
 * retried with backoff) and the head covers its bucket; `page` crosses bucket boundaries and
 * follows `LastEvaluatedKey`; reads are strongly consistent. The caller owns `client`.
 */
export class DynamoMessageStore extends MessageStore {
  private readonly tables: TableNames;
  /** Room → the bucket its head is known to be at or above (raised by this process). */
  private readonly knownHeads = new Map<string, number>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: DynamoMessageStoreOptions = {},
  ) {
    super();
    this.tables = tableNames(options.prefix ?? 'chat-');
  }

  async putBatch(messages: readonly Message[]): Promise<void> {
    if (messages.length === 0) return;
    // One request per (room, seq): BatchWriteItem rejects duplicate keys in one call.
    const unique = new Map(messages.map((m) => [`${m.roomId}\u0000${m.seq}`, m]));
    await batchWriteAll(
      sendBatchWrite(this.client),
      this.tables.messages,
      [...unique.values()].map((m) => ({ PutRequest: { Item: toItem(m) } })),
      { ...this.options.retry, concurrency: this.options.writeConcurrency ?? 4 },
    );
    const heads = new Map<string, number>();
    for (const m of unique.values()) heads.set(m.roomId, Math.max(heads.get(m.roomId) ?? 0, m.seq));
    const raises = [...heads].filter(
      ([roomId, seq]) => bucketOf(seq) > (this.knownHeads.get(roomId) ?? -1),
    );
    await Promise.all(raises.map(([roomId, seq]) => this.raiseHead(roomId, seq)));
  }

  /** Moves the room's head forward to `seq` (never back); remembers its bucket. */
  private async raiseHead(roomId: string, seq: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.messages,
          Key: { pk: S(messageHeadKey(roomId)), seq: N(0) },
          UpdateExpression: 'SET maxSeq = :seq',
          ConditionExpression: 'attribute_not_exists(maxSeq) OR maxSeq < :seq',
          ExpressionAttributeValues: { ':seq': N(seq) },
        }),
      );
    } catch (error) {
      // The head is already at or past this seq: nothing to do.
      if (!isConditionFailed(error)) throw error;
    }
    if (this.knownHeads.size >= KNOWN_HEADS_MAX) this.knownHeads.clear();
    this.knownHeads.set(roomId, Math.max(this.knownHeads.get(roomId) ?? -1, bucketOf(seq)));
  }

  private async headSeq(roomId: string): Promise<number> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tables.messages,
        Key: { pk: S(messageHeadKey(roomId)), seq: N(0) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? num(out.Item, 'maxSeq') : 0;
  }

  async page(roomId: string, range: PageRange): Promise<Message[]> {
    const maxSeq = await this.headSeq(roomId);
    if (maxSeq === 0 || range.limit <= 0) return [];
    if (range.after !== undefined) return this.pageAfter(roomId, range.after, range.limit, maxSeq);
    // The head is somewhere in the newest bucket: everything stored is below that bucket's end.
    const end = (bucketOf(maxSeq) + 1) * MESSAGE_BUCKET_SIZE;
    const below = Math.min(range.before ?? end, end);
    return this.pageBefore(roomId, below, range.limit);
  }

  /** The oldest `limit` messages above `after`, walking buckets upwards to the head. */
  private async pageAfter(roomId: string, after: number, limit: number, maxSeq: number) {
    const out: Message[] = [];
    for (let b = bucketOf(after + 1); b <= bucketOf(maxSeq) && out.length < limit; b++) {
      out.push(
        ...(await this.queryBucket(roomId, b, { op: '>', seq: after }, true, limit - out.length)),
      );
    }
    return out;
  }

  /** The newest `limit` messages below `below`, walking buckets downwards. */
  private async pageBefore(roomId: string, below: number, limit: number) {
    const out: Message[] = [];
    for (let b = bucketOf(below - 1); b >= 0 && out.length < limit; b--) {
      out.push(
        ...(await this.queryBucket(roomId, b, { op: '<', seq: below }, false, limit - out.length)),
      );
    }
    return out.reverse();
  }

  private async queryBucket(
    roomId: string,
    bucket: number,
    bound: { op: '<' | '>'; seq: number },
    forward: boolean,
    limit: number,
  ): Promise<Message[]> {
    const items = await queryAll(
      this.client,
      {
        TableName: this.tables.messages,
        KeyConditionExpression: `pk = :pk AND seq ${bound.op} :seq`,
        ExpressionAttributeValues: { ':pk': S(`${roomId}#${bucket}`), ':seq': N(bound.seq) },
        ScanIndexForward: forward,
        ConsistentRead: true,
      },
      limit,
    );
    return items.map(fromItem);
  }

  /** Deletes every bucket of the room, then its head. */
  async deleteRoom(roomId: string): Promise<void> {
    this.knownHeads.delete(roomId);
    const maxSeq = await this.headSeq(roomId);
    const send = sendBatchWrite(this.client);
    for (let b = 0; b <= bucketOf(maxSeq); b++) {
      const keys = await queryAll(this.client, {
        TableName: this.tables.messages,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': S(`${roomId}#${b}`) },
        ProjectionExpression: 'pk, seq',
        ConsistentRead: true,
      });
      const requests = keys.map((Key) => ({ DeleteRequest: { Key } }));
      await batchWriteAll(send, this.tables.messages, requests, this.options.retry);
    }
    const head = { pk: S(messageHeadKey(roomId)), seq: N(0) };
    await batchWriteAll(
      send,
      this.tables.messages,
      [{ DeleteRequest: { Key: head } }],
      this.options.retry,
    );
  }

  async ping(): Promise<void> {
    await this.client.send(new DescribeTableCommand({ TableName: this.tables.messages }));
  }

  /** Nothing to release: the caller owns the client. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
