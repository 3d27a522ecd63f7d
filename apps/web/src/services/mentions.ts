import type { Message } from '@chat/contracts';

/**
 * Whether a message calls for the viewer's attention by name: a user message from someone else
 * that mentions them by id or mentions the whole room (`@room`). The server counts the same
 * messages in a room's `unreadMentions`.
 */
export const mentionsMe = (
  message: Pick<Message, 'kind' | 'userId' | 'mentions' | 'mentionsRoom'>,
  me: string | null,
): boolean =>
  me !== null &&
  message.kind === 'user' &&
  message.userId !== me &&
  (message.mentionsRoom === true || (message.mentions ?? []).includes(me));
