import type { Message, Room } from '@chat/contracts';
import { mentionsMe } from '../services/mentions';
import { previewText } from '../services/message-preview';
import { desktopReason, notify, notifyDesktop } from '../services/notifier';
import { roomTitle } from '../services/room-title';
import type { ChatTransport } from '../services/transport';
import { useAuthStore } from './auth.store';
import { useMessagesStore } from './messages.store';
import { useOutboxStore } from './outbox.store';
import { useReadsStore } from './reads.store';
import { useRoomsStore } from './rooms.store';
import { useTypingStore } from './typing.store';
import { useUsersStore } from './users.store';

const PREVIEW_CHARS = 80;

const preview = (content: string): string =>
  content.length > PREVIEW_CHARS ? `${content.slice(0, PREVIEW_CHARS)}…` : content;

// Notices are about rooms with someone else in them, so a room of one needs no label here.
const titleOf = (room: Room | undefined): string =>
  room ? roomTitle(room, useAuthStore().userId, useUsersStore().nameOf, '') : '';

const roomName = (roomId: string): string => titleOf(useRoomsStore().byId[roomId]);

/**
 * A user message from someone else: read at once if its room is in view, else unread, with a
 * notice unless the room is muted (a mention of the viewer gets one all the same).
 */
function countOrRead(message: Message): void {
  const rooms = useRoomsStore();
  if (useMessagesStore().isViewingLatest(message.roomId)) {
    useReadsStore().markRead(message.roomId, message.seq);
    return;
  }
  rooms.addUnread(message);
  if (rooms.openRoomId === message.roomId) return;
  if (rooms.byId[message.roomId]?.muted && !mentionsMe(message, useAuthStore().userId)) return;
  notify({
    kind: 'message',
    roomId: message.roomId,
    roomName: roomName(message.roomId),
    userName: useUsersStore().nameOf(message.userId),
    preview: preview(previewText(message)),
  });
}

/** A mention or a direct message: the shell may raise a desktop notification for it. */
function alertDesktop(message: Message): void {
  const room = useRoomsStore().byId[message.roomId];
  const reason = room ? desktopReason(message, room, useAuthStore().userId) : null;
  if (!reason) return;
  notifyDesktop({
    reason,
    roomId: message.roomId,
    roomName: titleOf(room),
    userName: useUsersStore().nameOf(message.userId),
    preview: preview(message.content),
  });
}

function onMessage(message: Message): void {
  useTypingStore().stopShowing(message.roomId, message.userId);
  // One's own message sent from here reaches the view through the outbox only (ack or echo).
  if (!useOutboxStore().claim(message)) useMessagesStore().receive(message);
  if (message.kind === 'user' && message.userId !== useAuthStore().userId) {
    countOrRead(message);
    alertDesktop(message);
  }
}

function onRoomUpdated(room: Room): void {
  learnMembers(room);
  const rooms = useRoomsStore();
  if (rooms.isMember(room)) {
    rooms.upsert(room, true);
    return;
  }
  // Gone from the participants (the server has removed us): drop the room.
  if (!rooms.byId[room.roomId]) return;
  rooms.remove(room.roomId);
  notify({ kind: 'removed', roomName: titleOf(room) });
}

function onRoomDeleted(roomId: string): void {
  const rooms = useRoomsStore();
  const known = rooms.byId[roomId];
  if (!known) return;
  const name = titleOf(known);
  rooms.remove(roomId);
  notify({ kind: 'room_deleted', roomName: name });
}

/**
 * Names of a room's members the app has not seen yet, fetched in the background; should that
 * fail, those members show by id until the next sync learns them.
 */
const learnMembers = (room: Room): void => {
  useUsersStore()
    .ensureKnown(room.participants)
    .catch(() => undefined);
};

function onInvite(room: Room, by: string): void {
  // Sharing a new room makes its members' presence visible: re-read it, not just the names.
  useUsersStore()
    .refresh(room.participants)
    .catch(() => undefined);
  const rooms = useRoomsStore();
  const isNew = !rooms.byId[room.roomId];
  rooms.upsert(room, !isNew);
  if (isNew && by !== useAuthStore().userId) {
    notify({
      kind: 'invited',
      roomId: room.roomId,
      roomName: titleOf(room),
      by: useUsersStore().nameOf(by),
    });
  }
}

/** Routes every server event of one transport to the stores. */
export function bindServerEvents(t: ChatTransport): void {
  t.on('room_created', (room) => useRoomsStore().upsert(room));
  t.on('room_invite', ({ room, by }) => onInvite(room, by));
  t.on('joined_room', ({ room }) => useRoomsStore().upsert(room, true));
  t.on('receive_messages', ({ roomId, messages, hasMore }) =>
    useMessagesStore().applyNewestPage(roomId, { messages, hasMore }),
  );
  t.on('receive_message', onMessage);
  t.on('system', ({ message }) => useMessagesStore().receive(message));
  t.on('message_changed', (change) => useMessagesStore().receive(change));
  t.on('typing', (event) => {
    if (event.userId !== useAuthStore().userId) useTypingStore().apply(event);
  });
  t.on('room_updated', onRoomUpdated);
  t.on('room_deleted', ({ roomId }) => onRoomDeleted(roomId));
  t.on('presence', (event) => useUsersStore().applyPresence(event));
  t.on('user_updated', (event) => {
    useUsersStore().applyUserUpdated(event);
    const auth = useAuthStore();
    if (auth.user && event.userId === auth.user.id) {
      const { displayName: _old, ...user } = auth.user;
      auth.setUser({
        ...user,
        ...(event.displayName !== undefined && { displayName: event.displayName }),
      });
    }
  });
  t.on('read', (event) => useReadsStore().apply(event));
  t.on('room_muted', ({ roomId, muted }) => useRoomsStore().applyMuted(roomId, muted));
  t.on('exception', ({ code, message }) => notify({ kind: 'error', code, message }));
}
