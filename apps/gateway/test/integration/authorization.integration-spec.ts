import {
  isDirectRoomId,
  type ClientEventName,
  type ErrorCode,
  type Room,
  type RoomInviteEvent,
} from '@chat/contracts';
import { ChatClient, NO_RATE_LIMITS } from '@chat/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The authorisation matrix: every room event (and the REST reads of a room) × every kind of
 * caller, with the outcome the protocol promises in each cell. Each cell runs against a fresh
 * room owned by Alice with Bob as a member, and checks the ack, the effect (or that nothing
 * changed), and who the effect is attributed to. At the end, users outside the rooms must not
 * have received a single event about any of them.
 *
 * Callers:
 * - `owner`: Alice; `member`: Bob; `nonMember`: Mallory (signed in, not in the room);
 * - `forger`: Bob, who also puts Alice's id in every id field (`userId`, `hostId`, `ownerId`);
 * - `outsiderForger`: Mallory, who puts Bob's (a member's) id in them.
 *
 * Guarantee 5 (isolation) and the spec's "the server never trusts a userId sent in a payload".
 */

const ROLES = ['owner', 'member', 'nonMember', 'forger', 'outsiderForger'] as const;
type Role = (typeof ROLES)[number];
type Actor = 'alice' | 'bob' | 'mallory';

const ACTOR: Record<Role, Actor> = {
  owner: 'alice',
  member: 'bob',
  nonMember: 'mallory',
  forger: 'bob',
  outsiderForger: 'mallory',
};
/** The id a forger writes into the payload. */
const FORGED_ID: Partial<Record<Role, Actor>> = { forger: 'alice', outsiderForger: 'bob' };

const REST_MESSAGES = 'GET /chat/rooms/:roomId/messages';
const REST_SEARCH = 'GET /chat/search?roomId=';
type Row = ClientEventName | typeof REST_MESSAGES | typeof REST_SEARCH;
type Outcome = 'ok' | ErrorCode;

const F = 'FORBIDDEN';
/** The expected outcome of every cell. REST cells: `ok` = 200, `FORBIDDEN` = 403. */
const MATRIX: Record<Row, Record<Role, Outcome>> = {
  //              owner       member      nonMember   forger      outsiderForger
  register: { owner: 'ok', member: 'ok', nonMember: 'ok', forger: F, outsiderForger: F },
  get_users: { owner: 'ok', member: 'ok', nonMember: 'ok', forger: 'ok', outsiderForger: 'ok' },
  create_room: { owner: 'ok', member: 'ok', nonMember: 'ok', forger: F, outsiderForger: F },
  join_room: { owner: 'ok', member: 'ok', nonMember: F, forger: 'ok', outsiderForger: F },
  invite: { owner: 'ok', member: 'ok', nonMember: F, forger: 'ok', outsiderForger: F },
  leave_room: { owner: 'ok', member: 'ok', nonMember: F, forger: 'ok', outsiderForger: F },
  delete_room: { owner: 'ok', member: F, nonMember: F, forger: F, outsiderForger: F },
  update_room: { owner: 'ok', member: F, nonMember: F, forger: F, outsiderForger: F },
  remove_member: { owner: 'ok', member: F, nonMember: F, forger: F, outsiderForger: F },
  send_message: { owner: 'ok', member: 'ok', nonMember: F, forger: 'ok', outsiderForger: F },
  typing: { owner: 'ok', member: 'ok', nonMember: F, forger: 'ok', outsiderForger: F },
  get_messages: { owner: 'ok', member: 'ok', nonMember: F, forger: 'ok', outsiderForger: F },
  search: { owner: 'ok', member: 'ok', nonMember: F, forger: 'ok', outsiderForger: F },
  mark_read: { owner: 'ok', member: 'ok', nonMember: F, forger: 'ok', outsiderForger: F },
  // A member mutes the room for themselves only; a forged id mutes it for the forger.
  mute_room: { owner: 'ok', member: 'ok', nonMember: F, forger: 'ok', outsiderForger: F },
  // The target is Alice's message: only she may edit it; she owns the room, so she alone may
  // delete it too (Bob, forging her id, is still Bob).
  edit_message: { owner: 'ok', member: F, nonMember: F, forger: F, outsiderForger: F },
  delete_message: { owner: 'ok', member: F, nonMember: F, forger: F, outsiderForger: F },
  react: { owner: 'ok', member: 'ok', nonMember: F, forger: 'ok', outsiderForger: F },
  get_thread: { owner: 'ok', member: 'ok', nonMember: F, forger: 'ok', outsiderForger: F },
  // Not room-scoped: anyone may open a direct room with anyone; a forged id names the other
  // person, never the caller.
  open_direct: { owner: 'ok', member: 'ok', nonMember: 'ok', forger: 'ok', outsiderForger: 'ok' },
  // Room-less: anyone may change their own profile; a forged userId changes nothing of theirs.
  set_profile: { owner: 'ok', member: 'ok', nonMember: 'ok', forger: 'ok', outsiderForger: 'ok' },
  [REST_MESSAGES]: { owner: 'ok', member: 'ok', nonMember: F, forger: 'ok', outsiderForger: F },
  [REST_SEARCH]: { owner: 'ok', member: 'ok', nonMember: F, forger: 'ok', outsiderForger: F },
};

