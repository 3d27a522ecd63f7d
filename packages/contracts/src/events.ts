import { z } from 'zod';
import { MAX_ATTACHMENTS_PER_MESSAGE } from './attachments.js';
import type { Ack, ExceptionEvent } from './errors.js';
import {
  MAX_CLIENT_MSG_ID_LENGTH,
  MAX_PAGE_LIMIT,
  MAX_PARTICIPANTS,
  MAX_QUERY_CODE_POINTS,
  MAX_QUERY_TERMS,
  MAX_ROOM_NAME_CODE_POINTS,
  MAX_ROOM_TOPIC_CODE_POINTS,
  MAX_SEARCH_LIMIT,
  MAX_CONTENT_CODE_POINTS,
  codePointLength,
} from './limits.js';
import { isEmoji } from './changes.js';
import type { Message, Room, SearchHit, User } from './models.js';
import { SetProfileSchema, type UserUpdatedEvent } from './profile.js';
import { MuteRoomSchema, type RoomMutedEvent } from './mute.js';
import { parseQueryTerms } from './search-terms.js';

const id = z.string().trim().min(1).max(64);
const userId = z.string().trim().min(1).max(128);
const seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const limit = (max: number) => z.number().int().min(1).max(max);
const boundedText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .refine((s) => codePointLength(s) <= max, `${label} is longer than ${max} characters`);

export const RegisterSchema = z.object({ userId: userId.optional() });
export const GetUsersSchema = z.object({
  query: z.string().trim().max(64).optional(),
  limit: limit(MAX_PAGE_LIMIT).optional(),
  /** These users (the known ones), instead of a prefix search: how clients learn names. */
  ids: z.array(userId).min(1).max(MAX_PAGE_LIMIT).optional(),
});
export const CreateRoomSchema = z.object({
  name: boundedText(MAX_ROOM_NAME_CODE_POINTS, 'name').optional(),
  participants: z.array(userId).max(MAX_PARTICIPANTS),
  hostId: userId.optional(),
});
export const JoinRoomSchema = z.object({ roomId: id, userId: userId.optional() });
export const InviteSchema = z.object({
  roomId: id,
  userIds: z.array(userId).min(1).max(MAX_PARTICIPANTS),
});
export const RoomRefSchema = z.object({ roomId: id });
/**
 * Owner only: sets the room's name, its topic, or both (trimmed; an empty name leaves the room
 * unnamed, an empty topic clears it). At least one of the two must be given.
 */
export const UpdateRoomSchema = z
  .object({
    roomId: id,
    name: boundedText(MAX_ROOM_NAME_CODE_POINTS, 'name').optional(),
    topic: boundedText(MAX_ROOM_TOPIC_CODE_POINTS, 'topic').optional(),
  })
  .refine((p) => p.name !== undefined || p.topic !== undefined, {
    message: 'give a name or a topic',
  });
const content = boundedText(MAX_CONTENT_CODE_POINTS, 'content').refine(
  (s) => s.length > 0,
  'content is empty',
);
const clientMsgId = z.string().min(1).max(MAX_CLIENT_MSG_ID_LENGTH).optional();
const messageSeq = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const SendMessageSchema = z
  .object({
    roomId: id,
    /** May be empty when the message carries attachments. */
    content: boundedText(MAX_CONTENT_CODE_POINTS, 'content'),
    clientMsgId,
    /** The seq of the message this one answers (a reply, shown in its thread). */
    replyTo: messageSeq.optional(),
    /** Ids of the sender's own uploads to this room that no message carries yet. */
    attachments: z.array(id).min(1).max(MAX_ATTACHMENTS_PER_MESSAGE).optional(),
  })
  .refine((p) => p.content.length > 0 || p.attachments !== undefined, {
    message: 'content is empty',
    path: ['content'],
  });
