export * from './harness.js';
export * from './consumer-groups.conformance.js';
export * from './event-log.conformance.js';
export * from './message-store.conformance.js';
export * from './room-store.conformance.js';
export * from './user-store.conformance.js';
export * from './search-index.conformance.js';
export * from './presence.conformance.js';
