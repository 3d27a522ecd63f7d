import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedAdapters } from '../embedded/index.js';
import { Notifier, type ServerEvent, type ServerEventPayload } from '../ports/index.js';
import { HistoryReader } from '../services/history.js';
import { LiveDelivery } from '../services/live-delivery.js';
import { MessageService } from '../services/message.service.js';
import { RoomViews } from '../services/room-view.js';
import { RoomService } from '../services/room.service.js';

export interface Delivery {
  to: string;
  event: ServerEvent;
  payload: unknown;
  except?: string;
}

/**
 * The in-process notifier: membership of `room:<id>` channels kept in memory, every delivery
 * recorded with its resolved recipients, so tests assert who heard what.
 */
export class RecordingNotifier extends Notifier {
  readonly deliveries: Delivery[] = [];
  private readonly subscribers = new Map<string, Set<string>>();

  toUser<E extends ServerEvent>(userId: string, event: E, payload: ServerEventPayload<E>): void {
    this.deliveries.push({ to: `user:${userId}`, event, payload });
  }

  toRoom<E extends ServerEvent>(
    roomId: string,
    event: E,
    payload: ServerEventPayload<E>,
    except?: string,
  ) {
    this.deliveries.push({ to: `room:${roomId}`, event, payload, ...(except ? { except } : {}) });
  }

  toLocalRoom<E extends ServerEvent>(roomId: string, event: E, payload: ServerEventPayload<E>) {
    this.deliveries.push({ to: `room:${roomId}`, event, payload });
  }

  toLocal<E extends ServerEvent>(event: E, payload: ServerEventPayload<E>) {
    this.deliveries.push({ to: 'local', event, payload });
  }

  subscribe(userIds: readonly string[], roomId: string): Promise<void> {
    const set = this.subscribers.get(roomId) ?? new Set();
    for (const id of userIds) set.add(id);
    this.subscribers.set(roomId, set);
    return Promise.resolve();
  }

  unsubscribe(userIds: readonly string[], roomId: string): Promise<void> {
    for (const id of userIds) this.subscribers.get(roomId)?.delete(id);
    return Promise.resolve();
  }

  closeRoom(roomId: string): Promise<void> {
    this.subscribers.delete(roomId);
    return Promise.resolve();
  }

  /** Who a delivery reached: the user, or the room's subscribers at that moment. */
  subscribersOf(roomId: string): string[] {
    return [...(this.subscribers.get(roomId) ?? [])];
  }

  of(event: ServerEvent): Delivery[] {
    return this.deliveries.filter((d) => d.event === event);
  }
}

/** Every embedded adapter on a fresh SQLite file, and the services wired on top. */
export async function embeddedFixture() {
  const dir = mkdtempSync(path.join(tmpdir(), 'chat-core-'));
  const adapters = openEmbeddedAdapters(path.join(dir, 'chat.db'));
  const { log, messages, rooms, users } = adapters;
  const notifier = new RecordingNotifier();
  const history = new HistoryReader(log, messages);
  const messageService = new MessageService(log, rooms, history, notifier);
  const views = new RoomViews(log, rooms, history);
  const roomService = new RoomService(rooms, users, log, views, messageService, notifier);
  const live = new LiveDelivery(log, notifier);
  await live.start();
  return {
    ...adapters,
    notifier,
    history,
    messageService,
    roomService,
    /** Signs users in, as a guest session would. */
    async signIn(...ids: string[]) {
      const now = new Date().toISOString();
      for (const id of ids) await users.touch({ id, name: id }, now);
    },
    async destroy() {
      await live.stop();
      await adapters.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type EmbeddedFixture = Awaited<ReturnType<typeof embeddedFixture>>;
