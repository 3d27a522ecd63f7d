import {
  ChatError,
  CLIENT_MSG_ID_TTL_MS,
  isChangeKind,
  MessagePreviewSchema,
  MessageSchema,
  previewContent,
  serialiseAroundSeq,
  toMessagePreview,
  type MessagePreview,
  type RoomEventEnvelope,
  type Message,
} from '@chat/contracts';
import {
  EventLog,
  mentionList,
  SENT_MARKS_KEPT,
  type AppendResult,
  type MessageDraft,
  type PageRange,
  type UnreadCount,
} from '@chat/core';
import type { Redis } from 'ioredis';
import { asArray, asNumber, asString, type RedisClient } from './lua-script.js';
import { StreamConsumerGroups } from './stream-consumer-groups.js';
import { StreamLogLayout } from './stream-log-layout.js';
import { APPEND_MESSAGE, UNREAD_COUNTS } from './stream-log-scripts.js';

export interface RedisStreamsEventLogOptions {
  /** Key prefix; also the hash-tag stem `{<prefix>:log:<n>}`. Default `chat`. */
  prefix?: string;
  /** Number of stream shards. Part of the data layout: never change it on live data. Default 16. */
  shards?: number;
  /** Newest messages kept per room in the hot window. Default 500. */
  windowSize?: number;
  /** A room's hot window expires this long after its last message. Default 7 days. */
  windowTtlMs?: number;
  /**
   * A room's sent marks (for unread counts) expire this long after its last user message.
   * Default 30 days; after it, unread counts of the room are estimated from seqs.
   */
  sentMarksTtlMs?: number;
  /** How long a `clientMsgId` is remembered; at least 24 h. Default 25 h. */
  dedupeTtlMs?: number;
  /** On a Redis Cluster, how often a blocking `read` polls the shards. Default 100 ms. */
  clusterPollMs?: number;
  /**
   * An append without a `clientMsgId` is refused once its draft is this old by Redis's clock,
   * and its id is remembered twice as long, so a command re-sent after a lost reply never
   * appends twice. Assumes gateway and Redis clocks agree within it. Default 2 min.
   */
  maxDraftAgeMs?: number;
}

/**
 * The event log on Redis Streams, for a standalone Redis or a Redis Cluster.
 *
 * Layout: see {@link StreamLogLayout} — one stream per shard, a room's seq counter, dedupe keys
 * and hot window in its shard's slot. Guarantees beyond the port's:
 * - `appendMessage` runs one Lua script (dedupe + INCR seq + XADD + hot window), so it is atomic
 *   even with many gateways; durability on return follows the server's AOF `appendfsync`.
 * - The hot window holds the newest `windowSize` messages of each room (a sorted set by seq).
 * - `read` scans the shards in rotating order and never takes more than `count` entries. When
 *   nothing is waiting it blocks on a dedicated connection (standalone: XREAD BLOCK from each
 *   shard's last-delivered id, so no entry is consumed by the wait) or polls (cluster).
 * - `trim` never removes an entry some group has not acknowledged (see `SAFE_TRIM`).
 *
 * The caller owns `client` and closes it; `close` releases only the connections this log made.
 */
export class RedisStreamsEventLog extends EventLog {
  private readonly layout: StreamLogLayout;
  private readonly windowSize: number;
  private readonly windowTtlMs: number;
  private readonly sentMarksTtlMs: number;
  private readonly dedupeTtlMs: number;
  private readonly maxDraftAgeMs: number;
  /** The consumer groups reading this log (the sinks). */
  readonly groups: StreamConsumerGroups;
  private readonly liveChannel: string;
  private readonly subscribers = new Set<RedisClient>();

  constructor(
    private readonly client: RedisClient,
    options: RedisStreamsEventLogOptions = {},
  ) {
    super();
    this.layout = new StreamLogLayout(options.prefix ?? 'chat', options.shards ?? 16);
    this.windowSize = options.windowSize ?? 500;
    this.windowTtlMs = options.windowTtlMs ?? 7 * 24 * 3600_000;
    this.sentMarksTtlMs = options.sentMarksTtlMs ?? 30 * 24 * 3600_000;
    this.dedupeTtlMs = Math.max(options.dedupeTtlMs ?? 25 * 3600_000, CLIENT_MSG_ID_TTL_MS);
    this.maxDraftAgeMs = options.maxDraftAgeMs ?? 120_000;
    this.groups = new StreamConsumerGroups(client, this.layout, options.clusterPollMs ?? 100);
    this.liveChannel = `${options.prefix ?? 'chat'}:live`;
  }

