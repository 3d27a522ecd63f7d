import {
  CLIENT_EVENT_NAMES,
  CLIENT_EVENT_SCHEMAS,
  ERROR_CODES,
  MAX_CONTENT_CODE_POINTS,
  MessageSchema,
  RoomSchema,
  UserSchema,
  type ClientEventName,
  type ErrorCode,
} from '@chat/contracts';
import { ChatClient, createSession, pollUntil, NO_RATE_LIMITS } from '@chat/test-support';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Property-based fuzzing of every client event. For each event fast-check generates payloads —
 * arbitrary JSON and JS values, objects built from the event schema's own field names with
 * wrong types, unicode edge cases, over-long strings, deep nesting and prototype-pollution keys
 * — and checks each one against a model of the protocol:
 *
 * - the ack always arrives and is `{ ok: true, data }` or `{ ok: false, error: { code, message } }`
 *   with a code from `ERROR_CODES`, never `INTERNAL`;
 * - a payload the contract schema rejects is `BAD_REQUEST`; an accepted one gets exactly the
 *   outcome the protocol promises (e.g. a room the caller is not in is `FORBIDDEN`, one that does
 *   not exist `NOT_FOUND`, another user's id `FORBIDDEN`);
 * - a success returns a well-formed, correct result (a sent message is stored as sent, trimmed);
 * - an error changes nothing: the rooms' `lastSeq`, members and owner and the caller's room list
 *   are as before; a room the caller is not in never changes whatever the caller sends;
 * - afterwards the server is healthy, a normal message still goes through, and no prototype
 *   in the (shared, in-process) server was polluted.
 */

const RUNS_PER_EVENT = Number(process.env['FUZZ_RUNS'] ?? 80);
const SEED = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);
/** Frames stay well under Socket.IO's 64 KB `maxHttpBufferSize` (that case is tested elsewhere). */
const MAX_FRAME_BYTES = 60_000;
const ACK_TIMEOUT_MS = 5000;

/** Markers the generators use for rooms that only exist at run time; resolved before emitting. */
const ROOM = {
  member: '⟦member-room⟧',
  foreign: '⟦foreign-room⟧',
  missing: '⟦missing-room⟧',
} as const;
/** Users who have signed in; `__proto__` is a valid user name, and a hostile one. */
const KNOWN_USERS = ['alice', 'bob', 'carol', '__proto__'] as const;
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

// ---------------------------------------------------------------------------------------------
// Generators

/** Hand-picked strings that have broken text handling somewhere. */
const UNICODE_ATOMS = [
  '\uD800', // lone high surrogate
  '\uDFFF', // lone low surrogate
  'a\uDC00b',
  '\u202Eevil\u202C', // right-to-left override
  'שלום',
  'مرحبا',
  '\u200F\u200E',
  '\u200B', // zero-width space
  '\u200C\u200D',
  '\uFEFF', // BOM (trimmed by String#trim)
  '\u2060',
  'e\u0301', // combining acute
  'Z\u0334\u0321\u031B\u0359\u031C\u0344\u034Ca\u0337l\u0338g\u0336o\u0335', // zalgo
  '👩‍👩‍👧‍👦', // emoji ZWJ sequence
  '🏳️‍🌈',
  '\u0000',
  'a\u0000b',
  '\r\n\t',
  '\u2028\u2029',
  '\uFFFF',
  '\u{10FFFF}',
  '\u1100\u1161', // decomposed Hangul
  '한국어',
  'ｆｕｌｌ',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '&amp;&lt;',
  "'; DROP TABLE messages; --",
  '" OR 1=1 --',
  '%_\\',
  'NEAR(a b) AND "x" * -y: (z)',
  '${7*7}{{7*7}}',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '   ',
] as const;

const unicodeString = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...UNICODE_ATOMS) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((parts) => parts.join(''));

/** JSON-escaped size of one UTF-16 unit sequence, to keep frames under the buffer limit. */
const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '');