/** Replaces the content of one's own message. */
export const EditMessageSchema = z.object({ roomId: id, seq: messageSeq, content, clientMsgId });
/** Deletes a message: one's own, or any in a room one owns. */
export const DeleteMessageSchema = z.object({ roomId: id, seq: messageSeq, clientMsgId });
/** Sets whether the caller reacts to a message with one emoji. */
export const ReactSchema = z.object({
  roomId: id,
  seq: messageSeq,
  emoji: z.string().refine(isEmoji, 'emoji is not one emoji'),
  on: z.boolean(),
  clientMsgId,
});
/** The replies to one message, oldest first, paged like history. */
export const GetThreadSchema = z.object({
  roomId: id,
  seq: messageSeq,
  after: seq.optional(),
  limit: limit(MAX_PAGE_LIMIT).optional(),
});
/** The direct-message room of the caller and one other person, created the first time. */
export const OpenDirectSchema = z.object({ userId });
export const TypingSchema = z.object({ roomId: id, isTyping: z.boolean().optional() });
export const GetMessagesSchema = z
  .object({
    roomId: id,
    before: seq.optional(),
    after: seq.optional(),
    limit: limit(MAX_PAGE_LIMIT).optional(),
  })
  .refine((p) => p.before === undefined || p.after === undefined, {
    message: 'before and after cannot be combined',
  });
export const SearchSchema = z.object({
  query: boundedText(MAX_QUERY_CODE_POINTS, 'query')
    .refine((s) => s.length > 0, 'query is empty')
    .refine(
      (s) => parseQueryTerms(s).length <= MAX_QUERY_TERMS,
      `query has more than ${MAX_QUERY_TERMS} terms`,
    ),
  roomId: id.optional(),
  limit: limit(MAX_SEARCH_LIMIT).optional(),
  cursor: z.string().max(512).optional(),
  sort: z.enum(['newest', 'relevance']).optional(),
});
export const MarkReadSchema = z.object({ roomId: id, seq });

/** Owner only: takes another member out of the room, as if they had left. */
export const RemoveMemberSchema = z.object({ roomId: id, userId });

export type RegisterPayload = z.infer<typeof RegisterSchema>;
export type GetUsersPayload = z.infer<typeof GetUsersSchema>;
export type CreateRoomPayload = z.infer<typeof CreateRoomSchema>;
export type JoinRoomPayload = z.infer<typeof JoinRoomSchema>;
export type InvitePayload = z.infer<typeof InviteSchema>;
export type RoomRefPayload = z.infer<typeof RoomRefSchema>;
export type UpdateRoomPayload = z.infer<typeof UpdateRoomSchema>;
export type RemoveMemberPayload = z.infer<typeof RemoveMemberSchema>;
export type SendMessagePayload = z.infer<typeof SendMessageSchema>;
export type TypingPayload = z.infer<typeof TypingSchema>;
export type GetMessagesPayload = z.infer<typeof GetMessagesSchema>;
export type SearchPayload = z.infer<typeof SearchSchema>;
export type MarkReadPayload = z.infer<typeof MarkReadSchema>;
export type EditMessagePayload = z.infer<typeof EditMessageSchema>;
export type DeleteMessagePayload = z.infer<typeof DeleteMessageSchema>;
export type ReactPayload = z.infer<typeof ReactSchema>;
export type GetThreadPayload = z.infer<typeof GetThreadSchema>;
export type OpenDirectPayload = z.infer<typeof OpenDirectSchema>;

/** Every client event: its payload schema. The gateway parses each payload with it first. */
export const CLIENT_EVENT_SCHEMAS = {
  register: RegisterSchema,
  get_users: GetUsersSchema,
  create_room: CreateRoomSchema,
  join_room: JoinRoomSchema,
  invite: InviteSchema,
  leave_room: RoomRefSchema,
  delete_room: RoomRefSchema,
  update_room: UpdateRoomSchema,
  remove_member: RemoveMemberSchema,
  send_message: SendMessageSchema,
  typing: TypingSchema,
  get_messages: GetMessagesSchema,
  search: SearchSchema,
  mark_read: MarkReadSchema,
  edit_message: EditMessageSchema,
  delete_message: DeleteMessageSchema,
  react: ReactSchema,
  get_thread: GetThreadSchema,
  open_direct: OpenDirectSchema,
  set_profile: SetProfileSchema,
  mute_room: MuteRoomSchema,
} as const;

export type ClientEventName = keyof typeof CLIENT_EVENT_SCHEMAS;
export const CLIENT_EVENT_NAMES = Object.keys(CLIENT_EVENT_SCHEMAS) as ClientEventName[];