/** Alice's message in every fresh room, after the system message of Bob's invite. */
const TARGET_SEQ = 2;

const HTTP_STATUS: Partial<Record<Outcome, number>> = { ok: 200, FORBIDDEN: 403 };

/** The honest payload of each socket event for a room. */
const PAYLOAD: Record<ClientEventName, (roomId: string) => Record<string, unknown>> = {
  register: () => ({}),
  get_users: () => ({ query: '' }),
  create_room: () => ({ name: 'matrix-made', participants: [] }),
  join_room: (roomId) => ({ roomId }),
  invite: (roomId) => ({ roomId, userIds: ['carol'] }),
  leave_room: (roomId) => ({ roomId }),
  delete_room: (roomId) => ({ roomId }),
  remove_member: (roomId) => ({ roomId, userId: 'bob' }),
  update_room: (roomId) => ({ roomId, name: 'matrix renamed', topic: 'matrix topic' }),
  send_message: (roomId) => ({ roomId, content: 'matrix message' }),
  typing: (roomId) => ({ roomId, isTyping: true }),
  get_messages: (roomId) => ({ roomId }),
  search: (roomId) => ({ roomId, query: 'matrix' }),
  mark_read: (roomId) => ({ roomId, seq: 1 }),
  mute_room: (roomId) => ({ roomId, muted: true }),
  edit_message: (roomId) => ({ roomId, seq: TARGET_SEQ, content: 'matrix edit' }),
  delete_message: (roomId) => ({ roomId, seq: TARGET_SEQ }),
  react: (roomId) => ({ roomId, seq: TARGET_SEQ, emoji: '👍', on: true }),
  get_thread: (roomId) => ({ roomId, seq: TARGET_SEQ }),
  open_direct: () => ({ userId: 'carol' }),
  set_profile: () => ({ displayName: 'Matrix Name' }),
};

