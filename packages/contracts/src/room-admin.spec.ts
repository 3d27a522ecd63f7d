import { describe, expect, it } from 'vitest';
import { UpdateRoomSchema } from './events.js';
import { MAX_ROOM_NAME_CODE_POINTS, MAX_ROOM_TOPIC_CODE_POINTS } from './limits.js';

describe('UpdateRoomSchema', () => {
  it('trims the name and topic and measures them in code points', () => {
    const name = '채'.repeat(MAX_ROOM_NAME_CODE_POINTS);
    const topic = '😀'.repeat(MAX_ROOM_TOPIC_CODE_POINTS);
    expect(UpdateRoomSchema.parse({ roomId: 'r', name: ` ${name} `, topic: `${topic}\n` })).toEqual(
      { roomId: 'r', name, topic },
    );
    expect(UpdateRoomSchema.safeParse({ roomId: 'r', name: `${name}x` }).success).toBe(false);
    expect(UpdateRoomSchema.safeParse({ roomId: 'r', topic: `${topic}x` }).success).toBe(false);
  });

  it('takes an empty name (unnamed) or an empty topic (cleared)', () => {
    expect(UpdateRoomSchema.parse({ roomId: 'r', name: '   ' })).toEqual({ roomId: 'r', name: '' });
    expect(UpdateRoomSchema.parse({ roomId: 'r', topic: '' })).toEqual({ roomId: 'r', topic: '' });
  });

  it('refuses a payload that changes nothing, or fields of the wrong type', () => {
    expect(UpdateRoomSchema.safeParse({ roomId: 'r' }).success).toBe(false);
    expect(UpdateRoomSchema.safeParse({ roomId: 'r', name: 42 }).success).toBe(false);
    expect(UpdateRoomSchema.safeParse({ roomId: 'r', topic: null }).success).toBe(false);
    expect(UpdateRoomSchema.safeParse({ name: 'x' }).success).toBe(false);
  });
});