export interface MessagePage {
  messages: Message[];
  hasMore: boolean;
}
export interface SendMessageAck {
  id: string;
  seq: number;
  createdAt: string;
}
/** The ack of a change (edit, delete, reaction): the seq the change took in its room. */
export interface ChangeAck {
  seq: number;
  createdAt: string;
}
/** A message and its replies (`get_thread`), replies paged oldest first. */
export interface ThreadPage extends MessagePage {
  parent: Message;
}
export interface SearchResult {
  hits: SearchHit[];
  /** Opaque; pass back as `cursor` for the next page. Null on the last page. */
  nextCursor: string | null;
}
/** `join_room` for oneself opens the room; for another user it invites them and acks `{ room }`. */
export type JoinRoomAck = ({ room: Room } & MessagePage) | { room: Room };

/**
 * This server's limits that a client checks before it sends anything (sent with `register`, so
 * a client never refuses what the server would take, nor sends what it would refuse).
 */
export interface ServerLimits {
  /** Largest upload, in bytes (`ATTACHMENT_MAX_BYTES`). */
  attachmentMaxBytes: number;
}

/** What each client event's ack carries on success. */
export interface ClientAckData {
  register: { user: User; rooms: Room[]; limits: ServerLimits };
  get_users: { users: User[] };
  create_room: { room: Room };
  join_room: JoinRoomAck;
  invite: { room: Room };
  leave_room: Record<string, never>;
  delete_room: Record<string, never>;
  update_room: { room: Room };
  remove_member: { room: Room };
  send_message: SendMessageAck;
  typing: Record<string, never>;
  get_messages: MessagePage;
  search: SearchResult;
  mark_read: Record<string, never>;
  edit_message: ChangeAck;
  delete_message: ChangeAck;
  react: ChangeAck;
  get_thread: ThreadPage;
  open_direct: { room: Room };
  set_profile: { user: User };
  mute_room: RoomMutedEvent;
}

/** Input type of each client event's payload (before the schema's trimming and defaults). */
export type ClientPayloads = { [E in ClientEventName]: z.input<(typeof CLIENT_EVENT_SCHEMAS)[E]> };

/** Socket.IO client → server event map. */
export type ClientToServerEvents = {
  [E in ClientEventName]: (
    payload: ClientPayloads[E],
    ack?: (res: Ack<ClientAckData[E]>) => void,
  ) => void;
};

export interface RoomInviteEvent {
  roomId: string;
  room: Room;
  by: string;
}
export interface JoinedRoomEvent {
  roomId: string;
  room: Room;
}
export interface ReceiveMessagesEvent extends MessagePage {
  roomId: string;
}
export interface TypingEvent {
  roomId: string;
  userId: string;
  isTyping: boolean;
}
export interface SystemEvent {
  roomId: string;
  content: string;
  message: Message;
}
export interface RoomDeletedEvent {
  roomId: string;
}
export interface PresenceEvent {
  userId: string;
  online: boolean;
  lastSeenAt: string | null;
}
export interface ReadEvent {
  roomId: string;
  userId: string;
  seq: number;
}

/**
 * The server asks the client to catch up as after a reconnect (`get_messages { after }` per
 * room): its replica's live feed was interrupted, so messages may have been appended that this
 * connection was not sent.
 */
export interface ResyncEvent {
  reason: 'live_feed_interrupted';
}

/** Socket.IO server → client event map. */
export interface ServerToClientEvents {
  room_created: (room: Room) => void;
  room_invite: (event: RoomInviteEvent) => void;
  joined_room: (event: JoinedRoomEvent) => void;
  receive_messages: (event: ReceiveMessagesEvent) => void;
  receive_message: (message: Message) => void;
  /** An edit, deletion or reaction (a message of a change kind), in the room's seq order. */
  message_changed: (change: Message) => void;
  typing: (event: TypingEvent) => void;
  system: (event: SystemEvent) => void;
  room_updated: (room: Room) => void;
  room_deleted: (event: RoomDeletedEvent) => void;
  presence: (event: PresenceEvent) => void;
  read: (event: ReadEvent) => void;
  user_updated: (event: UserUpdatedEvent) => void;
  /** The caller muted or unmuted a room: to that user's sockets only. */
  room_muted: (event: RoomMutedEvent) => void;
  exception: (event: ExceptionEvent) => void;
  resync: (event: ResyncEvent) => void;
}
