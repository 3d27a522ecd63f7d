import type { ErrorCode } from '@chat/contracts';
import { ChatClient, NO_RATE_LIMITS } from '@chat/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.js';
import { freshName, roomIn, SuiteClients } from '../support/clients.js';
import { BOTH_MODES, type TestDeployment } from '../support/test-deployments.js';

const UNKNOWN_ROOM = '00000000-0000-4000-8000-000000000000';

const codeOf = async (res: Promise<{ ok: boolean; error?: { code: ErrorCode } }>) => {
  const answer = await res;
  return answer.ok ? 'ok' : answer.error?.code;
};

describe.each(BOTH_MODES)('room administration, %s', (_mode, deploy) => {
  let d: TestDeployment;
  const clients = new SuiteClients();
  const connect = (base: string, name: string, token?: string) =>
    clients.connect(base, name, token);

  /** An owner on one replica, a member on the other, and someone outside the room. */
  async function threeOf() {
    const [one, two] = d.replicas;
    const owner = await connect(one, freshName('own'));
    const member = await connect(two, freshName('mem'));
    const outsider = await connect(two, freshName('out'));
    const { room } = await owner.ok('create_room', {
      name: 'before',
      participants: [member.userId],
    });
    return { owner, member, outsider, roomId: room.roomId };
  }

  beforeAll(async () => {
    d = await deploy({ ...NO_RATE_LIMITS });
  }, 120_000);
  afterAll(async () => {
    clients.closeAll();
    await d?.destroy();
  });

  describe('update_room', () => {
    it('renames the room and sets its topic for every member, with system lines', async () => {
      const { owner, member, roomId } = await threeOf();

      const { room } = await owner.ok('update_room', {
        roomId,
        name: '  Launch plans  ',
        topic: 'Ship it on Friday',
      });
      expect(room).toMatchObject({ roomId, name: 'Launch plans', topic: 'Ship it on Friday' });

      const seen = await member.waitFor(
        'room_updated',
        (r) => r.roomId === roomId && r.topic === 'Ship it on Friday',
      );
      expect(seen).toMatchObject({ name: 'Launch plans', participants: room.participants });
      const lines = await member.ok('get_messages', { roomId });
      expect(lines.messages.filter((m) => m.kind === 'system').map((m) => m.content)).toEqual([
        `${owner.userId} renamed the room to “Launch plans”`,
        `${owner.userId} set the topic to “Ship it on Friday”`,
      ]);
      await member.waitFor('system', (e) => e.roomId === roomId && e.content.includes('topic'));

      // A fresh connection (on the owner's replica this time) lists the room as it is now.
      const again = await connect(d.replicas[0], member.userId, member.token);
      const { rooms } = await again.ok('register', {});
      expect(roomIn(rooms, roomId)).toMatchObject({
        name: 'Launch plans',
        topic: 'Ship it on Friday',
      });
    });

    it('leaves a room unnamed with an empty name, clears the topic, and skips what is unchanged', async () => {
      const { owner, member, roomId } = await threeOf();
      await owner.ok('update_room', { roomId, topic: 'first' });
      const { room } = await owner.ok('update_room', { roomId, name: '', topic: '' });
      expect(room.name).toBe('');
      expect(room.topic).toBeUndefined();
      const lastSeq = room.lastSeq;
      // The same values again: nothing to change, no line, no seq taken.
      const same = await owner.ok('update_room', { roomId, name: '', topic: '' });
      expect(same.room.lastSeq).toBe(lastSeq);

      const { rooms } = await member.ok('register', {});
      expect(roomIn(rooms, roomId)).toMatchObject({ name: '', lastSeq });
      expect(roomIn(rooms, roomId)?.topic).toBeUndefined();
      const { messages } = await member.ok('get_messages', { roomId });
      expect(messages.map((m) => m.content)).toEqual([
        `${owner.userId} set the topic to “first”`,
        `${owner.userId} removed the room name`,
        `${owner.userId} cleared the topic`,
      ]);
    });

    it('refuses members who do not own the room, outsiders, bad input and unknown rooms', async () => {
      const { owner, member, outsider, roomId } = await threeOf();
      const before = roomIn((await member.ok('register', {})).rooms, roomId);

      expect(await codeOf(member.request('update_room', { roomId, name: 'mine' }))).toBe(
        'FORBIDDEN',
      );
      expect(await codeOf(outsider.request('update_room', { roomId, topic: 'x' }))).toBe(
        'FORBIDDEN',
      );
      expect(await codeOf(owner.request('update_room', { roomId }))).toBe('BAD_REQUEST');
      expect(await codeOf(owner.request('update_room', { roomId, name: 'n'.repeat(101) }))).toBe(
        'BAD_REQUEST',
      );
      expect(await codeOf(owner.request('update_room', { roomId, topic: 't'.repeat(251) }))).toBe(
        'BAD_REQUEST',
      );
      expect(await codeOf(owner.request('update_room', { roomId: UNKNOWN_ROOM, name: 'x' }))).toBe(
        'NOT_FOUND',
      );
      const direct = await owner.ok('open_direct', { userId: member.userId });
      expect(
        await codeOf(owner.request('update_room', { roomId: direct.room.roomId, name: 'dm' })),
      ).toBe('FORBIDDEN');

      expect(roomIn((await member.ok('register', {})).rooms, roomId)).toEqual(before);
      expect(member.events('room_updated', (r) => r.roomId === roomId)).toEqual([]);
    });
  });

  describe('remove_member', () => {
    it('takes a member out as if they had left, tells them, and keeps them out on reconnect', async () => {
      const { owner, member, roomId } = await threeOf();
      const third = await connect(d.replicas[1], freshName('thr'));
      await owner.ok('invite', { roomId, userIds: [third.userId] });

      const { room } = await owner.ok('remove_member', { roomId, userId: member.userId });
      expect(room.participants).toEqual([owner.userId, third.userId]);

      const told = await member.waitFor(
        'room_updated',
        (r) => r.roomId === roomId && !r.participants.includes(member.userId),
      );
      expect(told.participants).toEqual([owner.userId, third.userId]);
      await third.waitFor(
        'room_updated',
        (r) => r.roomId === roomId && !r.participants.includes(member.userId),
      );
      await third.waitFor(
        'system',
        (e) => e.roomId === roomId && e.content === `${owner.userId} removed ${member.userId}`,
      );

      // Out of the room: no access, and no further messages reach them, on any replica.
      expect(await codeOf(member.request('get_messages', { roomId }))).toBe('FORBIDDEN');
      const after = await owner.ok('send_message', { roomId, content: 'after the removal' });
      await third.waitFor('receive_message', (m) => m.id === after.id);
      const again = await connect(d.replicas[0], member.userId, member.token);
      const { rooms } = await again.ok('register', {});
      expect(roomIn(rooms, roomId)).toBeUndefined();
      expect(member.events('receive_message', (m) => m.id === after.id)).toEqual([]);
      expect(again.events('receive_message', (m) => m.id === after.id)).toEqual([]);
      // Anyone in the room may invite them back.
      await third.ok('invite', { roomId, userIds: [member.userId] });
      expect(roomIn((await again.ok('register', {})).rooms, roomId)).toBeDefined();
    });

    it('refuses members who do not own the room, the owner themselves and non-members', async () => {
      const { owner, member, outsider, roomId } = await threeOf();
      const before = roomIn((await owner.ok('register', {})).rooms, roomId);

      expect(await codeOf(member.request('remove_member', { roomId, userId: owner.userId }))).toBe(
        'FORBIDDEN',
      );
      expect(
        await codeOf(outsider.request('remove_member', { roomId, userId: member.userId })),
      ).toBe('FORBIDDEN');
      expect(await codeOf(owner.request('remove_member', { roomId, userId: owner.userId }))).toBe(
        'BAD_REQUEST',
      );
      expect(
        await codeOf(owner.request('remove_member', { roomId, userId: outsider.userId })),
      ).toBe('NOT_FOUND');
      expect(
        await codeOf(owner.request('remove_member', { roomId: UNKNOWN_ROOM, userId: 'x' })),
      ).toBe('NOT_FOUND');
      expect(await codeOf(owner.request('remove_member', { roomId } as never))).toBe('BAD_REQUEST');
      const direct = await owner.ok('open_direct', { userId: member.userId });
      expect(
        await codeOf(
          owner.request('remove_member', { roomId: direct.room.roomId, userId: member.userId }),
        ),
      ).toBe('FORBIDDEN');

      expect(roomIn((await owner.ok('register', {})).rooms, roomId)).toEqual(before);
    });
  });
});

describe('room administration across a restart (embedded)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chat-room-admin-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the name and topic', async () => {
    let app = await startTestApp({ ...NO_RATE_LIMITS }, dir);
    const owner = await ChatClient.connect(app.url, freshName('own'));
    const { room } = await owner.ok('create_room', { name: 'old', participants: [] });
    await owner.ok('update_room', { roomId: room.roomId, name: 'new', topic: 'kept' });
    owner.close();
    await app.close();

    app = await startTestApp({ ...NO_RATE_LIMITS }, dir);
    try {
      const back = await ChatClient.connect(app.url, owner.userId, owner.token);
      const { rooms } = await back.ok('register', {});
      expect(roomIn(rooms, room.roomId)).toMatchObject({ name: 'new', topic: 'kept' });
      back.close();
    } finally {
      await app.close();
    }
  });
});
