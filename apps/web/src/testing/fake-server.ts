import {
  ChatError,
  DEFAULT_ATTACHMENT_MAX_BYTES,
  DEFAULT_PAGE_LIMIT,
  type Message,
  type MessagePage,
  type Room,
  type SendMessageAck,
  type SendMessagePayload,
  type ServerLimits,
  type ThreadPage,
  type User,
} from '@chat/contracts';
import type { FakeTransport } from './fake-transport';

/**
 * A tiny in-memory chat server behind a FakeTransport: rooms, ordered messages with seqs,
 * paging by `before`/`after`, and `clientMsgId` dedupe — enough for store tests.
 */
export class FakeChatServer {
  readonly users = new Map<string, User>();
  readonly rooms = new Map<string, Room>();
  readonly messages = new Map<string, Message[]>();
  private readonly dedupe = new Map<string, SendMessageAck>();
  private clock = Date.parse('2024-05-01T09:00:00Z');

  /** What `register` says this server takes. */
  limits: ServerLimits = { attachmentMaxBytes: DEFAULT_ATTACHMENT_MAX_BYTES };

  constructor(readonly me: string) {
    this.addUser(me);
  }

  addUser(id: string, online = true): void {
    this.users.set(id, { id, name: id, online });
  }

  addRoom(roomId: string, participants: string[], name = roomId): Room {
    const room: Room = {
      roomId,
      name,
      ownerId: participants[0] ?? this.me,
      participants,
      createdAt: new Date(this.clock).toISOString(),
      lastSeq: 0,
      unread: 0,
    };
    this.rooms.set(roomId, room);
    this.messages.set(roomId, []);
    return room;
  }

  /** Appends a message as the server would (next seq), without delivering it. */
  post(roomId: string, userId: string, content: string, kind: Message['kind'] = 'user'): Message {
    const list = this.messages.get(roomId);
    const room = this.rooms.get(roomId);
    if (!list || !room) throw new Error(`no room ${roomId}`);
    this.clock += 1000;
    const seq = room.lastSeq + 1;
    const message: Message = {
      id: `${roomId}-${seq}`,
      roomId,
      seq,
      userId,
      content,
      createdAt: new Date(this.clock).toISOString(),
      kind,
    };
    room.lastSeq = seq;
    list.push(message);
    return message;
  }

  postMany(roomId: string, count: number, userId = 'bob'): Message[] {
    return Array.from({ length: count }, (_, i) => this.post(roomId, userId, `message ${i + 1}`));
  }

  page(roomId: string, q: { before?: number; after?: number; limit?: number }): MessagePage {
    const list = this.messages.get(roomId) ?? [];
    const limit = q.limit ?? DEFAULT_PAGE_LIMIT;
    if (q.after !== undefined) {
      const newer = list.filter((m) => m.seq > (q.after ?? 0));
      return { messages: newer.slice(0, limit), hasMore: newer.length > limit };
    }
    const older = list.filter((m) => q.before === undefined || m.seq < q.before);
    return { messages: older.slice(-limit), hasMore: older.length > limit };
  }

  private room(roomId: string): Room {
    const room = this.rooms.get(roomId);
    if (!room) throw new ChatError('NOT_FOUND', 'no such room');
    return room;
  }

  /** `send_message` as the gateway does it: a retry with the same clientMsgId returns the first ack. */
  send({ roomId, content, clientMsgId, replyTo }: SendMessagePayload): SendMessageAck {
    const key = `${roomId}:${clientMsgId ?? ''}`;
    const first = clientMsgId ? this.dedupe.get(key) : undefined;
    if (first) return first;
    const m = this.post(roomId, this.me, content.trim());
    if (clientMsgId) m.clientMsgId = clientMsgId;
    if (replyTo !== undefined) m.replyTo = replyTo;
    const ack = { id: m.id, seq: m.seq, createdAt: m.createdAt };
    if (clientMsgId) this.dedupe.set(key, ack);
    return ack;
  }

  /** Answers the app's requests on this transport. */
  serve(t: FakeTransport): void {
    t.handle('register', () => ({
      user: { id: this.me, name: this.me, online: true },
      rooms: [...this.rooms.values()].filter((r) => r.participants.includes(this.me)),
      limits: this.limits,
    }));
    t.handle('get_users', () => ({ users: [...this.users.values()] }));
    t.handle('join_room', ({ roomId }) => ({ room: this.room(roomId), ...this.page(roomId, {}) }));
    t.handle('get_messages', ({ roomId, ...q }) => this.page(roomId, q));
    t.handle('mark_read', () => ({}));
    t.handle('mute_room', ({ roomId, muted }) => {
      const room = this.room(roomId);
      if (muted) room.muted = true;
      else delete room.muted;
      return { roomId, muted };
    });
    t.handle('typing', () => ({}));
    t.handle('send_message', (payload) => this.send(payload));
    t.handle('get_thread', ({ roomId, seq, after, limit }) =>
      this.thread(roomId, seq, after, limit),
    );
  }

  /** `get_thread`: a message and its replies, oldest first, after `after`. */
  thread(roomId: string, seq: number, after = 0, limit = DEFAULT_PAGE_LIMIT): ThreadPage {
    const list = this.messages.get(roomId) ?? [];
    const parent = list.find((m) => m.seq === seq && m.kind === 'user');
    if (!parent) throw new ChatError('NOT_FOUND', 'no such message');
    const replies = list.filter((m) => m.replyTo === seq && m.seq > after);
    return { parent, messages: replies.slice(0, limit), hasMore: replies.length > limit };
  }
}
