import { createServer } from 'node:net';

/** A free port whose Redis Cluster bus port (port + 10000) is free as well. */
export async function freeClusterPort(taken: ReadonlySet<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 1024 + Math.floor(Math.random() * (55535 - 1024));
    // Never near the machine's shared Redis (6379), whatever interface it listens on.
    if (taken.has(port) || taken.has(port + 10000) || port === 6379 || port + 10000 === 6379)
      continue;
    if ((await isFree(port)) && (await isFree(port + 10000))) return port;
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

const isFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
