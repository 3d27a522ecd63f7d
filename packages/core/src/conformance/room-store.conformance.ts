import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomRecord, RoomStore } from '../ports/room-store.port.js';
import { uniqueId, type ConformanceFactory } from './harness.js';

/**
 * The RoomStore guarantees: rooms, join-ordered membership, forward-only read pointers, and
 * per-member mutes that go with the membership.
 */
export function describeRoomStoreConformance(
  name: string,
  factory: ConformanceFactory<RoomStore>,
): void {
  describe(name, () => {
    let sut!: RoomStore;
    let cleanup!: () => Promise<void>;
    beforeAll(async () => ({ sut, cleanup } = await factory()));
    afterAll(() => cleanup());

    const user = () => uniqueId('user');
    const newRoom = async (members: string[], name = 'a room'): Promise<RoomRecord> => {
      const room: RoomRecord = {
        roomId: uniqueId('room'),
        name,
        ownerId: members[0] ?? 'nobody',
        createdAt: new Date().toISOString(),
        members,
      };
      await sut.create(room);
      return room;
    };
    const membersOf = async (roomId: string) => (await sut.get(roomId))?.members;

    it('stores a room and returns it by id', async () => {
      const room = await newRoom([user(), user(), user()], '채팅방 "quoted"');
      expect(await sut.get(room.roomId)).toEqual(room);
      expect(await sut.get(uniqueId('room'))).toBeUndefined();
    });

    it('lists exactly the rooms a user belongs to', async () => {
      const [me, other] = [user(), user()];
      const mine = [await newRoom([me, other]), await newRoom([other, me])];
      await newRoom([other]);
      const listed = await sut.roomsOf(me);
      expect(listed.map((r) => r.roomId).sort()).toEqual(mine.map((r) => r.roomId).sort());
      expect(listed.find((r) => r.roomId === mine[1]?.roomId)).toEqual(mine[1]);
      expect(await sut.roomsOf(uniqueId('user'))).toEqual([]);
    });

    it('answers membership', async () => {
      const [a, outsider] = [user(), user()];
      const room = await newRoom([a]);
      expect(await sut.isMember(room.roomId, a)).toBe(true);
      expect(await sut.isMember(room.roomId, outsider)).toBe(false);
      expect(await sut.isMember(uniqueId('room'), a)).toBe(false);
    });

    it('adds only new members, returns them and keeps join order', async () => {
      const [a, b, c, d] = [user(), user(), user(), user()];
      const room = await newRoom([a, b]);
      expect(await sut.addMembers(room.roomId, [b, c, d])).toEqual([c, d]);
      expect(await sut.addMembers(room.roomId, [c, a])).toEqual([]);
      expect(await membersOf(room.roomId)).toEqual([a, b, c, d]);
      expect(await sut.isMember(room.roomId, d)).toBe(true);
      expect((await sut.roomsOf(d)).map((r) => r.roomId)).toEqual([room.roomId]);
    });

    it('removes a member and returns the room as it is afterwards', async () => {
      const [a, b, c] = [user(), user(), user()];
      const room = await newRoom([a, b, c]);
      const after = await sut.removeMember(room.roomId, b);
      expect(after).toEqual({ ...room, members: [a, c] });
      expect(await sut.removeMember(room.roomId, b)).toBeUndefined();
      expect(await sut.isMember(room.roomId, b)).toBe(false);
      expect(await sut.roomsOf(b)).toEqual([]);
    });

    it('orders a member who left and came back after everyone else', async () => {
      const [a, b, c] = [user(), user(), user()];
      const room = await newRoom([a, b, c]);
      await sut.removeMember(room.roomId, a);
      expect(await sut.addMembers(room.roomId, [a])).toEqual([a]);
      expect(await membersOf(room.roomId)).toEqual([b, c, a]);
      await sut.removeMember(room.roomId, c);
      await sut.addMembers(room.roomId, [c]);
      expect(await membersOf(room.roomId)).toEqual([b, a, c]);
    });

    it('keeps join order in a big room joined in many batches, with leavers in between', async () => {
      const founders = Array.from({ length: 60 }, user);
      const room = await newRoom(founders);
      const joiners = Array.from({ length: 90 }, user);
      for (let i = 0; i < joiners.length; i += 30) {
        expect(await sut.addMembers(room.roomId, joiners.slice(i, i + 30))).toEqual(
          joiners.slice(i, i + 30),
        );
      }
      const leavers = [founders[0], founders[59], joiners[45]].filter((u) => u !== undefined);
      for (const leaver of leavers) await sut.removeMember(room.roomId, leaver);
      const expected = [...founders, ...joiners].filter((u) => !leavers.includes(u));
      expect(await membersOf(room.roomId)).toEqual(expected);
      expect(
        await sut.addMembers(room.roomId, [...expected.slice(0, 5), founders[0] ?? '']),
      ).toEqual([founders[0]]);
      expect((await sut.roomsOf(joiners[89] ?? '')).map((r) => r.members.length)).toEqual([148]);
    });

    it('sets the name and topic, each alone or together, and clears the topic', async () => {
      const [a, b] = [user(), user()];
      const room = await newRoom([a, b], 'before');
      const renamed = { ...room, name: '채팅방 "after"' };
      expect(await sut.update(room.roomId, { name: renamed.name })).toEqual(renamed);
      const withTopic = { ...renamed, topic: 'what we talk about' };
      expect(await sut.update(room.roomId, { topic: withTopic.topic })).toEqual(withTopic);
      expect(await sut.get(room.roomId)).toEqual(withTopic);
      expect((await sut.roomsOf(b)).find((r) => r.roomId === room.roomId)).toEqual(withTopic);
      const both = { ...room, name: '', topic: 'new' };
      expect(await sut.update(room.roomId, { name: '', topic: 'new' })).toEqual(both);
      expect(await sut.update(room.roomId, { topic: '' })).toEqual({ ...room, name: '' });
      expect(await sut.get(room.roomId)).toEqual({ ...room, name: '' });
      expect(await sut.update(uniqueId('room'), { name: 'x' })).toBeUndefined();
      expect(await sut.get(room.roomId)).toMatchObject({ members: [a, b] });
    });

    it('changes the owner', async () => {
      const [a, b] = [user(), user()];
      const room = await newRoom([a, b]);
      await sut.setOwner(room.roomId, b);
      expect((await sut.get(room.roomId))?.ownerId).toBe(b);
    });

    it('moves a read pointer only forward and says whether it moved', async () => {
      const [a, b] = [user(), user()];
      const room = await newRoom([a, b]);
      expect(await sut.markRead(room.roomId, a, 5)).toBe(true);
      expect(await sut.markRead(room.roomId, a, 3)).toBe(false);
      expect(await sut.markRead(room.roomId, a, 5)).toBe(false);
      expect(await sut.markRead(room.roomId, a, 7)).toBe(true);
      const other = await newRoom([a]);
      const pointers = await sut.readPointers(a, [room.roomId, other.roomId]);
      expect([pointers.get(room.roomId), pointers.get(other.roomId)]).toEqual([7, 0]);
      expect((await sut.readPointers(b, [room.roomId])).get(room.roomId)).toBe(0);
    });

    it('forgets the room, its memberships and pointers on delete', async () => {
      const [a, b] = [user(), user()];
      const room = await newRoom([a, b]);
      const kept = await newRoom([a]);
      await sut.markRead(room.roomId, a, 4);
      await sut.deleteRoom(room.roomId);
      expect(await sut.get(room.roomId)).toBeUndefined();
      expect(await sut.isMember(room.roomId, a)).toBe(false);
      expect((await sut.roomsOf(a)).map((r) => r.roomId)).toEqual([kept.roomId]);
      expect((await sut.readPointers(a, [room.roomId])).get(room.roomId)).toBe(0);
      expect(await sut.get(kept.roomId)).toEqual(kept);
    });

    it('forgets the pointers of members who left before the room was deleted', async () => {
      const [a, b] = [user(), user()];
      const room = await newRoom([a, b]);
      await sut.markRead(room.roomId, b, 3);
      await sut.removeMember(room.roomId, b);
      expect((await sut.readPointers(b, [room.roomId])).get(room.roomId)).toBe(3);
      await sut.deleteRoom(room.roomId);
      // A room created again under the same id (a direct room's id is fixed) starts unread.
      await sut.create({ ...room, members: [a, b] });
      expect((await sut.readPointers(b, [room.roomId])).get(room.roomId)).toBe(0);
    });

    it('mutes and unmutes a room for one member only, leaving the room as it was', async () => {
      const [a, b] = [user(), user()];
      const room = await newRoom([a, b]);
      const other = await newRoom([a]);
      expect(await sut.mutedRooms(a, [room.roomId, other.roomId])).toEqual(new Set());
      expect(await sut.setMuted(room.roomId, a, true)).toBe(true);
      expect(await sut.setMuted(room.roomId, a, true)).toBe(true);
      expect(await sut.mutedRooms(a, [room.roomId, other.roomId])).toEqual(new Set([room.roomId]));
      expect(await sut.mutedRooms(b, [room.roomId])).toEqual(new Set());
      expect(await sut.get(room.roomId)).toEqual(room);
      expect(await sut.markRead(room.roomId, a, 2)).toBe(true);
      expect(await sut.mutedRooms(a, [room.roomId])).toEqual(new Set([room.roomId]));
      expect(await sut.setMuted(room.roomId, a, false)).toBe(true);
      expect(await sut.mutedRooms(a, [room.roomId, other.roomId])).toEqual(new Set());
    });

    it('mutes nothing for someone who is not a member, or in a room that does not exist', async () => {
      const [a, outsider] = [user(), user()];
      const room = await newRoom([a]);
      expect(await sut.setMuted(room.roomId, outsider, true)).toBe(false);
      expect(await sut.mutedRooms(outsider, [room.roomId])).toEqual(new Set());
      expect(await sut.setMuted(uniqueId('room'), a, true)).toBe(false);
      expect(await sut.roomsOf(outsider)).toEqual([]);
    });

    it('clears a mute when its member leaves or is removed, so a re-joiner starts unmuted', async () => {
      const [a, b, c] = [user(), user(), user()];
      const room = await newRoom([a, b, c]);
      await sut.setMuted(room.roomId, a, true);
      await sut.setMuted(room.roomId, b, true);
      await sut.removeMember(room.roomId, a);
      expect(await sut.mutedRooms(a, [room.roomId])).toEqual(new Set());
      expect(await sut.mutedRooms(b, [room.roomId])).toEqual(new Set([room.roomId]));
      expect(await sut.addMembers(room.roomId, [a])).toEqual([a]);
      expect(await sut.mutedRooms(a, [room.roomId])).toEqual(new Set());
      // Joining again while a member changes nothing.
      await sut.setMuted(room.roomId, a, true);
      expect(await sut.addMembers(room.roomId, [a])).toEqual([]);
      expect(await sut.mutedRooms(a, [room.roomId])).toEqual(new Set([room.roomId]));
    });

    it('forgets mutes with the room: one created again under its id starts unmuted', async () => {
      const [a, b] = [user(), user()];
      const room = await newRoom([a, b]);
      await sut.setMuted(room.roomId, a, true);
      await sut.deleteRoom(room.roomId);
      expect(await sut.mutedRooms(a, [room.roomId])).toEqual(new Set());
      await sut.create({ ...room, members: [a, b] });
      expect(await sut.mutedRooms(a, [room.roomId])).toEqual(new Set());
    });

    it('answers ping', async () => {
      await expect(sut.ping()).resolves.toBeUndefined();
    });
  });
}
