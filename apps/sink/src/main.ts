import { runService } from '@chat/adapters';
import { pino } from 'pino';
import { loadSinkConfig } from './config.js';
import { startHealthServer } from './health-server.js';
import { SinkWorker } from './sink-worker.js';

/** Entry point of a sink worker: `SINKS=store,search pnpm start:sink`. */
runService(loadSinkConfig, async (config) => {
  const logger = pino({ level: config.logLevel, base: { service: 'sink' } });
  const worker = new SinkWorker(config, logger);
  const health = await startHealthServer(worker, config.host, config.healthPort);
  await worker.start();
  return {
    readyLine: `sink worker ready (${config.sinks.join(',')}) health on :${health.port}`,
    close: async () => {
      await worker.stop();
      await health.close();
    },
  };
});