  /**
   * One SUBSCRIBE connection per subscriber on the live channel the append script publishes
   * to. Redis runs scripts one at a time and delivers a channel's messages in publish order,
   * so every subscriber sees each room's messages in seq order. Pub/sub keeps nothing for a
   * dropped connection: when it is back, the channel is subscribed again and `onResumed` told.
   */
  async subscribe(
    listener: (message: Message) => void,
    onResumed?: () => void,
  ): Promise<() => Promise<void>> {
    // Redis and Cluster both have duplicate(), with signatures TypeScript cannot unify.
    const subscriber = (this.client as Redis).duplicate();
    this.subscribers.add(subscriber);
    subscriber.on('message', (_channel: string, raw: string) => {
      const parsed = MessageSchema.safeParse(safeJson(raw));
      if (parsed.success) listener(parsed.data);
    });
    let interrupted = false;
    subscriber.on('close', () => {
      interrupted = true;
    });
    subscriber.on('ready', () => {
      if (!interrupted) return;
      interrupted = false;
      // ioredis subscribes again by itself on reconnect; this SUBSCRIBE queues behind that one,
      // so once it answers the feed is flowing again and whatever was missed is in history.
      subscriber.subscribe(this.liveChannel).then(
        () => onResumed?.(),
        () => undefined,
      );
    });
    await subscriber.subscribe(this.liveChannel);
    return async () => {
      this.subscribers.delete(subscriber);
      await subscriber.unsubscribe().catch(() => undefined);
      subscriber.disconnect();
    };
  }

  async appendMessage(draft: MessageDraft): Promise<AppendResult> {
    const shard = this.layout.shardOf(draft.roomId);
    const { clientMsgId } = draft;
    // The script joins the message and its envelope around the seq it assigns.
    const around = serialiseAroundSeq(draft);
    const reply = asArray(
      await APPEND_MESSAGE.run(
        this.client,
        [
          this.layout.stream(shard),
          this.layout.seq(draft.roomId),
          clientMsgId === undefined
            ? this.layout.appended(draft.roomId, draft.id)
            : this.layout.dedupe(draft.roomId, draft.userId, clientMsgId),
          this.layout.window(draft.roomId),
          this.layout.sentMarks(draft.roomId),
          this.layout.changes(draft.roomId),
          this.layout.lastMessage(draft.roomId),
        ],
        [
          clientMsgId === undefined ? '0' : '1',
          clientMsgId === undefined ? 2 * this.maxDraftAgeMs : this.dedupeTtlMs,
          ...around.message,
          ...around.envelope,
          this.windowSize,
          this.windowTtlMs,
          this.liveChannel,
          this.maxDraftAgeMs,
          Date.parse(draft.createdAt),
          draft.kind === 'user' ? draft.userId : '',
          SENT_MARKS_KEPT,
          this.sentMarksTtlMs,
          isChangeKind(draft.kind) ? draft.kind : '',
          draft.target ?? 0,
          draft.kind === 'user' ? mentionList(draft) : '',
          ...previewAroundSeq(draft),
          draft.kind === 'edit' ? previewContent(draft.content) : '',
        ],
      ),
      'append',
    );
    const outcome = asNumber(reply[0], 'append');
    if (outcome === 2) {
      throw new ChatError(
        'UNAVAILABLE',
        'the message log did not take the message in time; send it again',
      );
    }
    if (outcome === 1) {
      return {
        message: MessageSchema.parse(JSON.parse(asString(reply[1], 'append'))),
        duplicate: true,
      };
    }
    // The script wrote exactly the draft around this seq: no need to parse it back.
    return { message: { ...draft, seq: asNumber(reply[3], 'append') }, duplicate: false };
  }

  async appendEvent(envelope: RoomEventEnvelope): Promise<string> {
    const shard = this.layout.shardOf(envelope.payload.roomId);
    const id = await this.client.call('XADD', [
      this.layout.stream(shard),
      '*',
      'e',
      JSON.stringify(envelope),
    ]);
    return this.layout.entryId(shard, asString(id, 'XADD'));
  }

