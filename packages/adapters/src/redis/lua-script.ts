import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/** A standalone ioredis client or a Redis Cluster client; the Redis adapters accept either. */
export type RedisClient = Redis | Cluster;

/**
 * A Lua script run with EVALSHA, falling back to EVAL (which also loads it) when the server
 * answers NOSCRIPT — after a restart, a failover or on a cluster node that has not seen it yet.
 * Every key the script touches is passed in `keys`, so ioredis routes the call to the node of
 * the first key; callers make sure all keys share one hash tag (one cluster slot).
 */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(
    client: RedisClient,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/** Narrows a Redis reply to an array, failing loudly on a protocol surprise. */
export const asArray = (reply: unknown, what: string): unknown[] => {
  if (!Array.isArray(reply)) throw new Error(`unexpected Redis reply for ${what}`);
  return reply as unknown[];
};

export const asString = (reply: unknown, what: string): string => {
  if (typeof reply === 'string') return reply;
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  if (typeof reply === 'number') return String(reply);
  throw new Error(`unexpected Redis reply for ${what}`);
};

export const asNumber = (reply: unknown, what: string): number => {
  const n = typeof reply === 'number' ? reply : Number(asString(reply, what));
  if (!Number.isFinite(n)) throw new Error(`unexpected Redis reply for ${what}`);
  return n;
};

/** Reads a RESP2-style flat `[key, value, key, value…]` reply (RESP3 maps in legacy mapping too). */
export const pairs = (reply: unknown, what: string): Map<string, unknown> => {
  const flat = asArray(reply, what);
  const out = new Map<string, unknown>();
  for (let i = 0; i + 1 < flat.length; i += 2) out.set(asString(flat[i], what), flat[i + 1]);
  return out;
};
