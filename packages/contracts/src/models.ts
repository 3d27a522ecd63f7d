import { z } from 'zod';
import { MessageAttachmentSchema } from './attachments.js';
import { UserAvatarSchema } from './profile.js';
import { SystemMessageEventSchema } from './system-events.js';

/**
 * `user` messages are what people write; `system` messages record what happened to the room
 * (invites, leaves, removals, a new name or topic) as their `event`.
 * The change kinds (`edit`, `delete`, `reaction`) change an earlier message of the room, named
 * by `target` (its seq): they take a seq of their own, so a client that catches up by seq sees
 * every change made while it was away, in order. A client shows no row for them.
 */
export const MessageKindSchema = z.enum(['user', 'system', 'edit', 'delete', 'reaction']);
export type MessageKind = z.infer<typeof MessageKindSchema>;
export const CHANGE_KINDS = ['edit', 'delete', 'reaction'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];
export const isChangeKind = (kind: MessageKind): kind is ChangeKind =>
  (CHANGE_KINDS as readonly string[]).includes(kind);

/** People who reacted to a message with one emoji, in the order they reacted. */
export const ReactionSchema = z.object({ emoji: z.string(), userIds: z.array(z.string()) });
export type Reaction = z.infer<typeof ReactionSchema>;

/**
 * One entry of a room's history. `seq` is assigned by the event log: strictly increasing per
 * room, the same order for every member. `createdAt` is ISO-8601 (UTC).
 *
 * - A `user` message may answer another (`replyTo`, the parent's seq) and names the members it
 *   mentions (`mentions`, user ids, derived by the server from `@id` in the content;
 *   `mentionsRoom` for `@room`). Its current state carries `editedAt` once edited,
 *   `deleted: true` (and no content) once deleted, and its `reactions`.
 * - A change (`edit`, `delete`, `reaction`) names its `target`; an edit carries the new
 *   `content` (and `mentions`), a reaction its `emoji` and whether it is now `on`.
 *   `applyChange` folds a change into its target, the same way everywhere.
 */
export const MessageSchema = z.object({
  id: z.string().min(1),
  roomId: z.string().min(1),
  seq: z.number().int().positive(),
  userId: z.string().min(1),
  content: z.string(),
  createdAt: z.string(),
  clientMsgId: z.string().optional(),
  kind: MessageKindSchema,
  replyTo: z.number().int().positive().optional(),
  mentions: z.array(z.string()).optional(),
  mentionsRoom: z.boolean().optional(),
  target: z.number().int().positive().optional(),
  emoji: z.string().optional(),
  on: z.boolean().optional(),
  editedAt: z.string().optional(),
  deleted: z.boolean().optional(),
  reactions: z.array(ReactionSchema).optional(),
  /** Files sent with a `user` message (its uploads); a deleted message has none. */
  attachments: z.array(MessageAttachmentSchema).optional(),
  /** What a `system` message records, as data (`content` is its English line); see the schema. */
  event: SystemMessageEventSchema.optional(),
});
export type Message = z.infer<typeof MessageSchema>;

/** How many code points of a message's content a {@link MessagePreview} keeps. */
export const PREVIEW_CODE_POINTS = 100;

/**
 * The newest `user` or `system` message of a room, as a room list shows it: its current state
 * (an edit's text, a deletion) with `content` cut to {@link PREVIEW_CODE_POINTS} code points.
 * A deleted message has `deleted: true` and empty `content`; `attachments` counts its files.
 */
export const MessagePreviewSchema = z.object({
  seq: z.number().int().positive(),
  userId: z.string().min(1),
  kind: z.enum(['user', 'system']),
  content: z.string(),
  createdAt: z.string(),
  deleted: z.boolean().optional(),
  attachments: z.number().int().positive().optional(),
  /** A system message's event, whole: clients word the preview from it. */
  event: SystemMessageEventSchema.optional(),
});
export type MessagePreview = z.infer<typeof MessagePreviewSchema>;

/** Content cut to {@link PREVIEW_CODE_POINTS} code points, an ellipsis last when cut. */
export const previewContent = (content: string): string => {
  const chars = [...content];
  return chars.length > PREVIEW_CODE_POINTS
    ? `${chars.slice(0, PREVIEW_CODE_POINTS - 1).join('')}…`
    : content;
};

/** The preview of a message; `undefined` for a change (edit, delete, reaction). */
export const toMessagePreview = (message: Message): MessagePreview | undefined => {
  if (message.kind !== 'user' && message.kind !== 'system') return undefined;
  const files = message.attachments?.length ?? 0;
  return {
    seq: message.seq,
    userId: message.userId,
    kind: message.kind,
    content: previewContent(message.content),
    createdAt: message.createdAt,
    ...(message.deleted && { deleted: true }),
    ...(files > 0 && { attachments: files }),
    ...(message.event && { event: message.event }),
  };
};

/**
 * The preview after a change of the message it shows: an edit sets its (cut) content, a
 * deletion empties it for good; any other change, or one of another message, leaves it as is.
 */
export const changePreview = (preview: MessagePreview, change: Message): MessagePreview => {
  if (change.target !== preview.seq || preview.deleted) return preview;
  if (change.kind === 'delete') {
    const { attachments: _files, ...rest } = preview;
    return { ...rest, content: '', deleted: true };
  }
  if (change.kind !== 'edit') return preview;
  return { ...preview, content: previewContent(change.content) };
};

/**
 * A room as one member sees it: `unread` counts that member's unread user messages, and
 * `unreadMentions` how many of those mention them (by id or `@room`). `lastMessage` is the
 * preview of the room's newest user or system message (none in a room without one).
 */
export const RoomSchema = z.object({
  roomId: z.string().min(1),
  name: z.string(),
  /** What the room is about, set by its owner; absent when none is set. */
  topic: z.string().optional(),
  ownerId: z.string().min(1),
  participants: z.array(z.string()),
  createdAt: z.string(),
  lastSeq: z.number().int().nonnegative(),
  unread: z.number().int().nonnegative(),
  unreadMentions: z.number().int().nonnegative().optional(),
  /** A direct-message room of exactly two people; nobody else can be invited into it. */
  direct: z.boolean().optional(),
  lastMessage: MessagePreviewSchema.optional(),
  /** The viewer muted the room (`mute_room`); only in their own view, absent when not muted. */
  muted: z.boolean().optional(),
});
export type Room = z.infer<typeof RoomSchema>;

/**
 * A person: `id` is stable, `name` is the name they signed in with, `displayName` what they
 * chose to be shown as (clients show `displayName ?? name`), `avatar` their picture (shown
 * only to the person and those who share a room with them; initials otherwise).
 */
export const UserSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  displayName: z.string().min(1).optional(),
  avatar: UserAvatarSchema.optional(),
  online: z.boolean(),
  lastSeenAt: z.string().optional(),
});
export type User = z.infer<typeof UserSchema>;

/** A search result: the message and its HTML-escaped fragments with matches in `<mark>`. */
export interface SearchHit {
  message: Message;
  highlights: string[];
}
