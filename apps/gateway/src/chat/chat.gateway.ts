import {
  CHAT_NAMESPACE,
  ChatError,
  CLIENT_EVENT_SCHEMAS,
  DEFAULT_PAGE_LIMIT,
  type Ack,
  type ClientAckData,
  type ClientEventName,
} from '@chat/contracts';
import {
  MessageService,
  PresenceService,
  ProfileService,
  RoomService,
  SearchService,
  TypingService,
  UserService,
  searchCost,
} from '@chat/core';
import { Inject } from '@nestjs/common';
import {
  Ack as AckParam,
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import { z } from 'zod';
import { Authenticator } from '../auth/authenticator.js';
import { TokenService } from '../auth/token.service.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { LOGGER, type Logger } from '../observability/logger.js';
import { Metrics } from '../observability/metrics.js';
import { toErrorBody } from '../errors.js';
import { RateLimits, type LimitedAction } from './rate-limits.js';
import { SocketGuard } from './socket-guard.js';
import {
  roomChannel,
  sessionChannel,
  SocketNotifier,
  userChannel,
  type ChatNamespace,
  type ChatSocket,
} from './socket-notifier.js';

type AckFn = (res: Ack<unknown>) => void;
type Payload<E extends ClientEventName> = z.output<(typeof CLIENT_EVENT_SCHEMAS)[E]>;

/**
 * The Socket.IO endpoint: authenticates connections, subscribes them to their rooms, and turns
 * each client event into one service call — parse → authorise → call → ack.
 */
@WebSocketGateway({ namespace: CHAT_NAMESPACE })
export class ChatGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown
{
  private namespace: ChatNamespace | undefined;
  /** Presence updates of closed sockets still under way, drained before shutdown. */
  private readonly departures = new Set<Promise<void>>();

  constructor(
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(Authenticator) private readonly auth: Authenticator,
    @Inject(UserService) private readonly users: UserService,
    @Inject(ProfileService) private readonly profiles: ProfileService,
    @Inject(RoomService) private readonly rooms: RoomService,
    @Inject(MessageService) private readonly messages: MessageService,
    @Inject(TypingService) private readonly typingService: TypingService,
    @Inject(PresenceService) private readonly presence: PresenceService,
    @Inject(SearchService) private readonly searchService: SearchService,
    @Inject(RateLimits) private readonly limits: RateLimits,
    @Inject(SocketGuard) private readonly guard: SocketGuard,
    @Inject(SocketNotifier) private readonly notifier: SocketNotifier,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  afterInit(namespace: ChatNamespace): void {
    this.namespace = namespace;
    this.notifier.attach(namespace);
    namespace.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error: unknown) => {
          const body = toErrorBody(error, this.logger, 'connect');
          const err = Object.assign(new Error(body.message), { data: { code: body.code } });
          next(err);
        },
      );
    });
  }

  handleConnection(socket: ChatSocket): void {
    const { user, roomIds, sessionId } = socket.data;
    this.guard.watch(socket);
    this.metrics.connections.inc();
    // Synchronously, before any event of this socket is handled or any emit can miss it.
    void socket.join([
      userChannel(user.id),
      ...(sessionId === undefined ? [] : [sessionChannel(sessionId)]),
      ...roomIds.map(roomChannel),
    ]);
    this.afterConnect(socket).catch((error: unknown) =>
      this.logger.error({ err: error, userId: user.id }, 'connection setup failed'),
    );
  }

  handleDisconnect(socket: ChatSocket): void {
    const { user } = socket.data;
    if (!user) return;
    this.metrics.connections.dec();
    const departure = this.presence
      .disconnected(user.id, socket.id)
      .catch((error: unknown) => this.logger.error({ err: error }, 'presence update failed'))
      .finally(() => this.departures.delete(departure));
    this.departures.add(departure);
  }

  /**
   * Before the server and the fan-out connections close: closes this replica's sockets and
   * waits for their presence updates, which still publish through the fan-out.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.namespace?.local.disconnectSockets(true);
    await Promise.all([...this.departures]);
  }

  @SubscribeMessage('register')
  register(@ConnectedSocket() s: ChatSocket, @MessageBody() p: unknown, @AckParam() ack?: AckFn) {
    return this.handle(s, 'register', p, ack, async (user, payload) => {
      if (payload.userId !== undefined && payload.userId !== user.id) {
        throw new ChatError('FORBIDDEN', 'you can only register as yourself');
      }
      await this.limits.consume('event', user.id);
      const [stored, rooms] = await Promise.all([
        this.profiles.find(user.id),
        this.rooms.list(user.id),
      ]);
      const limits = { attachmentMaxBytes: this.config.attachments.maxBytes };
      return { user: { ...user, ...stored, online: true }, rooms, limits };
    });
  }

  @SubscribeMessage('set_profile')
  setProfile(@ConnectedSocket() s: ChatSocket, @MessageBody() p: unknown, @AckParam() ack?: AckFn) {
    return this.handle(s, 'set_profile', p, ack, (user, { displayName }) =>
      this.limited('event', user.id, async () => ({
        user: { ...(await this.profiles.setDisplayName(user.id, displayName)), online: true },
      })),
    );
  }

  @SubscribeMessage('get_users')
  getUsers(@ConnectedSocket() s: ChatSocket, @MessageBody() p: unknown, @AckParam() ack?: AckFn) {
    return this.handle(s, 'get_users', p, ack, (user, payload) =>
      this.limited('event', user.id, async () => ({
        users: await this.presence.directory(
          user.id,
          payload.query ?? '',
          payload.limit ?? DEFAULT_PAGE_LIMIT,
          payload.ids,
        ),
      })),
    );
  }

  @SubscribeMessage('create_room')
  createRoom(@ConnectedSocket() s: ChatSocket, @MessageBody() p: unknown, @AckParam() ack?: AckFn) {
    return this.handle(s, 'create_room', p, ack, async (user, payload) => {
      if (payload.hostId !== undefined && payload.hostId !== user.id) {
        throw new ChatError('FORBIDDEN', 'hostId must be your own id');
      }
      await this.limits.consume('room', user.id);
      return { room: await this.rooms.create(user.id, payload) };
    });
  }

  @SubscribeMessage('join_room')
  joinRoom(@ConnectedSocket() s: ChatSocket, @MessageBody() p: unknown, @AckParam() ack?: AckFn) {
    return this.handle(s, 'join_room', p, ack, async (user, { roomId, userId }) => {
      // The reference's clients invite with `join_room { roomId, userId: <someone else> }`: kept
      // on the wire, and taken by the one invite path, as `invite { roomId, userIds: [userId] }`.
      if (userId !== undefined && userId !== user.id) {
        return this.inviteTo(user.id, roomId, [userId]);
      }
      await this.limits.consume('event', user.id);
      const page = await this.messages.page(user.id, { roomId, limit: DEFAULT_PAGE_LIMIT });
      const room = await this.rooms.get(user.id, roomId);
      void s.join(roomChannel(roomId));
      s.emit('joined_room', { roomId, room });
      s.emit('receive_messages', { roomId, ...page });
      return { room, ...page };
    });
  }

  @SubscribeMessage('invite')
  invite(@ConnectedSocket() s: ChatSocket, @MessageBody() p: unknown, @AckParam() ack?: AckFn) {
    return this.handle(s, 'invite', p, ack, (user, { roomId, userIds }) =>
      this.inviteTo(user.id, roomId, userIds),
    );
  }

  /** The one invite path, for `invite` and for `join_room` naming someone else. */
  private inviteTo(callerId: string, roomId: string, userIds: readonly string[]) {
    return this.limited('event', callerId, async () => ({
      room: await this.rooms.invite(callerId, roomId, userIds),
    }));
  }

  @SubscribeMessage('leave_room')
  leaveRoom(@ConnectedSocket() s: ChatSocket, @MessageBody() p: unknown, @AckParam() ack?: AckFn) {
    return this.handle(s, 'leave_room', p, ack, async (user, { roomId }) => {
      await this.limits.consume('event', user.id);
      await this.rooms.leave(user.id, roomId);
      return {};
    });
  }

  @SubscribeMessage('mute_room')
  muteRoom(@ConnectedSocket() s: ChatSocket, @MessageBody() p: unknown, @AckParam() ack?: AckFn) {
    return this.handle(s, 'mute_room', p, ack, (user, { roomId, muted }) =>
      this.limited('event', user.id, () => this.rooms.mute(user.id, roomId, muted)),
    );
  }

  @SubscribeMessage('delete_room')
  deleteRoom(@ConnectedSocket() s: ChatSocket, @MessageBody() p: unknown, @AckParam() ack?: AckFn) {
    return this.handle(s, 'delete_room', p, ack, async (user, { roomId }) => {
      await this.limits.consume('event', user.id);
      await this.rooms.delete(user.id, roomId);
      return {};
    });
  }

  @SubscribeMessage('update_room')
  updateRoom(@ConnectedSocket() s: ChatSocket, @MessageBody() p: unknown, @AckParam() ack?: AckFn) {
    return this.handle(s, 'update_room', p, ack, (user, payload) =>
      this.limited('event', user.id, async () => ({
        room: await this.rooms.update(user.id, payload),
      })),
    );
  }

  @SubscribeMessage('remove_member')
  removeMember(
    @ConnectedSocket() s: ChatSocket,
    @MessageBody() p: unknown,
    @AckParam() ack?: AckFn,
  ) {
    return this.handle(s, 'remove_member', p, ack, (user, { roomId, userId }) =>
      this.limited('event', user.id, async () => ({
        room: await this.rooms.removeMember(user.id, roomId, userId),
      })),
    );
  }

  @SubscribeMessage('send_message')
  sendMessage(
    @ConnectedSocket() s: ChatSocket,
    @MessageBody() p: unknown,
    @AckParam() ack?: AckFn,
  ) {
    return this.handle(s, 'send_message', p, ack, (user, payload) =>
      this.limited('message', user.id, () => this.messages.send(user.id, payload)),
    );
  }

  @SubscribeMessage('edit_message')
  editMessage(
    @ConnectedSocket() s: ChatSocket,
    @MessageBody() p: unknown,
    @AckParam() ack?: AckFn,
  ) {
    return this.handle(s, 'edit_message', p, ack, (user, payload) =>
      this.limited('message', user.id, () => this.messages.edit(user.id, payload)),
    );
  }

  @SubscribeMessage('delete_message')
  deleteMessage(
    @ConnectedSocket() s: ChatSocket,
    @MessageBody() p: unknown,
    @AckParam() ack?: AckFn,
  ) {
    return this.handle(s, 'delete_message', p, ack, (user, payload) =>
      this.limited('message', user.id, () => this.messages.delete(user.id, payload)),
    );
  }

  @SubscribeMessage('react')
  react(@ConnectedSocket() s: ChatSocket, @MessageBody() p: unknown, @AckParam() ack?: AckFn) {
    return this.handle(s, 'react', p, ack, (user, payload) =>
      this.limited('message', user.id, () => this.messages.react(user.id, payload)),
    );
  }

  @SubscribeMessage('get_thread')
  getThread(@ConnectedSocket() s: ChatSocket, @MessageBody() p: unknown, @AckParam() ack?: AckFn) {
    return this.handle(s, 'get_thread', p, ack, (user, payload) =>
      this.limited('event', user.id, () => this.messages.thread(user.id, payload)),
    );
  }

  @SubscribeMessage('open_direct')
  openDirect(@ConnectedSocket() s: ChatSocket, @MessageBody() p: unknown, @AckParam() ack?: AckFn) {
    return this.handle(s, 'open_direct', p, ack, (user, payload) =>
      this.limited('room', user.id, async () => ({
        room: await this.rooms.openDirect(user.id, payload.userId),
      })),
    );
  }

  @SubscribeMessage('typing')
  typing(@ConnectedSocket() s: ChatSocket, @MessageBody() p: unknown, @AckParam() ack?: AckFn) {
    return this.handle(s, 'typing', p, ack, async (user, payload) => {
      // Own budget: the relay throttle does not cover stops, nor starts spread over many rooms.
      await this.limits.consume('typing', user.id);
      await this.typingService.typing(user.id, payload);
      return {};
    });
  }

  @SubscribeMessage('get_messages')
  getMessages(
    @ConnectedSocket() s: ChatSocket,
    @MessageBody() p: unknown,
    @AckParam() ack?: AckFn,
  ) {
    return this.handle(s, 'get_messages', p, ack, (user, payload) =>
      this.limited('event', user.id, () => this.messages.page(user.id, payload)),
    );
  }

  @SubscribeMessage('search')
  search(@ConnectedSocket() s: ChatSocket, @MessageBody() p: unknown, @AckParam() ack?: AckFn) {
    return this.handle(s, 'search', p, ack, (user, payload) =>
      this.limits
        .consume('search', user.id, searchCost(payload))
        .then(() => this.searchService.search(user.id, payload)),
    );
  }

  @SubscribeMessage('mark_read')
  markRead(@ConnectedSocket() s: ChatSocket, @MessageBody() p: unknown, @AckParam() ack?: AckFn) {
    return this.handle(s, 'mark_read', p, ack, async (user, payload) => {
      await this.limits.consume('event', user.id);
      await this.messages.markRead(user.id, payload);
      return {};
    });
  }

  private async authenticate(socket: ChatSocket): Promise<void> {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const { user, sessionId } = await this.auth.authenticate(auth?.token);
    // Before any store is read for the connection: a user at the cap costs one check.
    const release = this.guard.admit(socket, user.id);
    try {
      // Guests entered the directory when they claimed their name; IdP users on first sight.
      if (this.tokens.mode === 'jwt') await this.users.seen(user);
      const rooms = await this.rooms.memberships(user.id);
      socket.data = {
        user,
        ...(sessionId !== undefined && { sessionId }),
        roomIds: rooms.map((r) => r.roomId),
      };
    } catch (error) {
      release();
      throw error;
    }
  }

  private async afterConnect(socket: ChatSocket): Promise<void> {
    const { user } = socket.data;
    // Rooms created between authentication and the join above.
    const rooms = await this.rooms.memberships(user.id);
    void socket.join(rooms.map((r) => roomChannel(r.roomId)));
    await this.presence.connected(user.id, socket.id, rooms);
  }

  private async limited<T>(action: LimitedAction, userId: string, run: () => Promise<T>) {
    await this.limits.consume(action, userId);
    return run();
  }

  /** Parses the payload, runs the event, and answers through the ack or an `exception`. */
  private async handle<E extends ClientEventName>(
    socket: ChatSocket,
    event: E,
    raw: unknown,
    ack: AckFn | undefined,
    run: (user: ChatSocket['data']['user'], payload: Payload<E>) => Promise<ClientAckData[E]>,
  ): Promise<void> {
    try {
      const payload = CLIENT_EVENT_SCHEMAS[event].parse(raw ?? {}) as Payload<E>;
      const data = await run(socket.data.user, payload);
      ack?.({ ok: true, data });
      this.metrics.events.inc({ event, code: 'OK' });
    } catch (error) {
      const body = toErrorBody(error, this.logger, event);
      this.metrics.events.inc({ event, code: body.code });
      if (ack) ack({ ok: false, error: body });
      else socket.emit('exception', { event, ...body });
      if (error instanceof z.ZodError) this.guard.malformed(socket, event);
    }
  }
}
