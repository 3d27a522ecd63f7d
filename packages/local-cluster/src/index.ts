export * from './cluster.js';
export * from './entrypoints.js';
export * from './managed-process.js';
export * from './nginx.js';
export * from './services.js';
export * from './requirements.js';
