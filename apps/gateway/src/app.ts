import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module.js';
import { ChatIoAdapter } from './chat/chat-io.adapter.js';
import type { AppConfig } from './config/config.js';
import { BrowserRequestGuard } from './http/browser-request.guard.js';
import { OriginPolicy } from './http/origin-policy.js';
import { securityHeaders } from './http/security-headers.js';
import { serveWebApp } from './http/web-app.js';
import { createInfrastructure } from './infra/infrastructure.js';
import { createLogger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';

export interface RunningApp {
  /** e.g. `http://127.0.0.1:3000` */
  url: string;
  port: number;
  /** Stops intake, drains the sinks, closes every adapter. */
  close(): Promise<void>;
}

/** Builds and starts the gateway for `config`; `port: 0` picks a free port (tests). */
export async function startApp(config: AppConfig): Promise<RunningApp> {
  const logger = createLogger(config);
  const infra = createInfrastructure(config, logger);
  await infra.provision();
  const metrics = new Metrics();
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register(config, infra, logger, metrics),
    // JSON bodies only: nothing parses a form or text body, and BrowserRequestGuard refuses it.
    { logger: false, bodyParser: false },
  );
  app.use(securityHeaders());
  app.useBodyParser('json', { limit: '16kb' });
  app.useGlobalGuards(new BrowserRequestGuard(new OriginPolicy(config.corsOrigins)));
  app.useWebSocketAdapter(
    new ChatIoAdapter(app, config, infra.redis, (err, event) =>
      logger.error({ err, event }, 'event handler failed'),
    ),
  );
  app.disable('x-powered-by');
  serveWebApp(app.getHttpAdapter().getInstance(), config.webDist);
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  logger.info({ port, mode: infra.mode, dataDir: config.dataDir }, 'listening');
  return { url: `http://${host}:${port}`, port, close: () => app.close() };
}
