import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster } from './cluster.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * `pnpm start:cluster`: PORT (nginx, default 3000), GATEWAY_PORTS (default 4001,4002),
 * DATA_DIR (default ./data/cluster). Prints `ready` when every part answers; stops everything
 * it started on SIGINT or SIGTERM, and leaves nothing running however else it ends. A missing
 * program (nginx, redis-server, …) is one line naming the package, before anything starts.
 */
async function main(): Promise<void> {
  const port = Number(process.env['PORT'] ?? 3000);
  const gatewayPorts = (process.env['GATEWAY_PORTS'] ?? '4001,4002').split(',').map(Number);
  // `pnpm start:cluster` runs in this package; relative paths mean the caller's folder.
  const base = process.env['INIT_CWD'] ?? process.cwd();
  const dataDir = path.resolve(
    base,
    process.env['DATA_DIR'] ?? path.join(REPO_ROOT, 'data/cluster'),
  );
  const bad = [port, ...gatewayPorts].filter((p) => !Number.isInteger(p) || p <= 0 || p > 65535);
  if (bad.length > 0) {
    process.stderr.write(`invalid port(s) in PORT / GATEWAY_PORTS: ${bad.join(', ')}\n`);
    process.exit(2);
  }
  const cluster = await startCluster({ port, gatewayPorts, dataDir });
  process.stdout.write(
    `web and chat on ${cluster.url} (gateways ${gatewayPorts.join(', ')}, data in ${dataDir})\nready\n`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    cluster.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`stopping failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `cluster failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
