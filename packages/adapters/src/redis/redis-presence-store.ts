import { PresenceStore, type PresenceState } from '@chat/core';
import { LuaScript, asArray, asNumber, asString, type RedisClient } from './lua-script.js';

export interface RedisPresenceStoreOptions {
  /** Key prefix. Default `chat`. */
  prefix?: string;
  /** A connection not refreshed for this long counts as gone (its replica died). Default 30 s. */
  connectionTtlMs?: number;
  /** How long a user's presence keys outlive their last write. Default 30 days. */
  retentionMs?: number;
  /** Where failures of the background heartbeat go. Default: a process warning. */
  onError?: (error: unknown) => void;
}

/** Server time in ms, so every replica measures liveness against one clock. */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function ms(n) return string.format('%.0f', n) end`;

/** KEYS: conns. ARGV: connectionId, ttlMs, retentionMs. Returns 1 for the first live connection. */
const CONNECT = new LuaScript(`${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms(now - tonumber(ARGV[2])))
local live = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], ms(now), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if live == 0 then return 1 end
return 0
`);

/** KEYS: conns, seen. ARGV: connectionId, ttlMs, at, retentionMs. 1 when the last one went. */
const DISCONNECT = new LuaScript(`${NOW}
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('ZCOUNT', KEYS[1], '(' .. ms(now - tonumber(ARGV[2])), '+inf') > 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
return 1
`);

/** KEYS: conns. ARGV: retentionMs, connectionIds… Refreshes the heartbeat of live entries. */
const REFRESH = new LuaScript(`${NOW}
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', ms(now), ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 0
`);

/** KEYS: conns, seen. ARGV: ttlMs. Returns {live count, seen ISO or '', last heartbeat ms or ''}. */
const STATE = new LuaScript(`${NOW}
local live = redis.call('ZCOUNT', KEYS[1], '(' .. ms(now - tonumber(ARGV[1])), '+inf')
local seen = redis.call('GET', KEYS[2])
local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
return {live, seen or '', top[2] or ''}
`);

/**
 * Presence and typing throttles in Redis, shared by every gateway replica.
 *
 * Keys (hash-tagged per user, so each script touches one cluster slot):
 * `<prefix>:presence:{<user>}:conns` — sorted set of connection ids scored by their last
 * heartbeat (Redis server time); `…:seen` — ISO time of the last disconnect;
 * `…:typing:<room>` — `SET NX PX windowMs` throttle.
 *
 * Guarantees beyond the port's: this store refreshes the heartbeat of the connections it
 * registered every `connectionTtlMs / 3`, so a replica that dies (kill -9) stops refreshing and
 * its connections stop counting after `connectionTtlMs`; a user offline that way reports the
 * last heartbeat as `lastSeenAt`. The caller owns `client`; `close` stops the heartbeat only.
 */
export class RedisPresenceStore extends PresenceStore {
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly retentionMs: number;
  private readonly local = new Map<string, Set<string>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly client: RedisClient,
    options: RedisPresenceStoreOptions = {},
  ) {
    super();
    this.prefix = options.prefix ?? 'chat';
    this.ttlMs = options.connectionTtlMs ?? 30_000;
    this.retentionMs = options.retentionMs ?? 30 * 24 * 3600_000;
    const onError =
      options.onError ??
      ((error: unknown) => process.emitWarning(`presence heartbeat failed: ${String(error)}`));
    this.timer = setInterval(
      () => {
        this.heartbeat().catch(onError);
      },
      Math.max(10, Math.floor(this.ttlMs / 3)),
    );
    this.timer.unref();
  }

  private key(userId: string, suffix: string): string {
    return `${this.prefix}:presence:{${encodeURIComponent(userId)}}:${suffix}`;
  }

  async connect(userId: string, connectionId: string): Promise<boolean> {
    const set = this.local.get(userId) ?? new Set<string>();
    set.add(connectionId);
    this.local.set(userId, set);
    const first = await CONNECT.run(
      this.client,
      [this.key(userId, 'conns')],
      [connectionId, this.ttlMs, this.retentionMs],
    );
    return asNumber(first, 'connect') === 1;
  }

  async disconnect(userId: string, connectionId: string, at: string): Promise<boolean> {
    const set = this.local.get(userId);
    set?.delete(connectionId);
    if (set?.size === 0) this.local.delete(userId);
    const last = await DISCONNECT.run(
      this.client,
      [this.key(userId, 'conns'), this.key(userId, 'seen')],
      [connectionId, this.ttlMs, at, this.retentionMs],
    );
    return asNumber(last, 'disconnect') === 1;
  }

  async states(userIds: readonly string[]): Promise<Map<string, PresenceState>> {
    const unique = [...new Set(userIds)];
    const states = await Promise.all(unique.map((userId) => this.state(userId)));
    return new Map(unique.map((userId, i) => [userId, states[i] ?? { online: false }]));
  }

  private async state(userId: string): Promise<PresenceState> {
    const reply = asArray(
      await STATE.run(
        this.client,
        [this.key(userId, 'conns'), this.key(userId, 'seen')],
        [this.ttlMs],
      ),
      'presence state',
    );
    const online = asNumber(reply[0], 'presence state') > 0;
    const seen = asString(reply[1], 'presence state');
    const heartbeat = asString(reply[2], 'presence state');
    let lastSeenAt = seen === '' ? undefined : seen;
    // Connections that expired without a disconnect: their last heartbeat is the last sighting.
    if (!online && heartbeat !== '') {
      const beat = Number(heartbeat);
      if (lastSeenAt === undefined || Date.parse(lastSeenAt) < beat) {
        lastSeenAt = new Date(beat).toISOString();
      }
    }
    return { online, ...(lastSeenAt !== undefined && { lastSeenAt }) };
  }

  async allowTyping(userId: string, roomId: string, windowMs: number): Promise<boolean> {
    const key = this.key(userId, `typing:${encodeURIComponent(roomId)}`);
    const set = await this.client.set(key, '1', 'PX', Math.max(1, windowMs), 'NX');
    return set === 'OK';
  }

  /** Refreshes every connection this process registered (runs on a timer; exposed for tests). */
  async heartbeat(): Promise<void> {
    await Promise.all(
      [...this.local].map(([userId, connections]) =>
        REFRESH.run(this.client, [this.key(userId, 'conns')], [this.retentionMs, ...connections]),
      ),
    );
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    this.local.clear();
    return Promise.resolve();
  }
}
