import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

const PING_TIMEOUT_MS = 2000;

export interface HealthSource {
  registry: Registry;
  checks: { name: string; ping: () => Promise<void> }[];
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
          const failing = await failingChecks(source.checks);
          return failing.length === 0
            ? reply(200, { status: 'ready' })
            : reply(503, {
                code: 'UNAVAILABLE',
                message: failing.map((f) => `${f.name}: ${f.error}`).join('; '),
                failing: failing.map((f) => f.name),
              });
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

async function failingChecks(
  checks: HealthSource['checks'],
): Promise<{ name: string; error: string }[]> {
  const results = await Promise.all(
    checks.map(async ({ name, ping }) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          ping(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('no answer')), PING_TIMEOUT_MS);
          }),
        ]);
        return undefined;
      } catch (error) {
        return { name, error: error instanceof Error ? error.message : String(error) };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return results.filter((r) => r !== undefined);
}
