export * from './sqlite.js';
export * from './sqlite-event-log.js';
export * from './sqlite-message-store.js';
export * from './sqlite-room-store.js';
export * from './sqlite-user-store.js';
export * from './sqlite-search-index.js';
export * from './memory-presence-store.js';
export * from './embedded-adapters.js';
