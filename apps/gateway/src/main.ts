import { runService } from '@chat/adapters';
import { loadConfig } from './config/config.js';
import { startApp } from './app.js';

/** Entry point: parse config, start, and shut down gracefully on SIGINT/SIGTERM. */
runService(loadConfig, async (config) => {
  const app = await startApp(config);
  return { readyLine: `chat gateway ready on ${app.url}`, close: () => app.close() };
});
