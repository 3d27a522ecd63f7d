import { PREVIEW_CODE_POINTS } from '@chat/contracts';
import { NO_RATE_LIMITS } from '@chat/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshName, roomIn, SuiteClients } from '../support/clients.js';
import { BOTH_MODES, type TestDeployment } from '../support/test-deployments.js';

describe.each(BOTH_MODES)('Room.lastMessage, %s', (_mode, deploy) => {
  let d: TestDeployment;
  const clients = new SuiteClients();
  const connect = (base: string, name: string) => clients.connect(base, name);

  beforeAll(async () => {
    d = await deploy({ ...NO_RATE_LIMITS });
  }, 120_000);
  afterAll(async () => {
    clients.closeAll();
    await d?.destroy();
  });

  it('shows a newly invited member the newest message at once, on the other replica', async () => {
    const [one, two] = d.replicas;
    const owner = await connect(one, freshName('own'));
    const invitee = await connect(two, freshName('inv'));
    const { room } = await owner.ok('create_room', { name: 'busy', participants: [] });
    expect(room.lastMessage).toBeUndefined();
    let last = { seq: 0, createdAt: '' };
    for (let i = 1; i <= 30; i++) {
      last = await owner.ok('send_message', { roomId: room.roomId, content: `message ${i}` });
    }
    const invited = await owner.ok('invite', { roomId: room.roomId, userIds: [invitee.userId] });
    // The invite's own system line is now the newest message.
    expect(invited.room.lastMessage).toMatchObject({
      kind: 'system',
      userId: owner.userId,
      seq: last.seq + 1,
    });

    const { room: sent } = await invitee.waitFor('room_invite', (e) => e.roomId === room.roomId);
    expect(sent.lastMessage).toEqual(invited.room.lastMessage);
    const joined = await invitee.ok('join_room', { roomId: room.roomId });
    expect(joined.room.lastMessage).toEqual(invited.room.lastMessage);
    const { rooms } = await invitee.ok('register', {});
    expect(roomIn(rooms, room.roomId)?.lastMessage).toEqual(invited.room.lastMessage);
  });

  it('previews the current state of the newest message, past its changes', async () => {
    const [one, two] = d.replicas;
    const owner = await connect(one, freshName('own'));
    const member = await connect(two, freshName('mem'));
    const { room } = await owner.ok('create_room', { participants: [member.userId] });
    const roomId = room.roomId;
    const long = 'ㅎ'.repeat(PREVIEW_CODE_POINTS + 50);
    const newest = await owner.ok('send_message', { roomId, content: long });
    for (let i = 0; i < 25; i++) {
      await member.ok('react', { roomId, seq: newest.seq, emoji: i % 2 ? '👍' : '🎉', on: true });
    }
    const preview = async () =>
      roomIn((await member.ok('register', {})).rooms, roomId)?.lastMessage;

    expect(await preview()).toEqual({
      seq: newest.seq,
      userId: owner.userId,
      kind: 'user',
      content: `${'ㅎ'.repeat(PREVIEW_CODE_POINTS - 1)}…`,
      createdAt: newest.createdAt,
    });
    await owner.ok('edit_message', { roomId, seq: newest.seq, content: 'shorter now' });
    expect(await preview()).toMatchObject({ seq: newest.seq, content: 'shorter now' });
    await owner.ok('delete_message', { roomId, seq: newest.seq });
    expect(await preview()).toMatchObject({ seq: newest.seq, content: '', deleted: true });
  });
});