  async lastSeqs(roomIds: readonly string[]): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    // One MGET per shard: its keys share a hash tag, so it is valid on a cluster too.
    await Promise.all(
      this.byShard(roomIds).map(async (rooms) => {
        const values = await this.client.mget(rooms.map((r) => this.layout.seq(r)));
        rooms.forEach((roomId, i) => result.set(roomId, Number(values[i] ?? 0)));
      }),
    );
    return result;
  }

  /** One MGET per shard, like `lastSeqs`. */
  async lastMessages(roomIds: readonly string[]): Promise<Map<string, MessagePreview>> {
    const result = new Map<string, MessagePreview>();
    await Promise.all(
      this.byShard(roomIds).map(async (rooms) => {
        const values = await this.client.mget(rooms.map((r) => this.layout.lastMessage(r)));
        rooms.forEach((roomId, i) => {
          const raw = values[i];
          if (raw) result.set(roomId, MessagePreviewSchema.parse(JSON.parse(raw)));
        });
      }),
    );
    return result;
  }

  async window(roomId: string, range: PageRange): Promise<Message[]> {
    const key = this.layout.window(roomId);
    const limit = String(range.limit);
    let reply: unknown;
    if (range.after !== undefined) {
      reply = await this.client.call('ZRANGE', [
        key,
        `(${range.after}`,
        '+inf',
        'BYSCORE',
        'LIMIT',
        '0',
        limit,
      ]);
    } else {
      const upper = range.before === undefined ? '+inf' : `(${range.before}`;
      const args = [key, upper, '-inf', 'BYSCORE', 'REV', 'LIMIT', '0', limit];
      reply = asArray(await this.client.call('ZRANGE', args), 'ZRANGE').reverse();
    }
    return parseMessages(reply, 'window');
  }

  async changes(roomId: string, after: number): Promise<Message[]> {
    const reply = await this.client.call('ZRANGE', [
      this.layout.changes(roomId),
      `(${after}`,
      '+inf',
      'BYSCORE',
    ]);
    return parseMessages(reply, 'changes');
  }

  /** One script call per shard asked: each counts its rooms' marks in its own slot. */
  async unreadCounts(
    readerId: string,
    after: ReadonlyMap<string, number>,
    cap: number,
  ): Promise<Map<string, UnreadCount>> {
    const counts = new Map<string, UnreadCount>();
    // An id with a space in it cannot be mentioned (a mention ends at a space).
    const mention = /\s/.test(readerId) ? '  ' : ` ${readerId} `;
    await Promise.all(
      this.byShard([...after.keys()]).map(async (rooms) => {
        const reply = asArray(
          await UNREAD_COUNTS.run(
            this.client,
            rooms.map((r) => this.layout.sentMarks(r)),
            [
              ...rooms.map((r) => after.get(r) ?? 0),
              readerId,
              mention,
              Math.min(cap, SENT_MARKS_KEPT),
            ],
          ),
          'unread counts',
        );
        rooms.forEach((roomId, i) => {
          const messages = asNumber(reply[2 * i], 'unread counts');
          const mentions = asNumber(reply[2 * i + 1], 'unread counts');
          if (messages >= 0) counts.set(roomId, { messages, mentions });
        });
      }),
    );
    return counts;
  }

  async deleteRoom(roomId: string): Promise<void> {
    await this.client.del(
      this.layout.window(roomId),
      this.layout.sentMarks(roomId),
      this.layout.changes(roomId),
      this.layout.lastMessage(roomId),
    );
  }

  /** Distinct rooms grouped by shard, so each group's keys sit in one cluster slot. */
  private byShard(roomIds: Iterable<string>): string[][] {
    const byShard = new Map<number, string[]>();
    for (const roomId of new Set(roomIds)) {
      const shard = this.layout.shardOf(roomId);
      const rooms = byShard.get(shard);
      if (rooms) rooms.push(roomId);
      else byShard.set(shard, [roomId]);
    }
    return [...byShard.values()];
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  /** Drops the live-feed connections this log opened (`groups` closes its own). */
  close(): Promise<void> {
    for (const subscriber of this.subscribers) subscriber.disconnect();
    this.subscribers.clear();
    return Promise.resolve();
  }
}

/**
 * A user or system message's preview JSON as two parts around its seq (which the script
 * assigns): `{"seq":` and the rest. Two empty parts for a change, which has no preview.
 */
const previewAroundSeq = (draft: MessageDraft): [string, string] => {
  const preview = toMessagePreview({ ...draft, seq: 1 });
  if (!preview) return ['', ''];
  const { seq: _seq, ...rest } = preview;
  const json = JSON.stringify(rest);
  return ['{"seq":', json === '{}' ? '}' : `,${json.slice(1)}`];
};

const parseMessages = (reply: unknown, what: string): Message[] =>
  asArray(reply, 'ZRANGE').map((m) => MessageSchema.parse(JSON.parse(asString(m, what))));

const safeJson = (raw: string): unknown => {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
};
