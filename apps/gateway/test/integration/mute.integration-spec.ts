import type { ErrorCode, Room } from '@chat/contracts';
import { type ChatClient, NO_RATE_LIMITS } from '@chat/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshName, SuiteClients } from '../support/clients.js';
import { BOTH_MODES, type TestDeployment } from '../support/test-deployments.js';

const UNKNOWN_ROOM = '00000000-0000-4000-8000-000000000000';

const codeOf = async (res: Promise<{ ok: boolean; error?: { code: ErrorCode } }>) => {
  const answer = await res;
  return answer.ok ? 'ok' : answer.error?.code;
};

const mutedIn = async (client: ChatClient, roomId: string): Promise<boolean | undefined> => {
  const { rooms } = await client.ok('register', {});
  const room: Room | undefined = rooms.find((r) => r.roomId === roomId);
  if (!room) throw new Error(`${client.userId} does not list ${roomId}`);
  return room.muted;
};

describe.each(BOTH_MODES)('muting a room, %s', (_mode, deploy) => {
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

  it('keeps a mute per member on the server, tells their other sockets, and clears it on leave', async () => {
    const [one, two] = d.replicas;
    const owner = await connect(one, freshName('own'));
    const phone = await connect(one, freshName('mem'));
    // The same person on a second device, on the other replica.
    const laptop = await connect(two, phone.userId, phone.token);
    const outsider = await connect(two, freshName('out'));
    const { room } = await owner.ok('create_room', { name: 'noisy', participants: [phone.userId] });
    const { roomId } = room;

    expect(await phone.ok('mute_room', { roomId, muted: true })).toEqual({ roomId, muted: true });
    await laptop.waitFor('room_muted', (e) => e.roomId === roomId && e.muted);
    await phone.waitFor('room_muted', (e) => e.roomId === roomId && e.muted);
    expect(await mutedIn(phone, roomId)).toBe(true);
    expect((await phone.ok('join_room', { roomId })).room.muted).toBe(true);
    // Only the one who muted it: the owner's view and events never say so.
    expect(await mutedIn(owner, roomId)).toBeUndefined();
    await owner.ok('update_room', { roomId, topic: 'still noisy' });
    const shared = await phone.waitFor('room_updated', (r) => r.topic === 'still noisy');
    expect(shared.muted).toBeUndefined();
    expect(owner.events('room_muted')).toEqual([]);

    // Not settable by anyone outside the room, nor in a room that does not exist.
    expect(await codeOf(outsider.request('mute_room', { roomId, muted: true }))).toBe('FORBIDDEN');
    expect(await codeOf(phone.request('mute_room', { roomId: UNKNOWN_ROOM, muted: true }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(phone.request('mute_room', { roomId, muted: 'yes' } as never))).toBe(
      'BAD_REQUEST',
    );
    expect(outsider.events('room_muted')).toEqual([]);

    // Kept by the stores: every gateway restarted, the person still has it muted.
    clients.closeAll();
    await d.restart();
    const [again, other] = d.replicas;
    const back = await connect(other, phone.userId, phone.token);
    const second = await connect(again, phone.userId, phone.token);
    const ownerBack = await connect(again, owner.userId, owner.token);
    expect(await mutedIn(back, roomId)).toBe(true);

    // Unmuting reaches the other device too.
    expect(await back.ok('mute_room', { roomId, muted: false })).toEqual({ roomId, muted: false });
    await second.waitFor('room_muted', (e) => e.roomId === roomId && !e.muted);
    expect(await mutedIn(second, roomId)).toBeUndefined();

    // Leaving clears it: invited back, the room is no longer muted.
    await back.ok('mute_room', { roomId, muted: true });
    await back.ok('leave_room', { roomId });
    expect(await codeOf(back.request('mute_room', { roomId, muted: true }))).toBe('FORBIDDEN');
    await ownerBack.ok('invite', { roomId, userIds: [back.userId] });
    expect(await mutedIn(back, roomId)).toBeUndefined();

    // So does being removed by the owner.
    await back.ok('mute_room', { roomId, muted: true });
    await ownerBack.ok('remove_member', { roomId, userId: back.userId });
    await ownerBack.ok('invite', { roomId, userIds: [back.userId] });
    expect(await mutedIn(second, roomId)).toBeUndefined();
  });
});
