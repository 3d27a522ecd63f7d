import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoMessageStore } from '@chat/adapters';
import { openDatabase, SqliteSearchIndex } from '@chat/core';
import { randomUUID } from 'node:crypto';
import {
  CHAT_NAMESPACE,
  SOCKET_PATH,
  type Ack,
  type ClientAckData,
  type ClientPayloads,
  type ClientToServerEvents,
  type Message,
  type ServerToClientEvents,
} from '@chat/contracts';
import { io, type Socket } from 'socket.io-client';
import { VOCABULARY } from '../generator/content.js';
import type { Distribution } from '../generator/protocol.js';
import { distribution, pool } from '../stats.js';

type ProbeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface QueryLatency {
  name: string;
  request: string;
  latency: Distribution;
  /** Mean messages or hits per answer (sanity: not empty). */
  meanResults: number;
  errors: number;
}

export interface HistoryResult {
  /** Messages seeded into the queried rooms. */
  storedMessages: number;
  /** Messages stored in the ramp's rooms (also searched by the all-rooms queries). */
  otherMessages: number;
  rooms: number;
  perRoom: number;
  seedMs: number;
  /** How the data got there. */
  seededBy: string;
  queries: QueryLatency[];
}

export interface HistoryContext {
  dynamo: DynamoDBClient;
  gatewayUrl: string;
  roomIds: string[];
  probeToken: string;
  /** The SQLite search index file the cluster's processes share. */
  searchIndexPath: string;
  log: (line: string) => void;
}

/** Highest stored seq per room, summed: the number of stored messages (seqs have no gaps). */
async function storedCount(dynamo: DynamoDBClient, roomIds: readonly string[]): Promise<number> {
  const store = new DynamoMessageStore(dynamo);
  let total = 0;
  for (const roomId of roomIds) total += (await store.page(roomId, { limit: 1 }))[0]?.seq ?? 0;
  return total;
}

