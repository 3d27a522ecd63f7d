import { RoomStore, type RoomChanges, type RoomRecord } from '@chat/core';
import { asString, LuaScript, type RedisClient } from './lua-script.js';

export interface RedisCachedRoomStoreOptions {
  /** Key prefix. Default `chat`. */
  prefix?: string;
  /** How long a cached room lives without being read through again. Default 60 s. */
  ttlMs?: number;
}

/**
 * Fills the cache only if no mutation happened since the caller read the generation.
 * KEYS: generation, record. ARGV: generation read before the store read, record JSON, ttlMs.
 */
const FILL = new LuaScript(`
local current = redis.call('GET', KEYS[1]) or '0'
if current == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
`);

/** Bumps the generation and drops the cached record. KEYS: generation, record. */
const INVALIDATE = new LuaScript(`
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], 86400000)
redis.call('DEL', KEYS[2])
return 1
`);

/**
 * A read-through Redis cache in front of the room store of record (DynamoDB), for the reads
 * every message makes (membership). Guarantees of the inner store hold, and a mutation is
 * visible to every replica as soon as it resolves: each one writes the store first, then bumps
 * the room's generation and drops the cached record; a reader fills the cache only if the
 * generation it saw before reading the store is still current, so a slow reader can never put
 * back a record older than a completed mutation. Read pointers, mutes and `roomsOf` pass
 * through.
 */
export class RedisCachedRoomStore extends RoomStore {
  private readonly prefix: string;
  private readonly ttlMs: number;

  constructor(
    private readonly client: RedisClient,
    private readonly inner: RoomStore,
    options: RedisCachedRoomStoreOptions = {},
  ) {
    super();
    this.prefix = options.prefix ?? 'chat';
    this.ttlMs = options.ttlMs ?? 60_000;
  }

  async create(room: RoomRecord): Promise<void> {
    await this.inner.create(room);
    await this.invalidate(room.roomId);
  }

  async get(roomId: string): Promise<RoomRecord | undefined> {
    const [generation, cached] = await this.client.mget(this.keys(roomId));
    if (cached) return JSON.parse(cached) as RoomRecord;
    const record = await this.inner.get(roomId);
    if (record) {
      await FILL.run(this.client, this.keys(roomId), [
        generation ?? '0',
        JSON.stringify(record),
        this.ttlMs,
      ]);
    }
    return record;
  }

  roomsOf(userId: string): Promise<RoomRecord[]> {
    return this.inner.roomsOf(userId);
  }

  async isMember(roomId: string, userId: string): Promise<boolean> {
    return (await this.get(roomId))?.members.includes(userId) ?? false;
  }

  async addMembers(roomId: string, userIds: readonly string[]): Promise<string[]> {
    try {
      return await this.inner.addMembers(roomId, userIds);
    } finally {
      await this.invalidate(roomId);
    }
  }

  async removeMember(roomId: string, userId: string): Promise<RoomRecord | undefined> {
    try {
      return await this.inner.removeMember(roomId, userId);
    } finally {
      await this.invalidate(roomId);
    }
  }

  async update(roomId: string, changes: RoomChanges): Promise<RoomRecord | undefined> {
    try {
      return await this.inner.update(roomId, changes);
    } finally {
      await this.invalidate(roomId);
    }
  }

  async setOwner(roomId: string, ownerId: string): Promise<void> {
    try {
      await this.inner.setOwner(roomId, ownerId);
    } finally {
      await this.invalidate(roomId);
    }
  }

  async deleteRoom(roomId: string): Promise<void> {
    try {
      await this.inner.deleteRoom(roomId);
    } finally {
      await this.invalidate(roomId);
    }
  }

  markRead(roomId: string, userId: string, seq: number): Promise<boolean> {
    return this.inner.markRead(roomId, userId, seq);
  }

  readPointers(userId: string, roomIds: readonly string[]): Promise<Map<string, number>> {
    return this.inner.readPointers(userId, roomIds);
  }

  setMuted(roomId: string, userId: string, muted: boolean): Promise<boolean> {
    return this.inner.setMuted(roomId, userId, muted);
  }

  mutedRooms(userId: string, roomIds: readonly string[]): Promise<Set<string>> {
    return this.inner.mutedRooms(userId, roomIds);
  }

  async ping(): Promise<void> {
    asString(await this.client.ping(), 'PING');
    await this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async invalidate(roomId: string): Promise<void> {
    await INVALIDATE.run(this.client, this.keys(roomId), []);
  }

  /** Both keys share the room's hash tag: one slot, so the scripts work on a cluster. */
  private keys(roomId: string): [string, string] {
    const tag = `{${this.prefix}:room:${encodeURIComponent(roomId)}}`;
    return [`${tag}:gen`, `${tag}:record`];
  }
}
