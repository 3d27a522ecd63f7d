import type { LogEnvelope } from '@chat/contracts';

/**
 * One destination of the event log (the message store, the search index). `handle` must be
 * idempotent: after a crash the same entries are delivered again. A rejection means "try the
 * whole batch again later" unless it is a `PermanentSinkError`.
 */
export interface Sink {
  readonly name: string;
  handle(envelopes: readonly LogEnvelope[]): Promise<void>;
}

/**
 * Thrown by a sink for entries that can never be written (e.g. rejected by the index mapping).
 * The runner dead-letters exactly those entries and acks the rest.
 */
export class PermanentSinkError extends Error {
  constructor(
    readonly envelopeIds: readonly string[],
    message: string,
  ) {
    super(message);
    this.name = 'PermanentSinkError';
  }
}

/**
 * Splits envelopes into runs so that a room deletion is applied after the messages logged
 * before it and before those logged after it.
 */
export async function inRuns(
  envelopes: readonly LogEnvelope[],
  onMessages: (
    batch: Extract<LogEnvelope, { type: 'message.created' }>['payload'][],
  ) => Promise<void>,
  onRoomDeleted: (roomId: string) => Promise<void>,
): Promise<void> {
  let batch: Extract<LogEnvelope, { type: 'message.created' }>['payload'][] = [];
  const flush = async () => {
    if (batch.length > 0) await onMessages(batch);
    batch = [];
  };
  for (const envelope of envelopes) {
    switch (envelope.type) {
      case 'message.created':
        batch.push(envelope.payload);
        break;
      case 'room.deleted':
        await flush();
        await onRoomDeleted(envelope.payload.roomId);
        break;
    }
  }
  await flush();
}
