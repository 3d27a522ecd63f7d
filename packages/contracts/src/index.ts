export * from './errors.js';
export * from './limits.js';
export * from './models.js';
export * from './events.js';
export * from './envelope.js';
export * from './session.js';
export * from './search-terms.js';
export * from './changes.js';