function connectProbe(url: string, token: string): Promise<ProbeSocket> {
  const socket: ProbeSocket = io(`${url}${CHAT_NAMESPACE}`, {
    path: SOCKET_PATH,
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function ask<E extends 'get_messages' | 'search' | 'register' | 'create_room'>(
  socket: ProbeSocket,
  event: E,
  payload: ClientPayloads[E],
): Promise<ClientAckData[E]> {
  // The typed overloads cannot be resolved for a generic event name; the wire is the same.
  const emit = socket.timeout(10_000) as unknown as {
    emitWithAck(event: E, payload: ClientPayloads[E]): Promise<Ack<ClientAckData[E]>>;
  };
  return emit.emitWithAck(event, payload).then((res) => {
    if (!res.ok) throw new Error(`${event}: ${res.error.code} ${res.error.message}`);
    return res.data;
  });
}

/** A seeded message's content: three vocabulary words, so every word hits ~3/16 of them. */
const seedContent = (i: number) =>
  `${VOCABULARY[i % VOCABULARY.length] ?? ''} ${VOCABULARY[(i * 5 + 1) % VOCABULARY.length] ?? ''} ` +
  `archive message ${i} ${VOCABULARY[(i * 11 + 7) % VOCABULARY.length] ?? ''}`;

/**
 * Seeds `perRoom` messages into each room directly through the adapters the sink uses: the
 * DynamoDB message store (`putBatch`, 200 per call like the sink) and the cluster's shared
 * SQLite search index (`putBatch`). Rooms are fresh, so seqs 1..perRoom collide with nothing.
 */
async function seed(
  ctx: HistoryContext,
  roomIds: readonly string[],
  perRoom: number,
  userId: string,
): Promise<number> {
  const store = new DynamoMessageStore(ctx.dynamo);
  const db = openDatabase(ctx.searchIndexPath);
  const index = new SqliteSearchIndex(db);
  const base = Date.now() - perRoom * 1000;
  let seeded = 0;
  try {
    await pool(roomIds, 4, async (roomId, r) => {
      for (let first = 1; first <= perRoom; first += 200) {
        const batch: Message[] = [];
        for (let seq = first; seq < first + 200 && seq <= perRoom; seq++) {
          batch.push({
            id: randomUUID(),
            roomId,
            seq,
            userId,
            content: seedContent(r * perRoom + seq),
            createdAt: new Date(base + seq * 1000 + r).toISOString(),
            kind: 'user',
          });
        }
        await store.putBatch(batch);
        await index.putBatch(batch);
        seeded += batch.length;
      }
    });
  } finally {
    await index.close();
    db.close();
  }
  return seeded;
}

/** One kind of request: its name and payload as reported, and how to send the `i`th one. */
interface QueryCase {
  name: string;
  request: string;
  /** Sends request `i`; resolves to the number of results. */
  run: (i: number) => Promise<number>;
}

/** Pages of the seeded rooms, searches in one room and across all the user's rooms. */
function queryCases(
  socket: ProbeSocket,
  rooms: readonly string[],
  otherRooms: number,
  perRoom: number,
): QueryCase[] {
  const room = (i: number) => rooms[i % rooms.length] ?? '';
  const word = (i: number) => VOCABULARY[i % VOCABULARY.length] ?? 'hello';
  const deepBefore = Math.min(101, Math.max(2, perRoom - 1));
  return [
    {
      name: 'get_messages, newest page',
      request: '{ roomId, limit: 50 }',
      run: async (i) =>
        (await ask(socket, 'get_messages', { roomId: room(i), limit: 50 })).messages.length,
    },
    {
      name: 'get_messages, deep page',
      request: `{ roomId, before: ${deepBefore}, limit: 50 }`,
      run: async (i) =>
        (await ask(socket, 'get_messages', { roomId: room(i), before: deepBefore, limit: 50 }))
          .messages.length,
    },
    {
      name: 'search, one room',
      request: '{ query: <word>, roomId, limit: 20 }',
      run: async (i) =>
        (await ask(socket, 'search', { query: word(i), roomId: room(i), limit: 20 })).hits.length,
    },
    {
      name: `search, all ${rooms.length + otherRooms} rooms of the user`,
      request: '{ query: <word>, limit: 20 }',
      run: async (i) => (await ask(socket, 'search', { query: word(i), limit: 20 })).hits.length,
    },
    {
      name: 'search, two terms, all rooms',
      request: '{ query: "<word> <word>", limit: 20 }',
      run: async (i) =>
        (await ask(socket, 'search', { query: `${word(i)} ${word(i * 5 + 1)}`, limit: 20 })).hits
          .length,
    },
  ];
}

/** `samples` requests of one kind, one at a time, after a few unmeasured ones. */
async function timeQuery(c: QueryCase, samples: number): Promise<QueryLatency> {
  // A few unmeasured requests first (connection pools, JIT).
  for (let i = 0; i < 5; i++) await c.run(i).catch(() => 0);
  const times: number[] = [];
  let results = 0;
  let errors = 0;
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    try {
      results += await c.run(i);
      times.push(performance.now() - t);
    } catch {
      errors++;
    }
  }
  return {
    name: c.name,
    request: c.request,
    latency: distribution(times),
    meanResults: results / Math.max(1, times.length),
    errors,
  };
}

/**
 * History and search latency with `targetMessages` stored: a member of every room (the probe
 * user) creates as many fresh rooms as the ramp has, `targetMessages` are seeded into them
 * through the store and index adapters, then the probe asks over its socket, one request at a
 * time: pages of the seeded rooms, searches in one room and across all its rooms (the seeded
 * ones and the ramp's).
 */
export async function measureHistory(
  ctx: HistoryContext,
  targetMessages: number,
  samples: number,
): Promise<HistoryResult> {
  const socket = await connectProbe(ctx.gatewayUrl, ctx.probeToken);
  try {
    const { user } = await ask(socket, 'register', {});
    const rooms: string[] = [];
    for (let i = 0; i < ctx.roomIds.length; i++) {
      rooms.push(
        (await ask(socket, 'create_room', { name: `history ${i}`, participants: [] })).room.roomId,
      );
    }
    const perRoom = Math.ceil(targetMessages / rooms.length);
    const t0 = performance.now();
    const seeded = await seed(ctx, rooms, perRoom, user.id);
    const seedMs = performance.now() - t0;
    ctx.log(
      `history: seeded ${seeded} messages into ${rooms.length} rooms in ${(seedMs / 1000).toFixed(1)} s`,
    );
    const others = await storedCount(ctx.dynamo, ctx.roomIds);
    const queries: QueryLatency[] = [];
    for (const c of queryCases(socket, rooms, ctx.roomIds.length, perRoom)) {
      const q = await timeQuery(c, samples);
      queries.push(q);
      ctx.log(
        `history: ${c.name}: p50 ${q.latency.p50.toFixed(1)} p99 ${q.latency.p99.toFixed(1)} ms`,
      );
    }
    return {
      storedMessages: seeded,
      otherMessages: others,
      rooms: rooms.length,
      perRoom,
      seedMs,
      seededBy:
        'directly through the adapters the sink uses (DynamoMessageStore.putBatch into dynalite, SqliteSearchIndex.putBatch into the index file the cluster shares), into fresh rooms of the probe user',
      queries,
    };
  } finally {
    socket.disconnect();
  }
}
