import {
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { ChatError } from '@chat/contracts';
import { AttachmentRecords, type AttachmentRecord } from '@chat/core';
import {
  N,
  S,
  batchGetAll,
  isConditionFailed,
  num,
  optStr,
  queryAll,
  sendBatchGet,
  str,
  type BackoffOptions,
  type Item,
} from './dynamo-batch.js';
import { ATTACHMENT_INDEXES, ORPHAN_PARTITION, tableNames } from './tables.js';

export interface DynamoAttachmentRecordsOptions {
  /** Table name prefix, as given to `ensureTables`. Default `chat-`. */
  prefix?: string;
  retry?: BackoffOptions;
}

const toItem = (r: AttachmentRecord): Item => ({
  id: S(r.id),
  roomId: S(r.roomId),
  uploaderId: S(r.uploaderId),
  name: S(r.name),
  type: S(r.type),
  size: N(r.size),
  ...(r.width !== undefined && { width: N(r.width) }),
  ...(r.height !== undefined && { height: N(r.height) }),
  blobKey: S(r.blobKey),
  ...(r.thumbnailKey !== undefined && { thumbnailKey: S(r.thumbnailKey) }),
  createdAt: S(r.createdAt),
  ...(r.messageId === null ? { orphan: S(ORPHAN_PARTITION) } : { messageId: S(r.messageId) }),
});

const toRecord = (item: Item): AttachmentRecord => {
  const thumbnailKey = optStr(item, 'thumbnailKey');
  return {
    id: str(item, 'id'),
    roomId: str(item, 'roomId'),
    uploaderId: str(item, 'uploaderId'),
    name: str(item, 'name'),
    type: str(item, 'type'),
    size: num(item, 'size'),
    ...(item['width'] && { width: num(item, 'width') }),
    ...(item['height'] && { height: num(item, 'height') }),
    blobKey: str(item, 'blobKey'),
    ...(thumbnailKey !== undefined && { thumbnailKey }),
    createdAt: str(item, 'createdAt'),
    messageId: optStr(item, 'messageId') ?? null,
  };
};

const byCreation = (a: AttachmentRecord, b: AttachmentRecord) =>
  a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

/**
 * The scaled attachment records: one item per upload in the `attachments` table, keyed by id,
 * with sparse indexes for the room, the message, the orphans and the blob keys
 * (docs/dynamodb-tables.md). An unattached item carries `orphan`, so only unattached items
 * are in the `orphans` index.
 *
 * DynamoDB Local and dynalite differ in transactions, so `attach` sets each item with a
 * conditional update and, when one condition fails, puts back the items it had set: no
 * message ever keeps part of its attachments, though two sends racing for the same upload
 * may both be refused.
 */
export class DynamoAttachmentRecords extends AttachmentRecords {
  private readonly table: string;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: DynamoAttachmentRecordsOptions = {},
  ) {
    super();
    this.table = tableNames(options.prefix ?? 'chat-').attachments;
  }

  async insert(record: AttachmentRecord): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: toItem(record),
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) {
        throw new ChatError('CONFLICT', `attachment ${record.id} exists`);
      }
      throw error;
    }
  }

  async get(id: string): Promise<AttachmentRecord | undefined> {
    return (await this.getMany([id]))[0];
  }

  async getMany(ids: readonly string[]): Promise<AttachmentRecord[]> {
    const keys = [...new Set(ids)].map((id) => ({ id: S(id) }));
    const items = await batchGetAll(
      sendBatchGet(this.client),
      this.table,
      keys,
      this.options.retry,
    );
    return items.map(toRecord);
  }

  async attach(
    ids: readonly string[],
    owner: { roomId: string; uploaderId: string; messageId: string },
  ): Promise<boolean> {
    const done: string[] = [];
    for (const id of new Set(ids)) {
      try {
        const out = await this.client.send(
          new UpdateItemCommand({
            TableName: this.table,
            Key: { id: S(id) },
            UpdateExpression: 'SET messageId = :m REMOVE orphan',
            ConditionExpression:
              'attribute_exists(id) AND roomId = :r AND uploaderId = :u AND ' +
              '(attribute_not_exists(messageId) OR messageId = :m)',
            ExpressionAttributeValues: {
              ':m': S(owner.messageId),
              ':r': S(owner.roomId),
              ':u': S(owner.uploaderId),
            },
            ReturnValues: 'UPDATED_OLD',
          }),
        );
        // Attached by this call (not before, to the same message): put back on failure.
        if (out.Attributes?.['orphan']) done.push(id);
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        await this.detach(done, owner.messageId);
        return false;
      }
    }
    return true;
  }

  async ofRoom(roomId: string): Promise<AttachmentRecord[]> {
    return this.query(ATTACHMENT_INDEXES.byRoom, 'roomId = :v', { ':v': S(roomId) });
  }

  async ofMessage(messageId: string): Promise<AttachmentRecord[]> {
    return this.query(ATTACHMENT_INDEXES.byMessage, 'messageId = :v', { ':v': S(messageId) });
  }

  async orphans(createdBefore: string, limit: number): Promise<AttachmentRecord[]> {
    const orphans = await this.query(
      ATTACHMENT_INDEXES.orphans,
      'orphan = :v AND createdAt < :t',
      { ':v': S(ORPHAN_PARTITION), ':t': S(createdBefore) },
      limit,
    );
    // Attached between the index read and the item read: no longer an orphan.
    return orphans.filter((record) => record.messageId === null);
  }

  async referenced(keys: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const key of new Set(keys)) {
      for (const [index, attribute] of [
        [ATTACHMENT_INDEXES.byBlob, 'blobKey'],
        [ATTACHMENT_INDEXES.byThumbnail, 'thumbnailKey'],
      ] as const) {
        const items = await queryAll(
          this.client,
          {
            TableName: this.table,
            IndexName: index,
            KeyConditionExpression: `${attribute} = :k`,
            ExpressionAttributeValues: { ':k': S(key) },
          },
          1,
        );
        if (items.length > 0) found.add(key);
      }
    }
    return found;
  }

  async delete(ids: readonly string[]): Promise<void> {
    for (const id of new Set(ids)) {
      await this.client.send(new DeleteItemCommand({ TableName: this.table, Key: { id: S(id) } }));
    }
  }

  async ping(): Promise<void> {
    await this.client.send(new DescribeTableCommand({ TableName: this.table }));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async query(
    index: string,
    condition: string,
    values: Item,
    limit?: number,
  ): Promise<AttachmentRecord[]> {
    const items = await queryAll(
      this.client,
      {
        TableName: this.table,
        IndexName: index,
        KeyConditionExpression: condition,
        ExpressionAttributeValues: values,
      },
      limit,
    );
    // The indexes project keys only: read the items themselves.
    return (await this.getMany(items.map((item) => str(item, 'id')))).sort(byCreation);
  }

  /** Puts back items this call had attached to `messageId`. */
  private async detach(ids: readonly string[], messageId: string): Promise<void> {
    for (const id of ids) {
      try {
        await this.client.send(
          new UpdateItemCommand({
            TableName: this.table,
            Key: { id: S(id) },
            UpdateExpression: 'SET orphan = :o REMOVE messageId',
            ConditionExpression: 'messageId = :m',
            ExpressionAttributeValues: { ':o': S(ORPHAN_PARTITION), ':m': S(messageId) },
          }),
        );
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
    }
  }
}
