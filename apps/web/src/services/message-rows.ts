import { isChangeKind, type Message, type MessageAttachment } from '@chat/contracts';
import type { PendingMessage } from '../stores/outbox.store';

/** One bubble: a stored message, or a pending one (no seq yet). */
export interface Bubble {
  key: string;
  seq?: number;
  content: string;
  createdAt: string;
  status: 'sent' | 'sending' | 'failed';
  clientMsgId?: string;
  /** The seq of the message this one answers. */
  replyTo?: number;
  /** The stored message, with its changes folded in (none for a pending one). */
  message?: Message;
  attachments?: MessageAttachment[];
}

/** What the message list renders, top to bottom. */
export type Row =
  | { kind: 'day'; key: string; day: string }
  | { kind: 'system'; key: string; message: Message }
  | { kind: 'group'; key: string; userId: string; mine: boolean; bubbles: Bubble[] };

/** Messages from one sender further apart than this start a new group. */
const GROUP_GAP_MS = 5 * 60 * 1000;

/** The local calendar day of an ISO time, as `YYYY-MM-DD`. */
export const localDay = (iso: string): string => {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

interface Item {
  userId: string;
  kind: 'user' | 'system';
  createdAt: string;
  bubble: Bubble;
  message?: Message;
}

const fromMessage = (m: Message): Item => ({
  userId: m.userId,
  kind: m.kind === 'system' ? 'system' : 'user',
  createdAt: m.createdAt,
  message: m,
  bubble: {
    key: `s${m.seq}`,
    seq: m.seq,
    content: m.content,
    createdAt: m.createdAt,
    status: 'sent',
    ...(m.replyTo !== undefined && { replyTo: m.replyTo }),
    message: m,
    ...(m.attachments && { attachments: m.attachments }),
  },
});

const fromPending = (p: PendingMessage, me: string): Item => ({
  userId: me,
  kind: 'user',
  createdAt: p.createdAt,
  bubble: {
    key: `p${p.clientMsgId}`,
    content: p.content,
    createdAt: p.createdAt,
    // One waiting for the reconnect is on its way, as far as the reader is concerned.
    status: p.status === 'waiting' ? 'sending' : p.status,
    clientMsgId: p.clientMsgId,
    ...(p.replyTo !== undefined && { replyTo: p.replyTo }),
    ...(p.attachments && { attachments: p.attachments }),
  },
});

const continues = (row: Row | undefined, item: Item): row is Extract<Row, { kind: 'group' }> => {
  if (row?.kind !== 'group' || row.userId !== item.userId) return false;
  const last = row.bubbles[row.bubbles.length - 1];
  return !!last && Date.parse(item.createdAt) - Date.parse(last.createdAt) < GROUP_GAP_MS;
};

/**
 * Groups a room's messages (then its pending ones) by day and by sender. System messages stand
 * alone; a sender's run breaks after a pause of five minutes.
 */
export const buildRows = (
  messages: readonly Message[],
  pending: readonly PendingMessage[],
  me: string,
): Row[] => {
  const rows: Row[] = [];
  let day = '';
  const shown = messages.filter((m) => !isChangeKind(m.kind));
  const items = [...shown.map(fromMessage), ...pending.map((p) => fromPending(p, me))];
  for (const item of items) {
    const itemDay = localDay(item.createdAt);
    if (itemDay !== day) {
      day = itemDay;
      rows.push({ kind: 'day', key: `d${itemDay}:${item.bubble.key}`, day: itemDay });
    }
    const last = rows[rows.length - 1];
    if (item.kind === 'system' && item.message) {
      rows.push({ kind: 'system', key: item.bubble.key, message: item.message });
    } else if (continues(last, item)) {
      last.bubbles.push(item.bubble);
    } else {
      rows.push({
        kind: 'group',
        key: `g${item.bubble.key}`,
        userId: item.userId,
        mine: item.userId === me,
        bubbles: [item.bubble],
      });
    }
  }
  return rows;
};
