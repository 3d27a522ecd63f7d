import { systemEventUserIds, type Room } from '@chat/contracts';
import { useAuthStore } from './auth.store';
import { useConnectionStore } from './connection.store';
import { useMessagesStore } from './messages.store';
import { useOutboxStore } from './outbox.store';
import { useRoomsStore } from './rooms.store';
import { useSearchStore } from './search.store';
import { useUploadsStore } from './uploads.store';
import { useUsersStore } from './users.store';

/** The people a room's list entry shows: its members, and those its preview line names. */
const peopleShown = (room: Room): string[] => [
  ...room.participants,
  ...(room.lastMessage?.event ? systemEventUserIds(room.lastMessage.event) : []),
];

/**
 * Runs on every (re)connect: who am I, where am I a member and which limits does this server
 * set (`register`), then each loaded room catches up with `get_messages { after }`, and
 * messages that failed offline are re-sent.
 */
export async function synchronise(): Promise<void> {
  const { user, rooms, limits } = await useConnectionStore().request('register', {});
  useAuthStore().setUser(user);
  useUploadsStore().maxBytes = limits.attachmentMaxBytes;
  const roomsStore = useRoomsStore();
  roomsStore.replaceAll(rooms);
  const messages = useMessagesStore();
  const openId = roomsStore.openRoomId;
  const users = useUsersStore();
  const steps = await Promise.allSettled([
    users.refreshDirectory().then(() => users.ensureKnown(rooms.flatMap(peopleShown))),
    messages.resyncLoaded(),
    openId ? messages.open(openId) : Promise.resolve(),
  ]);
  await useOutboxStore().retryFailed();
  await roomsStore.loadPreviews();
  const failed = steps.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed)
    throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
}

/** Forgets everything of the signed-out user. */
export function resetChat(): void {
  const rooms = useRoomsStore();
  rooms.replaceAll([]);
  rooms.close();
  useUsersStore().clear();
  useSearchStore().clear();
  useSearchStore().query = '';
}
