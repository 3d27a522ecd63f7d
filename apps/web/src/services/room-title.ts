import type { Room } from '@chat/contracts';

/**
 * A room's name, or for an unnamed room the other members' names (a direct room or a room of
 * two: the other person only). The viewer never titles a room with themselves: a room where
 * nobody else is left is titled `onlyYou`.
 */
export const roomTitle = (
  room: Pick<Room, 'name' | 'participants'>,
  me: string | null,
  nameOf: (id: string) => string,
  onlyYou: string,
): string => {
  if (room.name.trim()) return room.name;
  const others = [...new Set(room.participants)].filter((id) => id !== me);
  return others.length > 0 ? others.map(nameOf).join(', ') : onlyYou;
};

/** The other person of a direct room, if they are still in it. */
export const directPeer = (
  room: Pick<Room, 'participants'>,
  me: string | null,
): string | undefined => room.participants.find((id) => id !== me);
