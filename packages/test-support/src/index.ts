export * from './chat-client.js';
export * from './free-port.js';
export * from './poll.js';
export * from './rate-limits.js';
export * from './budgets.js';
export * from './uploads.js';
