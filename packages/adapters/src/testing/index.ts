export * from './elasticsearch-mock.js';
