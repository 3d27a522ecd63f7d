import { answerChecks, type DependencyCheck } from '@chat/core';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthSource {
  registry: Registry;
  checks: readonly DependencyCheck[];
}

/** `/health` (alive), `/ready` (every dependency answers, else 503), `/metrics` (Prometheus). */
export async function startHealthServer(source: HealthSource, host: string, port: number) {
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const route = async () => {
      switch (req.url ?? '') {
        case '/health':
          return reply(200, { status: 'ok' });
        case '/ready': {
          const { httpStatus, body } = await answerChecks(source.checks, 'ready');
          return reply(httpStatus, body);
        }
        case '/metrics':
          return reply(200, await source.registry.metrics(), source.registry.contentType);
        default:
          return reply(404, { code: 'NOT_FOUND', message: `no route ${req.url ?? ''}` });
      }
    };
    route().catch((error: unknown) => reply(500, { code: 'INTERNAL', message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
