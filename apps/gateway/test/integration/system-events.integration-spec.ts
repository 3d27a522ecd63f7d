import type { Message, SystemMessageEvent } from '@chat/contracts';
import { ChatClient, NO_RATE_LIMITS } from '@chat/test-support';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.js';
import { freshName, roomIn, SuiteClients } from '../support/clients.js';
import { BOTH_MODES, type TestDeployment } from '../support/test-deployments.js';

/**
 * System lines carry what happened as data (issue 13, defect 6): `event` with the actor and
 * the targets by id, beside the English `content`, live, in history and in the room list.
 */

const systemLines = (messages: readonly Message[]) =>
  messages.filter((m) => m.kind === 'system').map((m) => ({ event: m.event, content: m.content }));

describe.each(BOTH_MODES)('system lines as events, %s', (_mode, deploy) => {
  let d: TestDeployment;
  const clients = new SuiteClients();
  const connect = (base: string, name: string, token?: string) =>
    clients.connect(base, name, token);

  beforeAll(async () => {
    d = await deploy({ ...NO_RATE_LIMITS });
  }, 120_000);
  afterAll(async () => {
    clients.closeAll();
    await d?.destroy();
  });

  it('sends invites, renames, topics, removals and leaves as events, live, in history and in the room list', async () => {
    const [one, two] = d.replicas;
    const owner = await connect(one, freshName('own'));
    const member = await connect(two, freshName('mem'));
    const guest = await connect(two, freshName('gst'));
    const { room } = await owner.ok('create_room', {
      name: 'plans',
      participants: [member.userId],
    });
    const { roomId } = room;

    const invited: SystemMessageEvent = {
      type: 'invited',
      actorId: owner.userId,
      targetIds: [guest.userId],
    };
    await owner.ok('invite', { roomId, userIds: [guest.userId] });
    // Live, on the other replica, with the English line beside it.
    const live = await member.waitFor('system', (e) => e.roomId === roomId);
    expect(live.message).toMatchObject({ kind: 'system', userId: owner.userId, event: invited });
    expect(live.content).toBe(`${owner.userId} invited ${guest.userId}`);
    // The invitee's room list shows the line as its preview, event and all.
    const listed = roomIn((await guest.ok('register', {})).rooms, roomId);
    expect(listed?.lastMessage).toMatchObject({ kind: 'system', event: invited });

    await owner.ok('update_room', { roomId, name: '출시 계획', topic: 'Friday' });
    await owner.ok('remove_member', { roomId, userId: guest.userId });
    await member.ok('leave_room', { roomId });

    const expected = [
      { event: invited, content: `${owner.userId} invited ${guest.userId}` },
      {
        event: { type: 'renamed', actorId: owner.userId, name: '출시 계획' },
        content: `${owner.userId} renamed the room to “출시 계획”`,
      },
      {
        event: { type: 'topic', actorId: owner.userId, topic: 'Friday' },
        content: `${owner.userId} set the topic to “Friday”`,
      },
      {
        event: { type: 'removed', actorId: owner.userId, targetIds: [guest.userId] },
        content: `${owner.userId} removed ${guest.userId}`,
      },
      { event: { type: 'left', actorId: member.userId }, content: `${member.userId} left` },
    ];
    // History on the replica that appended none of them, and gap fill from the first seq.
    const again = await connect(two, owner.userId, owner.token);
    expect(systemLines((await again.ok('get_messages', { roomId })).messages)).toEqual(expected);
    const gapFill = await again.ok('get_messages', { roomId, after: 1 });
    expect(systemLines(gapFill.messages)).toEqual(expected.slice(1));

    const { rooms } = await again.ok('register', {});
    expect(roomIn(rooms, roomId)?.lastMessage).toMatchObject({
      kind: 'system',
      userId: member.userId,
      event: { type: 'left', actorId: member.userId },
      content: `${member.userId} left`,
    });
  });
});

describe('system lines as events across a restart (embedded)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chat-system-events-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the events from the store and the room list after the server restarts', async () => {
    let app = await startTestApp({ ...NO_RATE_LIMITS }, dir);
    const owner = await ChatClient.connect(app.url, freshName('own'));
    const member = await ChatClient.connect(app.url, freshName('mem'));
    const { room } = await owner.ok('create_room', { name: 'kept', participants: [] });
    const { roomId } = room;
    await owner.ok('invite', { roomId, userIds: [member.userId] });
    await owner.ok('update_room', { roomId, topic: '주제' });
    const before = await owner.ok('get_messages', { roomId });
    owner.close();
    member.close();
    await app.close();

    app = await startTestApp({ ...NO_RATE_LIMITS }, dir);
    try {
      const back = await ChatClient.connect(app.url, owner.userId, owner.token);
      const { messages } = await back.ok('get_messages', { roomId });
      expect(messages).toEqual(before.messages);
      expect(systemLines(messages).map((l) => l.event)).toEqual([
        { type: 'invited', actorId: owner.userId, targetIds: [member.userId] },
        { type: 'topic', actorId: owner.userId, topic: '주제' },
      ]);
      const { rooms } = await back.ok('register', {});
      expect(roomIn(rooms, roomId)?.lastMessage).toMatchObject({
        event: { type: 'topic', actorId: owner.userId, topic: '주제' },
      });
      back.close();
    } finally {
      await app.close();
    }
  });
});
