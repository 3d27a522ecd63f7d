import type { LogEnvelope } from '@chat/contracts';
import type { MessageStore } from '../ports/index.js';
import { inRuns, type Sink } from './sink.js';

/** Writes every message (user and system) to the message store; applies room deletions. */
export class StoreSink implements Sink {
  readonly name = 'store';

  constructor(private readonly store: MessageStore) {}

  handle(envelopes: readonly LogEnvelope[]): Promise<void> {
    return inRuns(
      envelopes,
      (messages) => this.store.putBatch(messages),
      (roomId) => this.store.deleteRoom(roomId),
    );
  }
}
