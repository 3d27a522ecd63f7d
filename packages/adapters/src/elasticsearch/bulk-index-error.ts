import { PermanentSinkError } from '@chat/core';

/** One message Elasticsearch refused to index. */
export interface BulkFailure {
  /** The message id (= document `_id`). */
  id: string;
  /** The item's HTTP status; 0 when retries ran out on a transient status. */
  status: number;
  reason: string;
  /** False for a permanent rejection (4xx other than 429): retrying cannot help. */
  retryable: boolean;
}

/**
 * Thrown by `putBatch` after the rest of the batch is indexed, naming the messages that
 * were not. As a `PermanentSinkError` it names the permanently refused messages, which the sink
 * loop dead-letters; the others (retries ran out) are retried with the rest of the batch.
 */
export class BulkIndexError extends PermanentSinkError {
  constructor(readonly failures: readonly BulkFailure[]) {
    super(
      failures.filter((f) => !f.retryable).map((f) => f.id),
      `Elasticsearch refused ${failures.length} message(s): ` +
        failures.map((f) => `${f.id} (${f.status} ${f.reason})`).join('; '),
    );
    this.name = 'BulkIndexError';
  }

  /** True when every failure is permanent. */
  get permanent(): boolean {
    return this.failures.every((f) => !f.retryable);
  }
}