describe('authorisation matrix: every room event × every caller', () => {
  let app: TestApp;
  const clients = {} as Record<Actor | 'carol' | 'dave', ChatClient>;
  /** Every room a cell ran against, for the leak check at the end. */
  const cellRooms = new Set<string>();

  beforeAll(async () => {
    app = await startTestApp(NO_RATE_LIMITS);
    for (const name of ['alice', 'bob', 'mallory', 'carol', 'dave'] as const) {
      clients[name] = await ChatClient.connect(app.url, name);
    }
  });

  afterAll(async () => {
    for (const client of Object.values(clients)) client.close();
    await app?.destroy();
  });

  /**
   * A room owned by Alice with Bob in it. Bob is invited after creation, so seq 1 is a system
   * message that neither member has read yet (a `mark_read` to 1 moves both pointers); seq 2
   * (`TARGET_SEQ`) is a message of Alice's, for the events that change a message.
   */
  async function freshRoom(): Promise<string> {
    const { room } = await clients.alice.ok('create_room', { name: 'matrix', participants: [] });
    await clients.alice.ok('invite', { roomId: room.roomId, userIds: ['bob'] });
    const sent = await clients.alice.ok('send_message', { roomId: room.roomId, content: 'target' });
    expect(sent.seq).toBe(TARGET_SEQ);
    cellRooms.add(room.roomId);
    // Both come from the log's live feed, after the ack: let them land first, so that the
    // events counted before an attempt are all there were.
    for (const member of ['alice', 'bob'] as const) {
      await clients[member].waitFor('system', (e) => e.roomId === room.roomId);
      await clients[member].waitFor('receive_message', (m) => m.id === sent.id);
    }
    return room.roomId;
  }

  /** Room-scoped events a member has received about `roomId`. */
  const roomEvents = (member: Actor, roomId: string) =>
    clients[member].received.filter(
      (r) =>
        [
          'typing',
          'read',
          'system',
          'receive_message',
          'message_changed',
          'room_updated',
          'room_deleted',
          'room_muted',
        ].includes(r.event) && JSON.stringify(r.payload).includes(roomId),
    ).length;

  /** The room as a member sees it, or undefined when `viewer` is not in it (or it is gone). */
  async function view(viewer: Actor, roomId: string): Promise<Room | undefined> {
    const { rooms } = await clients[viewer].ok('register', {});
    return rooms.find((r) => r.roomId === roomId);
  }

  const stateOf = (room: Room | undefined) =>
    room && {
      name: room.name,
      topic: room.topic,
      ownerId: room.ownerId,
      participants: [...room.participants].sort(),
      lastSeq: room.lastSeq,
    };

  function emit(actor: Actor, event: ClientEventName, payload: Record<string, unknown>) {
    // Forged payloads carry fields the typed event map does not have; the wire is the same.
    const socket = clients[actor].socket.timeout(5000) as unknown as {
      emitWithAck(event: string, payload: unknown): Promise<unknown>;
    };
    return socket.emitWithAck(event, payload) as Promise<
      { ok: true; data: Record<string, unknown> } | { ok: false; error: { code: ErrorCode } }
    >;
  }

  async function rest(actor: Actor, path: string): Promise<number> {
    const res = await fetch(`${app.url}${path}`, {
      headers: {
        authorization: `Bearer ${clients[actor].token}`,
        // Headers a naive proxy-trusting server might read the user from.
        'x-user-id': 'alice',
        'x-forwarded-user': 'alice',
      },
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** What each successful cell must have done, and to whose name. */
  async function checkEffect(
    event: ClientEventName,
    actor: Actor,
    roomId: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const other: Actor = actor === 'alice' ? 'bob' : 'alice';
    switch (event) {
      case 'register':
        expect(data['user']).toMatchObject({ id: actor });
        return;
      case 'get_users':
      case 'get_messages':
      case 'search':
        return;
      case 'create_room':
        expect(data['room']).toMatchObject({ ownerId: actor, participants: [actor] });
        return;
      case 'join_room':
        expect(stateOf(await view(other, roomId))?.participants).toEqual(['alice', 'bob']);
        return;
      case 'invite': {
        expect((await view(other, roomId))?.participants).toContain('carol');
        const { messages } = await clients.alice.ok('get_messages', { roomId });
        expect(messages.at(-1)).toMatchObject({ kind: 'system', userId: actor });
        await clients.carol.waitFor('room_invite', (e) => e.roomId === roomId && e.by === actor);
        return;
      }
      case 'leave_room': {
        const room = await view(other, roomId);
        expect(room?.participants).toEqual([other]);
        expect(await view(actor, roomId)).toBeUndefined();
        return;
      }
      case 'delete_room':
        await clients.bob.waitFor('room_deleted', (e) => e.roomId === roomId);
        expect(await view('alice', roomId)).toBeUndefined();
        return;
      case 'remove_member': {
        await clients.bob.waitFor(
          'room_updated',
          (r) => r.roomId === roomId && !r.participants.includes('bob'),
        );
        expect(await view('bob', roomId)).toBeUndefined();
        expect(stateOf(await view('alice', roomId))?.participants).toEqual(['alice']);
        const { messages } = await clients.alice.ok('get_messages', { roomId });
        expect(messages.at(-1)).toMatchObject({ kind: 'system', userId: actor });
        return;
      }
      case 'update_room': {
        await clients[other].waitFor(
          'room_updated',
          (r) => r.roomId === roomId && r.name === 'matrix renamed',
        );
        expect(await view(other, roomId)).toMatchObject({
          name: 'matrix renamed',
          topic: 'matrix topic',
        });
        const { messages } = await clients.alice.ok('get_messages', { roomId });
        expect(messages.at(-1)).toMatchObject({ kind: 'system', userId: actor });
        return;
      }
      case 'send_message': {
        const { messages } = await clients[other].ok('get_messages', { roomId });
        expect(messages.at(-1)).toMatchObject({ id: data['id'], userId: actor });
        return;
      }
      case 'typing':
        await clients[other].waitFor(
          'typing',
          (e) => e.roomId === roomId && e.userId === actor && e.isTyping,
        );
        return;
      case 'mark_read':
        await clients[other].waitFor(
          'read',
          (e) => e.roomId === roomId && e.userId === actor && e.seq === 1,
        );
        return;
      case 'mute_room':
        expect(data).toEqual({ roomId, muted: true });
        await clients[actor].waitFor('room_muted', (e) => e.roomId === roomId && e.muted);
        expect((await view(actor, roomId))?.muted).toBe(true);
        expect((await view(other, roomId))?.muted).toBeUndefined();
        return;
      case 'edit_message':
      case 'delete_message':
      case 'react': {
        const kinds = {
          edit_message: 'edit',
          delete_message: 'delete',
          react: 'reaction',
        } as const;
        const kind = kinds[event];
        await clients[other].waitFor(
          'message_changed',
          (c) => c.roomId === roomId && c.userId === actor && c.kind === kind,
        );
        const { messages } = await clients[other].ok('get_messages', { roomId });
        const target = messages.find((m) => m.seq === TARGET_SEQ);
        if (event === 'edit_message') {
          expect(target).toMatchObject({ content: 'matrix edit' });
          expect(target?.editedAt).toBeTypeOf('string');
        } else if (event === 'delete_message') {
          expect(target).toMatchObject({ content: '', deleted: true });
        } else {
          expect(target?.reactions).toEqual([{ emoji: '👍', userIds: [actor] }]);
        }
        return;
      }
      case 'get_thread':
        expect(data['parent']).toMatchObject({ seq: TARGET_SEQ, content: 'target' });
        return;
      case 'open_direct': {
        // The caller is always the one who asked; a forged `userId` only names the other one.
        const room = data['room'] as Room;
        expect(room).toMatchObject({ direct: true });
        expect(room.participants).toHaveLength(2);
        expect(room.participants).toContain(actor);
        return;
      }
      case 'set_profile':
        expect(data['user']).toMatchObject({ id: actor, displayName: 'Matrix Name' });
        await clients[actor].waitFor(
          'user_updated',
          (e) => e.userId === actor && e.displayName === 'Matrix Name',
        );
        return;
    }
  }

  const socketRows = Object.keys(PAYLOAD) as ClientEventName[];

  describe.each(socketRows)('%s', (event) => {
    it.each(ROLES)(`%s → ${event}`, async (role) => {
      const expected = MATRIX[event][role];
      const actor = ACTOR[role];
      const forged = FORGED_ID[role];
      const roomId = await freshRoom();
      const payload = {
        ...PAYLOAD[event](roomId),
        ...(forged === undefined ? {} : { userId: forged, hostId: forged, ownerId: forged }),
      };
      const before = stateOf(await view('alice', roomId));
      await view('bob', roomId);
      const heard = { alice: roomEvents('alice', roomId), bob: roomEvents('bob', roomId) };

      const res = await emit(actor, event, payload);

      expect(res.ok ? 'ok' : res.error.code, `${role} ${event}`).toBe(expected);
      if (res.ok) {
        await checkEffect(event, actor, roomId, res.data);
        return;
      }
      // Refused: the room is as it was, and no member heard of the attempt. Each member's
      // round trip below comes after anything the server could have sent them before the ack.
      expect(stateOf(await view('alice', roomId))).toEqual(before);
      await view('bob', roomId);
      expect({ alice: roomEvents('alice', roomId), bob: roomEvents('bob', roomId) }).toEqual(heard);
    });
  });

  describe.each([REST_MESSAGES, REST_SEARCH] as const)('%s', (row) => {
    it.each(ROLES)(`%s → ${row}`, async (role) => {
      const roomId = await freshRoom();
      const forged = FORGED_ID[role];
      const forgery = forged === undefined ? '' : `&userId=${forged}&ownerId=${forged}`;
      const path =
        row === REST_MESSAGES
          ? `/chat/rooms/${roomId}/messages?limit=10${forgery}`
          : `/chat/search?q=matrix&roomId=${roomId}${forgery}`;
      expect(await rest(ACTOR[role], path)).toBe(HTTP_STATUS[MATRIX[row][role]]);
    });
  });

  it('searching every room finds nothing of rooms the caller is not in', async () => {
    const res = await fetch(`${app.url}/chat/search?q=matrix`, {
      headers: { authorization: `Bearer ${clients.mallory.token}` },
    });
    expect(res.status).toBe(200);
    const { hits } = (await res.json()) as { hits: { message: { roomId: string } }[] };
    for (const hit of hits) expect(cellRooms.has(hit.message.roomId)).toBe(false);
  });

  it('told no outsider anything about any of the rooms, and no member anything from an outsider', async () => {
    expect(cellRooms.size).toBeGreaterThan(0);
    // A round trip on each connection: anything sent to it earlier has arrived by then.
    for (const client of Object.values(clients)) await client.ok('register', {});
    // Mallory tried everything; Dave only watched. Neither was ever in a cell's room.
    for (const outsider of [clients.mallory, clients.dave]) {
      const leaked = outsider.received.filter((r) => {
        const text = JSON.stringify(r.payload);
        return [...cellRooms].some((roomId) => text.includes(roomId));
      });
      expect(leaked, `events ${outsider.userId} received`).toEqual([]);
    }
    // Nothing Mallory attempted reached a member under her name (or the forged one), except
    // the one thing open to anyone: her opening a direct-message room with them, and then, as
    // to anyone who shares a room with her, her own display-name change.
    for (const member of [clients.alice, clients.bob, clients.carol]) {
      const { rooms } = await member.ok('register', {});
      const sharesRoom = rooms.some((room) => room.participants.includes('mallory'));
      const fromMallory = member.received.filter(
        (r) =>
          JSON.stringify(r.payload).includes('mallory') &&
          !(r.event === 'room_invite' && isDirectRoomId((r.payload as RoomInviteEvent).roomId)) &&
          !(r.event === 'user_updated' && sharesRoom),
      );
      expect(fromMallory, `events ${member.userId} received`).toEqual([]);
    }
  });
});
