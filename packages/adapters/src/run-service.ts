import { ConfigError } from './config-error.js';

/** A started service, as its entry point hands it to {@link runService}. */
export interface RunningService {
  /** Printed on stdout once the service serves (scripts and tests wait for it). */
  readyLine: string;
  /** Stops taking work, finishes what is in hand, and closes every connection. */
  close(): Promise<void>;
}

/**
 * The entry point of a service process (the gateway, the sink worker):
 *
 * - loads the configuration; a {@link ConfigError} prints its problems and exits 2;
 * - starts the service and prints its ready line; a failure to start exits 1;
 * - on SIGINT or SIGTERM closes it once and exits 0, or 1 when closing fails or takes longer
 *   than the configuration's `shutdownTimeoutMs`.
 */
export function runService<Config extends { shutdownTimeoutMs: number }>(
  loadConfig: () => Config,
  start: (config: Config) => Promise<RunningService>,
): void {
  void main(loadConfig, start).catch((error: unknown) => {
    process.stderr.write(
      `failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}

async function main<Config extends { shutdownTimeoutMs: number }>(
  loadConfig: () => Config,
  start: (config: Config) => Promise<RunningService>,
): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const service = await start(config);
  process.stdout.write(`${service.readyLine}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      process.stderr.write(`shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting\n`);
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown after ${signal} failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
