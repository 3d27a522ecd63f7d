import { z } from 'zod';

/** `user` messages are what people write; `system` messages record joins, invites and leaves. */
export const MessageKindSchema = z.enum(['user', 'system']);
export type MessageKind = z.infer<typeof MessageKindSchema>;

/**
 * One chat message. `seq` is assigned by the event log: strictly increasing per room, the same
 * order for every member. `createdAt` is ISO-8601 (UTC).
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
});
export type Message = z.infer<typeof MessageSchema>;

/** A room as one member sees it: `unread` counts that member's unread user messages. */
export const RoomSchema = z.object({
  roomId: z.string().min(1),
  name: z.string(),
  ownerId: z.string().min(1),
  participants: z.array(z.string()),
  createdAt: z.string(),
  lastSeq: z.number().int().nonnegative(),
  unread: z.number().int().nonnegative(),
});
export type Room = z.infer<typeof RoomSchema>;

export const UserSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  online: z.boolean(),
  lastSeenAt: z.string().optional(),
});
export type User = z.infer<typeof UserSchema>;

/** A search result: the message and its HTML-escaped fragments with matches in `<mark>`. */
export interface SearchHit {
  message: Message;
  highlights: string[];
}
