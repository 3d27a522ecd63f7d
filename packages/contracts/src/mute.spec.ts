import { describe, expect, it } from 'vitest';
import { CLIENT_EVENT_SCHEMAS } from './events.js';
import { RoomSchema } from './models.js';
import { MuteRoomSchema } from './mute.js';

describe('MuteRoomSchema', () => {
  it('takes a room id (trimmed) and whether to mute it', () => {
    expect(MuteRoomSchema.parse({ roomId: ' r1 ', muted: true })).toEqual({
      roomId: 'r1',
      muted: true,
    });
    expect(MuteRoomSchema.parse({ roomId: 'r1', muted: false })).toEqual({
      roomId: 'r1',
      muted: false,
    });
  });

  it('refuses a missing or non-boolean muted, and a missing, blank or overlong room id', () => {
    for (const bad of [
      { roomId: 'r1' },
      { roomId: 'r1', muted: 'true' },
      { roomId: 'r1', muted: 1 },
      { muted: true },
      { roomId: '  ', muted: true },
      { roomId: 'r'.repeat(65), muted: true },
    ]) {
      expect(MuteRoomSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('is the schema the gateway parses mute_room with', () => {
    expect(CLIENT_EVENT_SCHEMAS.mute_room).toBe(MuteRoomSchema);
  });
});

describe('RoomSchema muted', () => {
  it('is optional and boolean', () => {
    const room = {
      roomId: 'r1',
      name: 'n',
      ownerId: 'a',
      participants: ['a'],
      createdAt: '2026-01-01T00:00:00.000Z',
      lastSeq: 0,
      unread: 0,
    };
    expect(RoomSchema.parse(room)).toEqual(room);
    expect(RoomSchema.parse({ ...room, muted: true })).toEqual({ ...room, muted: true });
    expect(RoomSchema.safeParse({ ...room, muted: 'yes' }).success).toBe(false);
  });
});
