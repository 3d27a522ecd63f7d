import type { Message } from '@chat/contracts';

/** What a message says in one line: its text, or the names of its files when it has none. */
export const previewText = (message: Pick<Message, 'content' | 'attachments'>): string =>
  message.content.trim() ||
  (message.attachments?.length ? `📎 ${message.attachments.map((a) => a.name).join(', ')}` : '');
