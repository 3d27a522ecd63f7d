import { MAX_MENTIONS, MAX_REACTIONS_PER_MESSAGE } from './limits.js';
import type { Message, Reaction } from './models.js';

// Built at run time: the `v` flag (Unicode properties of strings) is newer than the compile target.
const ONE_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');

/** True for exactly one emoji (one RGI emoji sequence: skin tones, flags, ZWJ families…). */
export const isEmoji = (value: string): boolean => ONE_EMOJI.test(value);

/** `@room` in a message notifies every member of the room. */
export const ROOM_MENTION = 'room';

/**
 * What `@` mentions a text makes: the lower-cased ids after `@` (a mention ends where the
 * characters a user id can hold end), at most `MAX_MENTIONS`, and whether it says `@room`.
 * The server keeps only the ids of the room's members.
 */
export function parseMentions(content: string): { ids: string[]; room: boolean } {
  const ids = new Set<string>();
  let room = false;
  for (const match of content.matchAll(/(?<![\p{L}\p{N}_.~-])@([\p{L}\p{M}\p{N}_.~-]+)/gu)) {
    const id = (match[1] ?? '').replace(/[.-]+$/u, '').toLowerCase();
    if (id === ROOM_MENTION) room = true;
    else if (id.length > 0 && ids.size < MAX_MENTIONS) ids.add(id);
  }
  return { ids: [...ids], room };
}

const withReaction = (
  reactions: readonly Reaction[],
  emoji: string,
  userId: string,
  on: boolean,
): Reaction[] | undefined => {
  const next: Reaction[] = [];
  let found = false;
  for (const reaction of reactions) {
    if (reaction.emoji !== emoji) {
      next.push(reaction);
      continue;
    }
    found = true;
    const others = reaction.userIds.filter((id) => id !== userId);
    const userIds = on ? [...others, userId] : others;
    if (userIds.length > 0) next.push({ emoji, userIds });
  }
  if (!found && on && reactions.length < MAX_REACTIONS_PER_MESSAGE) {
    next.push({ emoji, userIds: [userId] });
  }
  return next.length > 0 ? next : undefined;
};

/**
 * A message with a change folded in: the one rule every reader and store applies, so they
 * agree whatever order they learn things in.
 *
 * - A deleted message stays deleted: no later edit or reaction brings anything back.
 * - An edit sets the content, its mentions and `editedAt`; a later edit (higher seq) wins
 *   because changes are applied in seq order.
 * - A delete leaves a tombstone: no content, mentions, reactions or edit mark.
 * - A reaction sets (not toggles) whether its user reacted with its emoji, so applying it
 *   twice is the same as once. A 21st distinct emoji is not added.
 *
 * A change for another message, or a target that is not a user message, returns it unchanged.
 */
export function applyChange(message: Message, change: Message): Message {
  if (change.target !== message.seq || change.roomId !== message.roomId) return message;
  if (message.kind !== 'user' || message.deleted) return message;
  switch (change.kind) {
    case 'edit': {
      const { mentions: _mentions, mentionsRoom: _mentionsRoom, ...rest } = message;
      return {
        ...rest,
        content: change.content,
        editedAt: change.createdAt,
        ...(change.mentions !== undefined && { mentions: change.mentions }),
        ...(change.mentionsRoom !== undefined && { mentionsRoom: change.mentionsRoom }),
      };
    }
    case 'delete': {
      const { id, roomId, seq, userId, createdAt, clientMsgId, kind, replyTo } = message;
      return {
        ...{ id, roomId, seq, userId, content: '', createdAt },
        ...(clientMsgId !== undefined && { clientMsgId }),
        kind,
        ...(replyTo !== undefined && { replyTo }),
        deleted: true,
      };
    }
    case 'reaction': {
      if (change.emoji === undefined) return message;
      const { reactions: current, ...rest } = message;
      const reactions = withReaction(current ?? [], change.emoji, change.userId, change.on ?? true);
      return reactions ? { ...rest, reactions } : rest;
    }
    case 'user':
    case 'system':
      return message;
  }
}

/**
 * An edit of a deleted message, with the deleted text taken out: no content, no mentions.
 * What every log and store keeps of the edits once their message is deleted.
 */
export function emptiedEdit(edit: Message): Message {
  const { mentions: _mentions, mentionsRoom: _mentionsRoom, ...rest } = edit;
  return { ...rest, content: '' };
}

/**
 * Folds every change of `changes` (any order; applied by seq) into the messages they target
 * among `messages`. Messages without a change come back as they are.
 */
export function applyChanges(messages: readonly Message[], changes: readonly Message[]): Message[] {
  if (changes.length === 0) return [...messages];
  const ordered = [...changes].sort((a, b) => a.seq - b.seq);
  return messages.map((message) =>
    ordered.reduce((current, change) => applyChange(current, change), message),
  );
}

/**
 * Direct-message rooms have ids of their own form, derived from the pair (`dm-…`); no other
 * room id starts so, since clients never choose room ids.
 */
export const DIRECT_ROOM_PREFIX = 'dm-';
export const isDirectRoomId = (roomId: string): boolean => roomId.startsWith(DIRECT_ROOM_PREFIX);
