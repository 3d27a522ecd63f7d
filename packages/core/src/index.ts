export * from './ports/index.js';
export * from './services/index.js';
export * from './sink/index.js';
export * from './embedded/index.js';
export * from './search/highlight.js';
export * from './search/search-cost.js';
export * from './search/tokenize.js';
export * from './attachments/index.js';
