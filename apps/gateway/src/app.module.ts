import {
  AttachmentService,
  AvatarService,
  HistoryReader,
  LiveDelivery,
  MessageService,
  PresenceService,
  ProfileService,
  RoomService,
  SessionService,
  RoomViews,
  SearchService,
  TypingService,
  UserService,
  systemClock,
} from '@chat/core';
import { Inject, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AttachmentLinks } from './attachments/attachment-links.js';
import { AttachmentSweeper } from './attachments/attachment-sweeper.js';
import { AvatarLinks } from './attachments/avatar-links.js';
import { LinkSigner } from './attachments/link-signer.js';
import { Authenticator } from './auth/authenticator.js';
import { TokenService } from './auth/token.service.js';
import { ChatGateway } from './chat/chat.gateway.js';
import { RateLimits } from './chat/rate-limits.js';
import { SocketGuard } from './chat/socket-guard.js';
import { SocketNotifier } from './chat/socket-notifier.js';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { AttachmentsController } from './http/attachments.controller.js';
import { AvatarsController } from './http/avatars.controller.js';
import { ChatController } from './http/chat.controller.js';
import { HealthController } from './http/health.controller.js';
import { HttpErrorFilter } from './http/http-error.filter.js';
import { ProfileController } from './http/profile.controller.js';
import { SessionController } from './http/session.controller.js';
import { INFRASTRUCTURE, type Infrastructure } from './infra/infrastructure.js';
import { LOGGER, type Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { EmbeddedSinks } from './sinks/embedded-sinks.js';

const SINKS = Symbol('SINKS');

/** What the download-link key is derived for from the guest-token secret. */
export const ATTACHMENT_LINK_KEY_PURPOSE = 'chat attachment links v1';

/**
 * Starts live delivery and the in-process sinks after boot; on shutdown stops them, drains the
 * sinks, then closes the adapters.
 */
class Lifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(LiveDelivery) private readonly live: LiveDelivery,
    @Inject(SINKS) private readonly sinks: EmbeddedSinks | undefined,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    @Inject(AttachmentSweeper) private readonly sweeper: AttachmentSweeper,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.live.start();
    await this.sinks?.start();
    this.sweeper.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeper.stop();
    await this.live.stop();
    await this.sinks?.stop();
    await this.infra.close();
    this.logger.info('stopped');
  }
}

/** Wires ports → services → gateway; core's classes stay free of Nest. */
function serviceProviders(config: AppConfig, logger: Logger): Provider[] {
  const factory = <T>(
    provide: abstract new (...args: never[]) => T,
    build: (infra: Infrastructure, notifier: SocketNotifier) => T,
  ): Provider => ({
    provide,
    useFactory: build,
    inject: [INFRASTRUCTURE, SocketNotifier],
  });
  return [
    factory(HistoryReader, (i) => new HistoryReader(i.log, i.messages)),
    {
      provide: RoomViews,
      useFactory: (i: Infrastructure, h: HistoryReader) => new RoomViews(i.log, i.rooms, h),
      inject: [INFRASTRUCTURE, HistoryReader],
    },
    factory(UserService, (i) => new UserService(i.users)),
    factory(SessionService, (i) => new SessionService(i.sessions)),
    {
      provide: AvatarService,
      useFactory: (i: Infrastructure, a: AttachmentService) =>
        new AvatarService(i.users, i.attachmentRecords, i.attachmentStore, a),
      inject: [INFRASTRUCTURE, AttachmentService],
    },
    {
      provide: ProfileService,
      useFactory: (i: Infrastructure, n: SocketNotifier, a: AvatarService, l: AvatarLinks) =>
        new ProfileService(i.users, i.rooms, n, a, (id) => l.present(id)),
      inject: [INFRASTRUCTURE, SocketNotifier, AvatarService, AvatarLinks],
    },
    {
      provide: Authenticator,
      useFactory: (t: TokenService, s: SessionService) => new Authenticator(t, s),
      inject: [TokenService, SessionService],
    },
    factory(LiveDelivery, (i, n) => new LiveDelivery(i.log, n)),
    factory(TypingService, (i, n) => new TypingService(i.rooms, i.presence, n)),
    {
      provide: PresenceService,
      useFactory: (i: Infrastructure, n: SocketNotifier, l: AvatarLinks) =>
        new PresenceService(i.presence, i.rooms, i.users, n, (id) => l.present(id)),
      inject: [INFRASTRUCTURE, SocketNotifier, AvatarLinks],
    },
    factory(SearchService, (i) => new SearchService(i.rooms, i.search)),
    {
      provide: MessageService,
      useFactory: (i: Infrastructure, n: SocketNotifier, h: HistoryReader, a: AttachmentService) =>
        new MessageService(i.log, i.rooms, h, n, systemClock, a),
      inject: [INFRASTRUCTURE, SocketNotifier, HistoryReader, AttachmentService],
    },
    factory(
      AttachmentService,
      (i) =>
        new AttachmentService(i.rooms, i.attachmentRecords, i.attachmentStore, config.attachments),
    ),
    {
      provide: RoomService,
      useFactory: (
        i: Infrastructure,
        n: SocketNotifier,
        v: RoomViews,
        m: MessageService,
        a: AttachmentService,
      ) =>
        new RoomService(i.rooms, i.users, i.log, v, m, n, systemClock, [
          // The room is gone either way; files left by a failure here are logged, not retried.
          (roomId) =>
            a.deleteRoom(roomId).catch((err: unknown) => {
              logger.error({ err, roomId }, 'deleting the attachments of a room failed');
            }),
        ]),
      inject: [INFRASTRUCTURE, SocketNotifier, RoomViews, MessageService, AttachmentService],
    },
    {
      provide: AttachmentSweeper,
      useFactory: (a: AttachmentService) =>
        new AttachmentSweeper(a, config.attachments.sweepIntervalMs, logger),
      inject: [AttachmentService],
    },
  ];
}

@Module({})
export class AppModule {
  static register(
    config: AppConfig,
    infra: Infrastructure,
    logger: Logger,
    metrics: Metrics,
  ): DynamicModule {
    const tokens = new TokenService(config.auth, config.dataDir);
    const linkKey = config.attachments.linkSecret
      ? new TextEncoder().encode(config.attachments.linkSecret)
      : tokens.deriveKey(ATTACHMENT_LINK_KEY_PURPOSE);
    const linkSigner = new LinkSigner(linkKey, systemClock);
    return {
      module: AppModule,
      controllers: [
        HealthController,
        SessionController,
        ProfileController,
        ChatController,
        AttachmentsController,
        AvatarsController,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: INFRASTRUCTURE, useValue: infra },
        { provide: LOGGER, useValue: logger },
        { provide: Metrics, useValue: metrics },
        { provide: SocketNotifier, useValue: new SocketNotifier() },
        { provide: TokenService, useValue: tokens },
        {
          provide: AttachmentLinks,
          useValue: new AttachmentLinks(linkSigner, config.attachments.linkTtlMs),
        },
        {
          provide: AvatarLinks,
          useValue: new AvatarLinks(linkSigner, config.attachments.linkTtlMs),
        },
        {
          provide: RateLimits,
          useValue: new RateLimits(config.rateLimits, infra.redis, config.scaled?.REDIS_KEY_PREFIX),
        },
        { provide: SocketGuard, useValue: new SocketGuard(config.socketLimits) },
        {
          provide: SINKS,
          useValue:
            infra.mode === 'embedded'
              ? new EmbeddedSinks(infra, metrics.registry, logger)
              : undefined,
        },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        ...serviceProviders(config, logger),
        Lifecycle,
        ChatGateway,
      ],
    };
  }
}
