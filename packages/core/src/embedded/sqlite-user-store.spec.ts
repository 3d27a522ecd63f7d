import { describeUserStoreConformance } from '../conformance/index.js';
import { SqliteUserStore } from './sqlite-user-store.js';
import { tempFactory } from './temp-database.js';

describeUserStoreConformance(
  SqliteUserStore.name,
  tempFactory((db) => new SqliteUserStore(db)),
);
