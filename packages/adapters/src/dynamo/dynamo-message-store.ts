import {
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  applyChange,
  emptiedEdit,
  isChangeKind,
  MessageKindSchema,
  type Message,
} from '@chat/contracts';
import { MessageStore, messageDetails, type PageRange } from '@chat/core';
import {
  N,
  S,
  batchGetAll,
  batchWriteAll,
  sendBatchGet,
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

/** How often a change is retried when another writer changed its target meanwhile. */
const CHANGE_ATTEMPTS = 10;

/** The item a message is stored as: what the store writes and what tools seeding it write. */
export const messageItem = (m: Message): Item => {
  const details = messageDetails(m);
  return {
    pk: S(messageBucketKey(m.roomId, m.seq)),
    seq: N(m.seq),
    id: S(m.id),
    roomId: S(m.roomId),
    userId: S(m.userId),
    content: S(m.content),
    createdAt: S(m.createdAt),
    kind: S(m.kind),
    ...(m.clientMsgId !== undefined && { clientMsgId: S(m.clientMsgId) }),
    ...(m.replyTo !== undefined && { replyTo: N(m.replyTo) }),
    ...(details !== undefined && { details: S(details) }),
  };
};

const fromItem = (item: Item): Message => {
  const clientMsgId = optStr(item, 'clientMsgId');
  const details = optStr(item, 'details');
  return {
    id: str(item, 'id'),
    roomId: str(item, 'roomId'),
    seq: num(item, 'seq'),
    userId: str(item, 'userId'),
    content: str(item, 'content'),
    createdAt: str(item, 'createdAt'),
    ...(clientMsgId !== undefined && { clientMsgId }),
    kind: MessageKindSchema.parse(str(item, 'kind')),
    ...(details !== undefined && (JSON.parse(details) as Partial<Message>)),
  };
};

/** The item listing a reply under its parent: `replies` queries these. */
const threadItem = (m: Message & { replyTo: number }): Item => ({
  pk: S(threadKey(m.roomId, m.replyTo)),
  seq: N(m.seq),
});

const threadKey = (roomId: string, parentSeq: number): string => `${roomId}#re#${parentSeq}`;

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
 *
 * Changes (edit, delete, reaction) are items of their own, folded into their target with a
 * read and a conditional put on the target's `version` (retried when another writer got
 * there first). The target remembers its edits' seqs (`editSeqs`), so a deletion empties
 * them too. A reply is also listed under its parent (`roomId#re#parentSeq`, sort key its seq).
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
    const requests = [...unique.values()].flatMap((m) => [
      { PutRequest: { Item: messageItem(m) } },
      ...(m.replyTo !== undefined && m.kind === 'user'
        ? [{ PutRequest: { Item: threadItem({ ...m, replyTo: m.replyTo }) } }]
        : []),
    ]);
    await batchWriteAll(sendBatchWrite(this.client), this.tables.messages, requests, {
      ...this.options.retry,
      concurrency: this.options.writeConcurrency ?? 4,
    });
    const heads = new Map<string, number>();
    for (const m of unique.values()) heads.set(m.roomId, Math.max(heads.get(m.roomId) ?? 0, m.seq));
    const raises = [...heads].filter(
      ([roomId, seq]) => bucketOf(seq) > (this.knownHeads.get(roomId) ?? -1),
    );
    await Promise.all(raises.map(([roomId, seq]) => this.raiseHead(roomId, seq)));
    // In log order: a room's changes apply one after the other.
    for (const m of unique.values()) if (isChangeKind(m.kind)) await this.apply(m);
  }

  /** Folds a change into its target; a deletion empties the target's edits as well. */
  private async apply(change: Message): Promise<void> {
    if (change.target === undefined) return;
    const key = { pk: S(messageBucketKey(change.roomId, change.target)), seq: N(change.target) };
    for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
      const { Item: item } = await this.client.send(
        new GetItemCommand({ TableName: this.tables.messages, Key: key, ConsistentRead: true }),
      );
      if (!item) return;
      const target = fromItem(item);
      // An edit that raced the deletion: its text goes too.
      if (target.deleted && change.kind === 'edit')
        return this.emptyEdits(change.roomId, [change.seq]);
      const changed = applyChange(target, change);
      if (changed === target) return;
      const version = item.version?.N;
      const editSeqs = (item.editSeqs?.L ?? []).map((v) => Number(v.N));
      if (change.kind === 'edit' && !editSeqs.includes(change.seq)) editSeqs.push(change.seq);
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.tables.messages,
            Item: {
              ...messageItem(changed),
              version: N(Number(version ?? 0) + 1),
              ...(editSeqs.length > 0 && { editSeqs: { L: editSeqs.map(N) } }),
            },
            ConditionExpression:
              version === undefined ? 'attribute_not_exists(version)' : 'version = :v',
            ...(version !== undefined && { ExpressionAttributeValues: { ':v': { N: version } } }),
          }),
        );
      } catch (error) {
        if (isConditionFailed(error)) continue;
        throw error;
      }
      if (change.kind === 'delete') await this.emptyEdits(change.roomId, editSeqs);
      return;
    }
    throw new Error(`message ${change.target} of room ${change.roomId} kept changing`);
  }

  private async emptyEdits(roomId: string, seqs: readonly number[]): Promise<void> {
    for (const seq of seqs) {
      const { Item: item } = await this.client.send(
        new GetItemCommand({
          TableName: this.tables.messages,
          Key: { pk: S(messageBucketKey(roomId, seq)), seq: N(seq) },
          ConsistentRead: true,
        }),
      );
      if (!item) continue;
      await this.client.send(
        new PutItemCommand({
          TableName: this.tables.messages,
          Item: messageItem(emptiedEdit(fromItem(item))),
        }),
      );
    }
  }

  async replies(
    roomId: string,
    seq: number,
    range: { after?: number; limit: number },
  ): Promise<Message[]> {
    const listed = await queryAll(
      this.client,
      {
        TableName: this.tables.messages,
        KeyConditionExpression: 'pk = :pk AND seq > :after',
        ExpressionAttributeValues: {
          ':pk': S(threadKey(roomId, seq)),
          ':after': N(range.after ?? 0),
        },
        ConsistentRead: true,
      },
      range.limit,
    );
    if (listed.length === 0) return [];
    const keys = listed.map((item) => {
      const replySeq = num(item, 'seq');
      return { pk: S(messageBucketKey(roomId, replySeq)), seq: N(replySeq) };
    });
    const items = await batchGetAll(sendBatchGet(this.client), this.tables.messages, keys, {
      ...this.options.retry,
    });
    return items.map(fromItem).sort((a, b) => a.seq - b.seq);
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
      const items = await queryAll(this.client, {
        TableName: this.tables.messages,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': S(`${roomId}#${b}`) },
        ProjectionExpression: 'pk, seq, replyTo',
        ConsistentRead: true,
      });
      const requests = items.flatMap(({ pk, seq, replyTo }) => [
        { DeleteRequest: { Key: { pk: pk ?? S(''), seq: seq ?? N(0) } } },
        ...(replyTo?.N !== undefined && seq !== undefined
          ? [{ DeleteRequest: { Key: { pk: S(threadKey(roomId, Number(replyTo.N))), seq } } }]
          : []),
      ]);
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
