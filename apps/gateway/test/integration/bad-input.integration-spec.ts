import { CLIENT_EVENT_NAMES, type ClientEventName, type ErrorCode } from '@chat/contracts';
import { ChatClient } from '@chat/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

const UNKNOWN_ROOM = '00000000-0000-4000-8000-000000000000';

type Case = [event: ClientEventName, payload: unknown, code: ErrorCode];

/** Malformed or forged payloads for every client event, with the code each must get. */
const cases = (roomId: string): Case[] => [
  ['register', { userId: 42 }, 'BAD_REQUEST'],
  ['register', { userId: 'bob' }, 'FORBIDDEN'],
  ['get_users', { limit: 'ten' }, 'BAD_REQUEST'],
  ['get_users', { limit: 1000 }, 'BAD_REQUEST'],
  ['create_room', {}, 'BAD_REQUEST'],
  ['create_room', { participants: [1, 2] }, 'BAD_REQUEST'],
  ['create_room', { participants: [], name: 'x'.repeat(101) }, 'BAD_REQUEST'],
  ['create_room', { participants: [], hostId: 'bob' }, 'FORBIDDEN'],
  ['create_room', { participants: ['nobody-at-all'] }, 'NOT_FOUND'],
  ['join_room', {}, 'BAD_REQUEST'],
  ['join_room', { roomId: 7 }, 'BAD_REQUEST'],
  ['join_room', { roomId: UNKNOWN_ROOM }, 'NOT_FOUND'],
  ['join_room', { roomId, userId: 'nobody-at-all' }, 'NOT_FOUND'],
  ['invite', { roomId }, 'BAD_REQUEST'],
  ['invite', { roomId, userIds: [] }, 'BAD_REQUEST'],
  ['invite', { roomId: UNKNOWN_ROOM, userIds: ['bob'] }, 'NOT_FOUND'],
  ['invite', { roomId, userIds: ['nobody-at-all'] }, 'NOT_FOUND'],
  ['leave_room', {}, 'BAD_REQUEST'],
  ['leave_room', { roomId: UNKNOWN_ROOM }, 'NOT_FOUND'],
  ['delete_room', { roomId: null }, 'BAD_REQUEST'],
  ['delete_room', { roomId: UNKNOWN_ROOM }, 'NOT_FOUND'],
  ['update_room', { roomId }, 'BAD_REQUEST'],
  ['update_room', { roomId, name: 42 }, 'BAD_REQUEST'],
  ['update_room', { roomId, name: 'x'.repeat(101) }, 'BAD_REQUEST'],
  ['update_room', { roomId, topic: 'x'.repeat(251) }, 'BAD_REQUEST'],
  ['update_room', { roomId: UNKNOWN_ROOM, name: 'renamed' }, 'NOT_FOUND'],
  ['remove_member', { roomId }, 'BAD_REQUEST'],
  ['remove_member', { roomId, userId: 'alice' }, 'BAD_REQUEST'],
  ['remove_member', { roomId, userId: 'nobody-at-all' }, 'NOT_FOUND'],
  ['remove_member', { roomId: UNKNOWN_ROOM, userId: 'bob' }, 'NOT_FOUND'],
  ['send_message', { roomId }, 'BAD_REQUEST'],
  ['send_message', { roomId, content: ['hi'] }, 'BAD_REQUEST'],
  ['send_message', { roomId, content: 'x'.repeat(4001) }, 'BAD_REQUEST'],
  ['send_message', { roomId, content: 'hi', clientMsgId: 'c'.repeat(65) }, 'BAD_REQUEST'],
  ['send_message', { roomId: UNKNOWN_ROOM, content: 'hi' }, 'NOT_FOUND'],
  ['typing', { roomId, isTyping: 'yes' }, 'BAD_REQUEST'],
  ['typing', { roomId: UNKNOWN_ROOM }, 'NOT_FOUND'],
  ['get_messages', { roomId, before: 'last' }, 'BAD_REQUEST'],
  ['get_messages', { roomId, after: 1.5 }, 'BAD_REQUEST'],
  ['get_messages', { roomId: UNKNOWN_ROOM }, 'NOT_FOUND'],
  ['search', {}, 'BAD_REQUEST'],
  ['search', { query: 'x'.repeat(201) }, 'BAD_REQUEST'],
  ['search', { query: 'hi', limit: 0 }, 'BAD_REQUEST'],
  ['search', { query: 'hi', roomId: UNKNOWN_ROOM }, 'NOT_FOUND'],
  ['mark_read', { roomId }, 'BAD_REQUEST'],
  ['mark_read', { roomId, seq: 'all' }, 'BAD_REQUEST'],
  ['mark_read', { roomId: UNKNOWN_ROOM, seq: 1 }, 'NOT_FOUND'],
  ['mute_room', { roomId }, 'BAD_REQUEST'],
  ['mute_room', { roomId, muted: 'yes' }, 'BAD_REQUEST'],
  ['mute_room', { roomId: UNKNOWN_ROOM, muted: true }, 'NOT_FOUND'],
  ['send_message', { roomId, content: 'hi', replyTo: -1 }, 'BAD_REQUEST'],
  ['send_message', { roomId, content: 'hi', replyTo: 99 }, 'NOT_FOUND'],
  ['edit_message', { roomId, seq: 1 }, 'BAD_REQUEST'],
  ['edit_message', { roomId, seq: 1, content: '   ' }, 'BAD_REQUEST'],
  ['edit_message', { roomId, seq: 1, content: 'x'.repeat(4001) }, 'BAD_REQUEST'],
  ['edit_message', { roomId, seq: 0, content: 'x' }, 'BAD_REQUEST'],
  ['edit_message', { roomId, seq: 99, content: 'x' }, 'NOT_FOUND'],
  ['edit_message', { roomId: UNKNOWN_ROOM, seq: 1, content: 'x' }, 'NOT_FOUND'],
  ['delete_message', { roomId, seq: 'one' }, 'BAD_REQUEST'],
  ['delete_message', { roomId, seq: 99 }, 'NOT_FOUND'],
  ['delete_message', { roomId: UNKNOWN_ROOM, seq: 1 }, 'NOT_FOUND'],
  ['react', { roomId, seq: 1, emoji: 'a', on: true }, 'BAD_REQUEST'],
  ['react', { roomId, seq: 1, emoji: '👍👍', on: true }, 'BAD_REQUEST'],
  ['react', { roomId, seq: 1, emoji: '<img src=x>', on: true }, 'BAD_REQUEST'],
  ['react', { roomId, seq: 1, emoji: '👍' }, 'BAD_REQUEST'],
  ['react', { roomId, seq: 99, emoji: '👍', on: true }, 'NOT_FOUND'],
  ['get_thread', { roomId }, 'BAD_REQUEST'],
  ['get_thread', { roomId, seq: 99 }, 'NOT_FOUND'],
  ['open_direct', {}, 'BAD_REQUEST'],
  ['open_direct', { userId: 'alice' }, 'BAD_REQUEST'],
  ['open_direct', { userId: 'nobody-at-all' }, 'NOT_FOUND'],
  ['set_profile', {}, 'BAD_REQUEST'],
  ['set_profile', { displayName: 42 }, 'BAD_REQUEST'],
  ['set_profile', { displayName: '   ' }, 'BAD_REQUEST'],
  ['set_profile', { displayName: 'x'.repeat(65) }, 'BAD_REQUEST'],
  ['set_profile', { displayName: 'Zero\u200bWidth' }, 'BAD_REQUEST'],
];