/** Longer than any field allows (content: 4,000 code points), but within one frame. */
const hugeString = fc
  .tuple(
    fc.constantFrom('x', '가', '😀', ' ', 'e\u0301', '\u200B', '<', '\uD800'),
    fc.integer({ min: MAX_CONTENT_CODE_POINTS + 1, max: 20_000 }),
  )
  .map(([unit, n]) => {
    const budget = Math.floor((MAX_FRAME_BYTES - 2000) / (jsonBytes(unit) - 2));
    return unit.repeat(Math.min(n, budget));
  });

/**
 * Arrays or objects nested up to a thousand deep (about what socket.io-client's recursive encoder
 * survives inside a test; deeper frames are sent raw in a test of their own).
 */
const deepValue = fc
  .tuple(fc.integer({ min: 50, max: 1000 }), fc.constantFrom('array', 'object', 'mixed'))
  .map(([depth, kind]) => {
    let value: unknown = 'bottom';
    for (let i = 0; i < depth; i++) {
      const asArray = kind === 'array' || (kind === 'mixed' && i % 2 === 0);
      value = asArray ? [value] : { roomId: value };
    }
    // fast-check prints counterexamples recursively; print this one by its recipe instead.
    Object.defineProperty(value, fc.toStringMethod, { value: () => `deep(${kind} × ${depth})` });
    return value;
  });

/** Objects whose keys try to reach a prototype, or shadow what the server reads. */
const pollutionValue: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.constantFrom(...PROTO_KEYS),
    fc.dictionary(
      fc.constantFrom('polluted', 'isAdmin', 'roomId', 'userId', 'toString', 'prototype'),
      fc.oneof(fc.constant('pwned'), fc.constant(true), fc.constant(ROOM.foreign)),
      { minKeys: 1 },
    ),
  )
  .map(([key, inner]) =>
    key === 'constructor'
      ? Object.fromEntries([[key, Object.fromEntries([['prototype', inner]])]])
      : Object.fromEntries([[key, inner]]),
  );

/** Any value Socket.IO can put on the wire, including binary. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }) },
  {
    weight: 2,
    arbitrary: fc.anything({
      maxDepth: 3,
      key: fc.oneof(fc.string(), fc.constantFrom(...PROTO_KEYS)),
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withDate: true,
      withNullPrototype: true,
      withSparseArray: true,
      stringUnit: 'binary',
    }),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: pollutionValue },
  { weight: 1, arbitrary: unicodeString },
);

const roomRef = fc.oneof(
  { weight: 6, arbitrary: fc.constant(ROOM.member) },
  { weight: 2, arbitrary: fc.constantFrom(ROOM.foreign, ROOM.missing) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(ROOM.member, ROOM.foreign), fc.constantFrom(' ', '\t', '\n', '\u00A0'))
      .map(([marker, pad]) => `${pad}${marker}${pad}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', ...PROTO_KEYS, 'x'.repeat(65)) },
  { weight: 1, arbitrary: unicodeString },
);

const userRef = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...KNOWN_USERS) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(' bob ', 'BOB', 'dave-unknown', '', ...PROTO_KEYS),
  },
  { weight: 1, arbitrary: unicodeString },
  { weight: 1, arbitrary: fc.string({ minLength: 120, maxLength: 140 }) },
);

const integerish = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 120 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER + 2,
      -Number.MAX_SAFE_INTEGER,
      1e21,
      0.5,
      5e-324,
      -0,
    ),
  },
  { weight: 1, arbitrary: fc.double() },
);

const textish = fc.oneof(
  { weight: 4, arbitrary: unicodeString },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: hugeString },
);

/** A plausible value for a schema field, chosen by the field's name. */
function plausible(field: string): fc.Arbitrary<unknown> {
  switch (field) {
    case 'roomId':
      return roomRef;
    case 'userId':
    case 'hostId':
      return userRef;
    case 'participants':
    case 'userIds':
      return fc.oneof(
        { weight: 6, arbitrary: fc.array(userRef, { minLength: 1, maxLength: 3 }) },
        { weight: 1, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.array(fc.constant('bob'), { minLength: 101, maxLength: 120 }) },
      );
    case 'content':
    case 'name':
    case 'topic':
    case 'displayName':
    case 'query':
    case 'cursor':
    case 'clientMsgId':
      return textish;
    case 'limit':
    case 'before':
    case 'after':
    case 'seq':
    case 'replyTo':
      return integerish;
    case 'isTyping':
    case 'on':
    case 'muted':
      return fc.boolean();
    case 'emoji':
      return fc.oneof(fc.constantFrom('👍', '❤️', '👨‍👩‍👧', 'a', '👍👍', ''), unicodeString);
    case 'sort':
      return fc.constantFrom('newest', 'relevance', 'oldest', '');
    default:
      return anyValue;
  }
}

