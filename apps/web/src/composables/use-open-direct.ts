import { useMessagesStore } from '../stores/messages.store';
import { useRoomsStore } from '../stores/rooms.store';

/** Opens the direct room with a person (`open_direct`, created the first time) and shows it. */
export function useOpenDirect(): (userId: string) => Promise<void> {
  const rooms = useRoomsStore();
  const messages = useMessagesStore();
  return async (userId) => {
    const room = await rooms.openDirect(userId);
    await messages.select(room.roomId);
  };
}