describe('bad input for every client event', () => {
  let app: TestApp;
  let alice: ChatClient;
  let bob: ChatClient;
  let roomId: string;

  beforeAll(async () => {
    // Every malformed payload is answered here; disconnecting a garbage sender is tested apart.
    app = await startTestApp({ MAX_BAD_EVENTS_PER_MIN: '0' });
    alice = await ChatClient.connect(app.url, 'alice');
    bob = await ChatClient.connect(app.url, 'bob');
    ({
      room: { roomId },
    } = await alice.ok('create_room', { name: 'target', participants: ['bob'] }));
    await alice.ok('send_message', { roomId, content: 'the only message' });
  });

  afterAll(async () => {
    alice?.close();
    bob?.close();
    await app?.destroy();
  });

  it('covers every client event', () => {
    const covered = new Set(cases('r').map(([event]) => event));
    expect(CLIENT_EVENT_NAMES.filter((e) => !covered.has(e))).toEqual([]);
  });

  it('answers each malformed or forged payload with its code and writes nothing', async () => {
    const before = await alice.ok('register', {});
    for (const [event, payload, code] of cases(roomId)) {
      const res = (await alice.socket
        .timeout(5000)
        .emitWithAck(event as 'typing', payload)) as unknown;
      expect(res, `${event} ${JSON.stringify(payload).slice(0, 60)}`).toMatchObject({
        ok: false,
        error: { code },
      });
    }
    const after = await alice.ok('register', {});
    expect(after.rooms).toEqual(before.rooms);
    const history = await bob.ok('get_messages', { roomId });
    expect(history.messages.map((m) => m.content)).toEqual(['the only message']);
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
  });
});