/** A wrong-typed or hostile value for any field. */
const hostileValue = fc.oneof(
  { weight: 4, arbitrary: anyValue },
  { weight: 1, arbitrary: deepValue },
  { weight: 1, arbitrary: hugeString },
);

/** Extra keys: prototype-pollution keys and junk, which the schema must strip or reject. */
const extraKeys = fc.dictionary(
  fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 8 })),
  anyValue,
  { maxKeys: 3 },
);

/**
 * Objects made of the event's own field names. `nearValid`: every required field present and
 * each value plausible, with a small chance of a hostile one — mostly accepted by the schema, so
 * the model of the outcome gets exercised. Otherwise any subset of the fields, often hostile.
 */
function fieldObject(event: ClientEventName, nearValid: boolean): fc.Arbitrary<unknown> {
  const shape: Record<string, z.ZodType> = CLIENT_EVENT_SCHEMAS[event].shape;
  const fields = Object.keys(shape);
  const required = fields.filter((f) => !shape[f]?.safeParse(undefined).success);
  const value = (field: string) =>
    fc.oneof(
      { weight: nearValid ? 20 : 3, arbitrary: plausible(field) },
      { weight: 1, arbitrary: hostileValue },
    );
  // Near-valid objects keep each optional field with probability 1/3, so that combinations the
  // schema forbids (e.g. `before` with `after`) don't swamp the accepted ones.
  const slot = (field: string) =>
    nearValid && !required.includes(field)
      ? fc.oneof(
          { weight: 2, arbitrary: fc.constant<unknown[]>([]) },
          { weight: 1, arbitrary: value(field).map((v) => [v]) },
        )
      : value(field).map((v) => [v]);
  const record = fc
    .tuple(...fields.map((f) => slot(f).map((v): [string, unknown][] => v.map((x) => [f, x]))))
    .chain((slots) => (nearValid ? fc.constant(slots.flat()) : fc.subarray(slots.flat())))
    .map((entries) => Object.fromEntries(entries));
  // Object.fromEntries defines own properties, so `__proto__` stays a key and reaches the wire.
  return fc
    .tuple(record, nearValid ? fc.constant({}) : extraKeys, fc.boolean())
    .map(([base, extra, extraFirst]) =>
      Object.fromEntries(
        extraFirst
          ? [...Object.entries(extra), ...Object.entries(base)]
          : [...Object.entries(base), ...Object.entries(extra)],
      ),
    );
}

function payloads(event: ClientEventName): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: fieldObject(event, true) },
    { weight: 3, arbitrary: fieldObject(event, false) },
    { weight: 2, arbitrary: anyValue },
    { weight: 1, arbitrary: deepValue },
    { weight: 1, arbitrary: hugeString },
    { weight: 1, arbitrary: pollutionValue },
  );
}

// ---------------------------------------------------------------------------------------------
// The wire: what the server receives for what the client emits

const isPlainRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof Uint8Array);

/** Whether `test` holds for `value` or anything up to `depth` levels inside it. */
function somewhere(
  value: unknown,
  test: (v: unknown, key?: string) => boolean,
  depth = 8,
): boolean {
  if (test(value)) return true;
  if (depth === 0 || typeof value !== 'object' || value === null) return false;
  if (value instanceof Uint8Array) return false;
  return Object.entries(value).some(([k, v]) => test(v, k) || somewhere(v, test, depth - 1));
}

/**
 * What arrives at the server: Socket.IO sends binary as attachments and everything else as JSON
 * (Dates become strings, Maps `{}`, NaN `null`, …). Binary only appears at the top or one level
 * down in these generators. A missing payload arrives as `null`.
 */
