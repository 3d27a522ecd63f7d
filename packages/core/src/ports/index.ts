export * from './page.js';
export * from './event-log.port.js';
export * from './message-store.port.js';
export * from './room-store.port.js';
export * from './user-store.port.js';
export * from './search-index.port.js';
export * from './presence.port.js';
export * from './notifier.port.js';
