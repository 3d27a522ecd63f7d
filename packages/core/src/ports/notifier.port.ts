import type { ServerToClientEvents } from '@chat/contracts';

export type ServerEvent = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>[0];

/**
 * Delivery to connected clients, across every gateway replica. Services say who should hear
 * what; the gateway decides how (Socket.IO rooms `room:<id>` and `user:<id>`).
 *
 * Guarantees: `subscribe` / `unsubscribe` take effect on every replica and on the local
 * sockets before the promise resolves, so an emit right after reaches them.
 */
export abstract class Notifier {
  abstract toUser<E extends ServerEvent>(
    userId: string,
    event: E,
    payload: ServerEventPayload<E>,
  ): void;
  abstract toRoom<E extends ServerEvent>(
    roomId: string,
    event: E,
    payload: ServerEventPayload<E>,
    exceptUserId?: string,
  ): void;
  /**
   * Delivers to this process's connections in the room only. For events every replica
   * receives by itself (the log's live feed), so each connection gets them exactly once.
   */
  abstract toLocalRoom<E extends ServerEvent>(
    roomId: string,
    event: E,
    payload: ServerEventPayload<E>,
  ): void;
  /** Delivers to every connection of this process. */
  abstract toLocal<E extends ServerEvent>(event: E, payload: ServerEventPayload<E>): void;
  /** Subscribes every connection of the users to the room. */
  abstract subscribe(userIds: readonly string[], roomId: string): Promise<void>;
  /** Unsubscribes every connection of the users from the room. */
  abstract unsubscribe(userIds: readonly string[], roomId: string): Promise<void>;
  /** Unsubscribes every connection from the room. */
  abstract closeRoom(roomId: string): Promise<void>;
}
