import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { SOCKET_PATH } from '@chat/contracts';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../config/config.js';

/** Socket.IO server options of the chat endpoint: path, frame limit, CORS, transports. */
export class ChatIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
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
    };
    return super.createIOServer(port, chatOptions as ServerOptions);
  }
}
