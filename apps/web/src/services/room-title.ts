import type { Room } from '@chat/contracts';

/** A room's name, or for an unnamed room the other members' names; '' if it has neither. */
export const roomTitle = (
  room: Pick<Room, 'name' | 'participants'>,
  me: string | null,
  nameOf: (id: string) => string,
): string => {
  if (room.name.trim()) return room.name;
  return room.participants
    .filter((id) => id !== me)
    .map(nameOf)
    .join(', ');
};
