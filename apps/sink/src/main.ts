import { pino } from 'pino';
import { ConfigError, loadSinkConfig } from './config.js';
import { startHealthServer } from './health-server.js';
import { SinkWorker } from './sink-worker.js';

/** Entry point of a sink worker: `SINKS=store,search pnpm start:sink`. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadSinkConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel, base: { service: 'sink' } });
  const worker = new SinkWorker(config, logger);
  const health = await startHealthServer(worker, config.host, config.healthPort);
  await worker.start();
  process.stdout.write(`sink worker ready (${config.sinks.join(',')}) health on :${health.port}\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
    worker
      .stop()
      .then(() => health.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
