import type { Message, SystemMessageEvent } from '@chat/contracts';
import { ChatClient, pollUntil } from '@chat/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClusterFixture, type ClusterFixture } from '../support/cluster-fixture.js';

const events = (messages: readonly Message[]) =>
  messages.filter((m) => m.kind === 'system').map((m) => m.event);

/**
 * A system line's event (issue 13, defect 6) in the scaled topology: through the Redis stream
 * and the sink worker into DynamoDB, and back out of history and the room list after every
 * replica and the sink restart.
 */
describe('system lines as events, scaled', { timeout: 300_000 }, () => {
  let f: ClusterFixture;

  beforeAll(async () => {
    f = await startClusterFixture();
  });

  afterAll(async () => {
    await f?.destroy();
  });

  it('stores the events in DynamoDB and serves them after a restart', async () => {
    const owner = await ChatClient.connect(f.replicas[0] ?? '', 'owner6');
    const member = await ChatClient.connect(f.replicas[1] ?? '', 'member6');
    const { room } = await owner.ok('create_room', { name: 'scaled', participants: [] });
    const { roomId } = room;
    await owner.ok('invite', { roomId, userIds: [member.userId] });
    await owner.ok('update_room', { roomId, name: '새 이름' });
    await member.ok('leave_room', { roomId });
    const expected: SystemMessageEvent[] = [
      { type: 'invited', actorId: owner.userId, targetIds: [member.userId] },
      { type: 'renamed', actorId: owner.userId, name: '새 이름' },
      { type: 'left', actorId: member.userId },
    ];
    const stored = await pollUntil(
      () => f.stored(roomId),
      (messages) => messages.length === expected.length,
      { timeoutMs: 30_000 },
    );
    expect(events(stored)).toEqual(expected);
    owner.close();
    member.close();

    for (const port of f.ports) await f.cluster.gateways.get(port)?.stop();
    await f.cluster.sinks[0]?.stop();
    await f.cluster.startSink(0);
    for (const port of f.ports) await f.cluster.startGateway(port);

    const back = await ChatClient.connect(f.replicas[1] ?? '', owner.userId, owner.token);
    try {
      expect(events((await back.ok('get_messages', { roomId })).messages)).toEqual(expected);
      const listed = (await back.ok('register', {})).rooms.find((r) => r.roomId === roomId);
      expect(listed?.lastMessage).toMatchObject({ kind: 'system', event: expected[2] });
    } finally {
      back.close();
    }
  });
});