function toWire(value: unknown): unknown {
  if (value instanceof Uint8Array) return value;
  if (isPlainRecord(value) && Object.values(value).some((v) => v instanceof Uint8Array)) {
    return Object.fromEntries(
      Object.entries(value)
        .map(([k, v]): [string, unknown] => [k, toWire(v)])
        .filter(([, v]) => v !== undefined),
    );
  }
  const json = JSON.stringify(value);
  return json === undefined ? undefined : (JSON.parse(json) as unknown);
}

/**
 * socket.io-client copies a packet that carries binary with plain assignments, so a `__proto__`
 * key in it re-parents the client's own copy (and may make it unserialisable), and it copies
 * recursively, so deep values with binary overflow its stack. That is the sender's library, not
 * the wire: such payloads are left out (the raw-frame test below covers deeper nesting).
 */
const clientCanSend = (payload: unknown): boolean =>
  !somewhere(payload, (v) => v instanceof Uint8Array) ||
  !(somewhere(payload, (_v, key) => key === '__proto__') || depthOf(payload) > 100);

/** How deep arrays and objects nest in `value` (iteratively: values can nest thousands deep). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [v, depth] = item;
    deepest = Math.max(deepest, depth);
    if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) {
      for (const child of Object.values(v)) stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

/** Replaces the room markers with the real ids, keeping any padding around them. */
function resolveRooms(value: unknown, ids: Record<keyof typeof ROOM, string>, depth = 0): unknown {
  if (typeof value === 'string') {
    let out = value;
    for (const key of Object.keys(ROOM) as (keyof typeof ROOM)[]) {
      out = out.replaceAll(ROOM[key], ids[key]);
    }
    return out;
  }
  if (depth > 4 || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => resolveRooms(v, ids, depth + 1));
  if (isPlainRecord(value) && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveRooms(v, ids, depth + 1)]),
    );
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// The model: what the protocol promises for an accepted payload

type Outcome = 'ok' | ErrorCode;

const AckSchema = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }),
  }),
]);

interface Fixture {
  /** Alice owns it, Bob is a member. */
  member: string;
  /** Bob's room; Alice is not in it. */
  foreign: string;
  /** Never created. */
  missing: string;
}

const stringField = (data: Record<string, unknown>, key: string): string | undefined => {
  const v = data[key];
  return typeof v === 'string' ? v : undefined;
};

/** The outcomes the protocol allows for a payload the schema accepted. */
function expectedOutcomes(
  event: ClientEventName,
  data: Record<string, unknown>,
  rooms: Fixture,
): Outcome[] {
  const known = (ids: unknown): boolean =>
    Array.isArray(ids) &&
    ids.every((id) => typeof id === 'string' && (KNOWN_USERS as readonly string[]).includes(id));
  const roomId = stringField(data, 'roomId');
  if (roomId !== undefined && roomId !== rooms.member) {
    return [roomId === rooms.foreign ? 'FORBIDDEN' : 'NOT_FOUND'];
  }
  const userId = stringField(data, 'userId');
  // A clientMsgId already used for another message or change of the room is a conflict.
  const retried = data['clientMsgId'] === undefined ? [] : (['CONFLICT'] as const);
  switch (event) {
    case 'register':
      return [userId === undefined || userId === 'alice' ? 'ok' : 'FORBIDDEN'];
    case 'get_users':
    case 'leave_room':
    case 'delete_room':
    case 'typing':
    case 'get_messages':
    case 'mark_read':
    case 'mute_room':
    case 'set_profile':
      return ['ok'];
    case 'send_message':
      // A reply names a message that may not exist.
      return ['ok', ...(data['replyTo'] === undefined ? [] : (['NOT_FOUND'] as const)), ...retried];
    case 'edit_message':
      // Alice's own message, Bob's, or no user message at that seq.
      return ['ok', 'FORBIDDEN', 'NOT_FOUND', ...retried];
    case 'delete_message':
      // Alice owns the room: she may delete any message in it.
      return ['ok', 'NOT_FOUND', ...retried];
    case 'get_thread':
      return ['ok', 'NOT_FOUND'];
    case 'update_room':
      // Alice owns the member room.
      return ['ok'];
    case 'remove_member':
      // Not herself; someone who is (Bob, or someone invited since) or is not a member.
      return [userId === 'alice' ? 'BAD_REQUEST' : 'ok', 'NOT_FOUND'];
    case 'react':
      // A message's 21st distinct emoji is refused.
      return ['ok', 'NOT_FOUND', 'BAD_REQUEST', ...retried];
    case 'open_direct':
      if (userId === 'alice') return ['BAD_REQUEST'];
      return [userId !== undefined && known([userId]) ? 'ok' : 'NOT_FOUND'];
    case 'create_room': {
      const hostId = stringField(data, 'hostId');
      if (hostId !== undefined && hostId !== 'alice') return ['FORBIDDEN'];
      return [known(data['participants']) ? 'ok' : 'NOT_FOUND'];
    }
    case 'join_room':
      return [userId === undefined || userId === 'alice' || known([userId]) ? 'ok' : 'NOT_FOUND'];
    case 'invite':
      return [known(data['userIds']) ? 'ok' : 'NOT_FOUND'];
    case 'search':
      // A cursor is opaque: one that was not issued by the server is a bad request.
      return data['cursor'] === undefined ? ['ok'] : ['ok', 'BAD_REQUEST'];
  }
}

