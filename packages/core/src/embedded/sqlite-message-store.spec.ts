import { describeMessageStoreConformance } from '../conformance/index.js';
import { SqliteMessageStore } from './sqlite-message-store.js';
import { tempFactory } from './temp-database.js';

describeMessageStoreConformance(
  SqliteMessageStore.name,
  tempFactory((db) => new SqliteMessageStore(db)),
);
