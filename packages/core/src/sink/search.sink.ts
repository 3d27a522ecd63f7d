import type { LogEnvelope } from '@chat/contracts';
import type { SearchIndex } from '../ports/index.js';
import { inRuns, type Sink } from './sink.js';

/** Indexes user messages (system messages are not searchable); applies room deletions. */
export class SearchSink implements Sink {
  readonly name = 'search';

  constructor(private readonly index: SearchIndex) {}

  handle(envelopes: readonly LogEnvelope[]): Promise<void> {
    return inRuns(
      envelopes,
      async (messages) => {
        const userMessages = messages.filter((m) => m.kind === 'user');
        if (userMessages.length > 0) await this.index.indexBatch(userMessages);
      },
      (roomId) => this.index.deleteRoom(roomId),
    );
  }
}
