import { describeSessionStoreConformance } from '../conformance/index.js';
import { SqliteSessionStore } from './sqlite-session-store.js';
import { tempFactory } from './temp-database.js';

describeSessionStoreConformance(
  SqliteSessionStore.name,
  tempFactory((db) => new SqliteSessionStore(db)),
);
