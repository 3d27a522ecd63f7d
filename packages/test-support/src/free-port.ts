import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports handed out here lie below the kernel's ephemeral range (the ports outgoing connections
 * take as their source). A port the OS picks with `listen(0)` lies inside it, and between the
 * pick and the child process binding it, any outgoing connection of the machine may take it:
 * a replica then failed to start with EADDRINUSE. Below that range only another listener can
 * take the port, and listeners here are started by the suites, which draw at random.
 */
const RANGE = ((): { low: number; high: number } | undefined => {
  try {
    const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (ephemeralLow !== undefined && ephemeralLow > 12_000) {
      return { low: 10_000, high: ephemeralLow - 1 };
    }
  } catch {
    // Not Linux: let the OS pick.
  }
  return undefined;
})();

const handedOut = new Set<number>();

/** Binds `port` (0: any) on 127.0.0.1 and releases it; resolves the port, or undefined if taken. */
function probe(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address ? address.port : undefined),
      );
    });
  });
}

/**
 * A TCP port free on 127.0.0.1 a moment ago, for a server the caller starts next: outside the
 * ephemeral range where the kernel allows it, and never the same twice in one process.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; RANGE && attempt < 50; attempt++) {
    const candidate = RANGE.low + Math.floor(Math.random() * (RANGE.high - RANGE.low + 1));
    if (handedOut.has(candidate)) continue;
    handedOut.add(candidate);
    if ((await probe(candidate)) !== undefined) return candidate;
    handedOut.delete(candidate);
  }
  const port = await probe(0);
  if (port === undefined) throw new Error('no free port on 127.0.0.1');
  handedOut.add(port);
  return port;
}
