import type { ClientToServerEvents, ServerToClientEvents } from '@chat/contracts';
import { Notifier, type Identity, type ServerEvent, type ServerEventPayload } from '@chat/core';
import type { Namespace, Socket } from 'socket.io';

export interface SocketData {
  user: Identity;
  /** The sign-in session of the socket's token; none for identity-provider tokens. */
  sessionId?: string;
  /** The user's rooms when the connection was authenticated. */
  roomIds: string[];
}

export type ChatNamespace = Namespace<
  ClientToServerEvents,
  ServerToClientEvents,
  object,
  SocketData
>;
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, object, SocketData>;

export const userChannel = (userId: string) => `user:${userId}`;
export const roomChannel = (roomId: string) => `room:${roomId}`;
export const sessionChannel = (sessionId: string) => `session:${sessionId}`;

/**
 * Delivery through Socket.IO rooms `user:<id>` and `room:<id>`; across replicas through the
 * namespace's adapter. Local sockets are joined directly first, so an emit right after a
 * `subscribe` reaches them even when the adapter's remote join takes a round trip.
 */
export class SocketNotifier extends Notifier {
  private namespace: ChatNamespace | undefined;

  attach(namespace: ChatNamespace): void {
    this.namespace = namespace;
  }

  toUser<E extends ServerEvent>(userId: string, event: E, payload: ServerEventPayload<E>): void {
    this.emit(this.ns().to(userChannel(userId)), event, payload);
  }

  toRoom<E extends ServerEvent>(
    roomId: string,
    event: E,
    payload: ServerEventPayload<E>,
    exceptUserId?: string,
  ): void {
    const target = this.ns().to(roomChannel(roomId));
    this.emit(
      exceptUserId === undefined ? target : target.except(userChannel(exceptUserId)),
      event,
      payload,
    );
  }

  toLocalRoom<E extends ServerEvent>(
    roomId: string,
    event: E,
    payload: ServerEventPayload<E>,
  ): void {
    this.emit(this.ns().local.to(roomChannel(roomId)), event, payload);
  }

  toLocal<E extends ServerEvent>(event: E, payload: ServerEventPayload<E>): void {
    this.emit(this.ns().local, event, payload);
  }

  subscribe(userIds: readonly string[], roomId: string): Promise<void> {
    const ns = this.ns();
    for (const socket of this.localSockets(userIds)) void socket.join(roomChannel(roomId));
    ns.in(userIds.map(userChannel)).socketsJoin(roomChannel(roomId));
    return Promise.resolve();
  }

  unsubscribe(userIds: readonly string[], roomId: string): Promise<void> {
    const ns = this.ns();
    for (const socket of this.localSockets(userIds)) void socket.leave(roomChannel(roomId));
    ns.in(userIds.map(userChannel)).socketsLeave(roomChannel(roomId));
    return Promise.resolve();
  }

  closeRoom(roomId: string): Promise<void> {
    this.ns().in(roomChannel(roomId)).socketsLeave(roomChannel(roomId));
    return Promise.resolve();
  }

  /** Disconnects every socket of an ended session, on every replica (through the adapter). */
  endSession(sessionId: string): void {
    this.ns().in(sessionChannel(sessionId)).disconnectSockets(true);
  }

  private *localSockets(userIds: readonly string[]): Generator<ChatSocket> {
    const ns = this.ns();
    for (const userId of userIds) {
      for (const socketId of ns.adapter.rooms.get(userChannel(userId)) ?? []) {
        const socket = ns.sockets.get(socketId);
        if (socket) yield socket;
      }
    }
  }

  private emit<E extends ServerEvent>(
    target: { emit: (event: E, ...args: Parameters<ServerToClientEvents[E]>) => boolean },
    event: E,
    payload: ServerEventPayload<E>,
  ): void {
    target.emit(event, ...([payload] as Parameters<ServerToClientEvents[E]>));
  }

  private ns(): ChatNamespace {
    if (!this.namespace) throw new Error('the chat namespace is not initialised yet');
    return this.namespace;
  }
}
