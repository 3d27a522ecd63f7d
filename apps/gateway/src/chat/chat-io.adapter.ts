import { SOCKET_PATH } from '@chat/contracts';
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Cluster, Redis } from 'ioredis';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
import type { AppConfig } from '../config/config.js';
import { OriginPolicy } from '../http/origin-policy.js';
import { securityHeaders } from '../http/security-headers.js';
import { allowHandshake, closeSessionOnOversizedPost } from './engine-policy.js';

/**
 * Socket.IO server options of the chat endpoint: path, frame limit (over it a long-polling
 * session closes too), CORS, transports, the handshake's origin check (no JSONP), and — with a
 * Redis connection — the Redis adapter that fans events out across replicas.
 */
export class ChatIoAdapter extends IoAdapter {
  private readonly fanOutClients: (Redis | Cluster)[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly redis?: Redis | Cluster,
    private readonly onHandlerError: (error: unknown, event: string) => void = () => undefined,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    const chatOptions: Partial<ServerOptions> = {
      ...options,
      path: SOCKET_PATH,
      maxHttpBufferSize: this.config.maxHttpBufferSize,
      transports: ['websocket', 'polling'],
      cors: this.config.corsOrigins
        ? { origin: this.config.corsOrigins, credentials: true }
        : { origin: false },
      serveClient: false,
      allowRequest: allowHandshake(new OriginPolicy(this.config.corsOrigins)),
      ...(this.redis ? { adapter: this.redisAdapter(this.redis) } : {}),
    };
    const server: Server = super.createIOServer(port, chatOptions as ServerOptions);
    server.engine.use(securityHeaders());
    closeSessionOnOversizedPost(server);
    // Engine.io keeps each session's first HTTP request (headers, socket, parser state) for
    // its whole life; nothing here reads it after the handshake, so let it go (Socket.IO's
    // "Memory usage" guide): a few KB less per idle connection.
    server.engine.on('connection', (raw: { request: unknown }) => {
      raw.request = null;
    });
    return server;
  }

  /**
   * Nest wires every event of every socket through its own rxjs pipeline (about four
   * subscribers per event, per connection). Our handlers answer through the ack themselves and
   * catch their own errors, so one plain listener per event does the same with a fraction of
   * the memory per idle connection.
   */
  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    _transform: (data: unknown) => Observable<unknown>,
  ): void {
    for (const { message, callback } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        const ack = typeof args.at(-1) === 'function' ? args.pop() : undefined;
        Promise.resolve(callback(args[0], ack)).catch((error: unknown) =>
          this.onHandlerError(error, String(message)),
        );
      });
    }
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    for (const client of this.fanOutClients) client.disconnect();
  }

  private redisAdapter(redis: Redis | Cluster) {
    // Cluster and Redis both have duplicate(), with signatures TypeScript cannot unify.
    const duplicate = () => (redis as Redis).duplicate();
    const pub = duplicate();
    const sub = duplicate();
    this.fanOutClients.push(pub, sub);
    return createAdapter(pub, sub, {
      key: `${this.config.scaled?.REDIS_KEY_PREFIX ?? 'chat'}:socket.io`,
    });
  }
}
