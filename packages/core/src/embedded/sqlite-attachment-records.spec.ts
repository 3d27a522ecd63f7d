import { describeAttachmentRecordsConformance } from '../conformance/index.js';
import { SqliteAttachmentRecords } from './sqlite-attachment-records.js';
import { tempFactory } from './temp-database.js';

describeAttachmentRecordsConformance(
  SqliteAttachmentRecords.name,
  tempFactory((db) => new SqliteAttachmentRecords(db)),
);
