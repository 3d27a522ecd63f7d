export * from './sink.js';
export * from './store.sink.js';
export * from './search.sink.js';
export * from './sink-runner.js';
export * from './sink-metrics.js';