// ---------------------------------------------------------------------------------------------

describe('fuzzing every client event (fast-check)', () => {
  let app: TestApp;
  let alice: ChatClient;
  let bob: ChatClient;
  let carol: ChatClient;
  let rooms: Fixture;
  const firstAcks = new Map<string, unknown>();
  const prototypeKeys = {
    object: Object.getOwnPropertyNames(Object.prototype).sort(),
    array: Object.getOwnPropertyNames(Array.prototype).sort(),
    function: Object.getOwnPropertyNames(Function.prototype).sort(),
  };

  /** No key was added to (or removed from) a built-in prototype, and `{}` inherits nothing new. */
  function expectPrototypesIntact(): void {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys.object);
    expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(prototypeKeys.array);
    expect(Object.getOwnPropertyNames(Function.prototype).sort()).toEqual(prototypeKeys.function);
    const probe: Record<string, unknown> = {};
    for (const key of ['polluted', 'isAdmin', 'roomId', 'userId']) {
      expect(probe[key]).toBeUndefined();
    }
  }

  const newMemberRoom = async () =>
    (await alice.ok('create_room', { name: 'fuzzed', participants: ['bob'] })).room.roomId;

  beforeAll(async () => {
    app = await startTestApp(NO_RATE_LIMITS);
    alice = await ChatClient.connect(app.url, 'alice');
    bob = await ChatClient.connect(app.url, 'bob');
    carol = await ChatClient.connect(app.url, 'carol');
    await createSession(app.url, '__proto__');
    const foreign = (await bob.ok('create_room', { name: 'not alice’s', participants: ['carol'] }))
      .room.roomId;
    await bob.ok('send_message', { roomId: foreign, content: 'bob’s secret' });
    rooms = { member: await newMemberRoom(), foreign, missing: randomUUID() };
    const marker = `seeded-${Date.now()}`;
    await alice.ok('send_message', {
      roomId: rooms.member,
      content: `${marker} <b>bold</b> & <script>alert(1)</script> 한국어 e\u0301`,
    });
    await pollUntil(
      () => alice.ok('search', { query: marker }),
      (r) => r.hits.length === 1,
      { timeoutMs: 5000, what: 'the seeded message to be searchable' },
    );
  });

  afterAll(async () => {
    for (const client of [alice, bob, carol]) client?.close();
    await app?.destroy();
  });

  /** What an error must not change: both rooms as their members see them, Alice's room list. */
  async function snapshot() {
    const [mine, bobs] = await Promise.all([alice.ok('register', {}), bob.ok('register', {})]);
    const view = (
      list: { roomId: string; lastSeq: number; ownerId: string; participants: string[] }[],
      id: string,
    ) => {
      const room = list.find((r) => r.roomId === id);
      return (
        room && {
          lastSeq: room.lastSeq,
          ownerId: room.ownerId,
          participants: [...room.participants].sort(),
        }
      );
    };
    return {
      aliceRooms: mine.rooms.map((r) => r.roomId).sort(),
      member: view(mine.rooms, rooms.member),
      foreign: view(bobs.rooms, rooms.foreign),
    };
  }

  /** Checks a successful ack's data against the event's contract; returns nothing to undo. */
  async function checkSuccess(
    event: ClientEventName,
    data: unknown,
    input: Record<string, unknown>,
  ): Promise<void> {
    const aliceRoomIds = new Set((await alice.ok('register', {})).rooms.map((r) => r.roomId));
    switch (event) {
      case 'register': {
        const parsed = z.object({ user: UserSchema, rooms: z.array(RoomSchema) }).parse(data);
        expect(parsed.user.id).toBe('alice');
        for (const room of parsed.rooms) expect(room.participants).toContain('alice');
        return;
      }
      case 'get_users': {
        const { users } = z.object({ users: z.array(UserSchema) }).parse(data);
        const limit = typeof input['limit'] === 'number' ? input['limit'] : 50;
        expect(users.length).toBeLessThanOrEqual(limit);
        return;
      }
      case 'create_room':
      case 'invite':
      case 'join_room': {
        const { room } = z.object({ room: RoomSchema }).parse(data);
        expect(room.participants).toContain('alice');
        const added = [input['participants'], input['userIds'], [input['userId']]]
          .flat()
          .filter((id): id is string => typeof id === 'string');
        for (const id of added) expect(room.participants).toContain(id);
        if (event === 'create_room') expect(room.ownerId).toBe('alice');
        else expect(room.roomId).toBe(rooms.member);
        return;
      }
      case 'leave_room':
      case 'delete_room': {
        expect(data).toEqual({});
        expect(aliceRoomIds.has(rooms.member)).toBe(false);
        rooms.member = await newMemberRoom();
        return;
      }
      case 'send_message': {
        const ack = z
          .object({ id: z.string(), seq: z.number().int().positive(), createdAt: z.string() })
          .parse(data);
        const clientMsgId = stringField(input, 'clientMsgId');
        const retryKey = clientMsgId === undefined ? undefined : `${rooms.member} ${clientMsgId}`;
        const first = retryKey === undefined ? undefined : firstAcks.get(retryKey);
        if (first) {
          // A retry returns the first ack, whatever its content.
          expect(ack).toEqual(first);
          return;
        }
        if (retryKey !== undefined) firstAcks.set(retryKey, ack);
        const { messages } = await alice.ok('get_messages', {
          roomId: rooms.member,
          after: ack.seq - 1,
          limit: 1,
        });
        // Stored exactly as accepted (trimmed), whatever the code points.
        expect(messages[0]).toMatchObject({
          id: ack.id,
          userId: 'alice',
          kind: 'user',
          content: input['content'],
        });
        return;
      }
      case 'typing':
      case 'mark_read':
        expect(data).toEqual({});
        return;
      case 'mute_room': {
        const ack = z.object({ roomId: z.string(), muted: z.boolean() }).parse(data);
        expect(ack).toEqual({ roomId: rooms.member, muted: input['muted'] });
        const listed = (await alice.ok('register', {})).rooms.find((r) => r.roomId === ack.roomId);
        expect(listed?.muted ?? false).toBe(ack.muted);
        return;
      }
      case 'edit_message':
      case 'delete_message':
      case 'react': {
        const ack = z
          .object({ seq: z.number().int().positive(), createdAt: z.string() })
          .parse(data);
        const { messages } = await alice.ok('get_messages', {
          roomId: rooms.member,
          after: ack.seq - 1,
          limit: 1,
        });
        const kind = { edit_message: 'edit', delete_message: 'delete', react: 'reaction' }[event];
        // The change took that seq, and names the message it changes.
        expect(messages[0]).toMatchObject({
          seq: ack.seq,
          kind,
          userId: 'alice',
          target: input['seq'],
        });
        return;
      }
      case 'get_thread': {
        const thread = z
          .object({ parent: MessageSchema, messages: z.array(MessageSchema), hasMore: z.boolean() })
          .parse(data);
        expect(thread.parent.seq).toBe(input['seq']);
        for (const reply of thread.messages) expect(reply.replyTo).toBe(input['seq']);
        return;
      }
      case 'open_direct': {
        const { room } = z.object({ room: RoomSchema }).parse(data);
        expect(room.direct).toBe(true);
        expect([...room.participants].sort()).toEqual(['alice', input['userId']].sort());
        return;
      }
      case 'remove_member': {
        const { room } = z.object({ room: RoomSchema }).parse(data);
        expect(room.roomId).toBe(rooms.member);
        expect(room.participants).toContain('alice');
        expect(room.participants).not.toContain(stringField(input, 'userId')?.trim());
        // A fresh room with Bob in it, for the events that follow.
        rooms.member = await newMemberRoom();
        return;
      }
      case 'update_room': {
        const { room } = z.object({ room: RoomSchema }).parse(data);
        expect(room.roomId).toBe(rooms.member);
        // What the room now says is what every member is listed (a lone surrogate in the input
        // arrives as U+FFFD, so only well-formed input is compared as sent).
        const listed = (await alice.ok('register', {})).rooms.find((r) => r.roomId === room.roomId);
        expect([listed?.name, listed?.topic]).toEqual([room.name, room.topic]);
        const sent = (field: string) => {
          const value = input[field];
          return typeof value === 'string' && !/\p{Cs}/u.test(value) ? value.trim() : undefined;
        };
        if (sent('name') !== undefined) expect(room.name).toBe(sent('name'));
        if (sent('topic') !== undefined) expect(room.topic ?? '').toBe(sent('topic'));
        return;
      }
      case 'set_profile': {
        const { user } = z.object({ user: UserSchema }).parse(data);
        expect(user).toMatchObject({ id: 'alice', displayName: input['displayName'] });
        return;
      }
      case 'get_messages': {
        const page = z
          .object({ messages: z.array(MessageSchema), hasMore: z.boolean() })
          .parse(data);
        const limit = typeof input['limit'] === 'number' ? input['limit'] : 50;
        expect(page.messages.length).toBeLessThanOrEqual(limit);
        const seqs = page.messages.map((m) => m.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        for (const m of page.messages) expect(m.roomId).toBe(rooms.member);
        return;
      }
      case 'search': {
        const result = z
          .object({
            hits: z.array(z.object({ message: MessageSchema, highlights: z.array(z.string()) })),
            nextCursor: z.string().nullable(),
          })
          .parse(data);
        for (const hit of result.hits) {
          expect(aliceRoomIds.has(hit.message.roomId)).toBe(true);
          // Highlights are HTML-escaped apart from the <mark> tags the server adds.
          for (const h of hit.highlights) {
            expect(h.replaceAll('<mark>', '').replaceAll('</mark>', '')).not.toMatch(/[<>]/);
          }
        }
        return;
      }
    }
  }

  async function emit(event: ClientEventName, payload: unknown): Promise<unknown> {
    // Any payload, as a misbehaving client would send it; the typed overloads don't apply.
    const socket = alice.socket.timeout(ACK_TIMEOUT_MS) as unknown as {
      emitWithAck(event: string, payload: unknown): Promise<unknown>;
    };
    return socket.emitWithAck(event, payload);
  }

  async function serverStillWorks(): Promise<void> {
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    const content = `still alive ${randomUUID()}`;
    const sent = await bob.ok('send_message', { roomId: rooms.member, content });
    await alice.waitFor('receive_message', (m) => m.id === sent.id);
  }

  it.each(CLIENT_EVENT_NAMES)(
    '%s: every payload gets a coded ack, no partial writes',
    async (event) => {
      const schema = CLIENT_EVENT_SCHEMAS[event];
      const outcomes = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(payloads(event), async (generated) => {
          const payload = resolveRooms(generated, rooms);
          const wire = toWire(payload);
          fc.pre(clientCanSend(payload) && jsonBytes(wire ?? null) < MAX_FRAME_BYTES);
          const parsed = schema.safeParse(wire ?? {});
          const before = await snapshot();

          const ack = AckSchema.parse(await emit(event, payload));
          const outcome: Outcome = ack.ok ? 'ok' : ack.error.code;
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);

          if (!parsed.success) {
            expect(outcome).toBe('BAD_REQUEST');
          } else {
            const data = parsed.data as Record<string, unknown>;
            expect(expectedOutcomes(event, data, rooms)).toContain(outcome);
            if (ack.ok) await checkSuccess(event, ack.data, data);
          }
          const after = await snapshot();
          if (!ack.ok) expect(after).toEqual(before);
          expectPrototypesIntact();
          // Whatever Alice sends, Bob's room without her never changes.
          expect(after.foreign).toEqual(before.foreign);
        }),
        { numRuns: RUNS_PER_EVENT, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
      // The generators reach both sides of the schema, not only BAD_REQUEST.
      expect(outcomes.get('BAD_REQUEST') ?? 0).toBeGreaterThan(0);
      expect([...outcomes.keys()].some((o) => o !== 'BAD_REQUEST')).toBe(true);
      await serverStillWorks();
    },
  );

  it('answers BAD_REQUEST to nesting deeper than socket.io-client can encode (raw frames)', async () => {
    // 25,000 levels of arrays is 50 KB: under the frame limit, far past any recursive walker.
    const depth = 25_000;
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const engine = alice.socket.io.engine;
    const FIRST_RAW_ID = 900_000;
    const acks = new Map<number, unknown>();
    const onPacket = (packet: { data?: unknown }) => {
      const match =
        typeof packet.data === 'string' ? /^3\/chat,(\d+)(.*)$/s.exec(packet.data) : null;
      if (match && Number(match[1]) >= FIRST_RAW_ID)
        acks.set(Number(match[1]), (JSON.parse(match[2] ?? '[]') as unknown[])[0]);
    };
    engine.on('packet', onPacket);
    const before = await snapshot();
    try {
      // Ack ids far above the client's own counter, so the client leaves these answers alone.
      let id = FIRST_RAW_ID;
      const sent: number[] = [];
      for (const event of CLIENT_EVENT_NAMES) {
        // As the payload, and as the value of the event's first field.
        const field = Object.keys(CLIENT_EVENT_SCHEMAS[event].shape)[0] ?? 'roomId';
        for (const body of [deep, `{${JSON.stringify(field)}:${deep}}`]) {
          sent.push(id);
          engine.write(`2/chat,${id++}[${JSON.stringify(event)},${body}]`);
        }
      }
      await pollUntil(
        () => acks.size,
        (n) => n === sent.length,
        { timeoutMs: 10_000, what: 'an ack per raw frame' },
      );
      for (const ackId of sent) {
        expect(acks.get(ackId)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      }
    } finally {
      engine.off('packet', onPacket);
    }
    expect(await snapshot()).toEqual(before);
    expect(alice.socket.connected).toBe(true);
    await serverStillWorks();
  });

  it('reports failures of events sent without an ack as `exception` events', async () => {
    const invalid = fc
      .constantFrom(...CLIENT_EVENT_NAMES)
      .chain((event) => fc.tuple(fc.constant(event), payloads(event)));
    await fc.assert(
      fc.asyncProperty(invalid, async ([event, generated]) => {
        const payload = resolveRooms(generated, rooms);
        const wire = toWire(payload);
        fc.pre(clientCanSend(payload) && jsonBytes(wire ?? null) < MAX_FRAME_BYTES);
        fc.pre(!CLIENT_EVENT_SCHEMAS[event].safeParse(wire ?? {}).success);
        const seen = alice.events('exception').length;
        alice.socket.emit(event as 'typing', payload as never);
        // A bad payload fails before the handler awaits anything, so its `exception` is on the
        // wire before the ack of this round trip.
        await alice.ok('register', {});
        expect(alice.events('exception').slice(seen)).toEqual([
          { event, code: 'BAD_REQUEST', message: expect.any(String) as unknown },
        ]);
      }),
      { numRuns: 3 * RUNS_PER_EVENT, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
    expect(alice.socket.connected).toBe(true);
  });

  it('leaves every built-in prototype untouched, in the test process that hosts the server', async () => {
    expectPrototypesIntact();
    await serverStillWorks();
    // And an owner still can (and a member still cannot) do what the roles allow.
    const { room } = await alice.ok('create_room', { participants: ['bob'] });
    expect(await bob.request('delete_room', { roomId: room.roomId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    await alice.ok('delete_room', { roomId: room.roomId });
  });
});
