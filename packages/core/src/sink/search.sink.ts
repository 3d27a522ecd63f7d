import { isChangeKind, type LogEnvelope } from '@chat/contracts';
import type { SearchIndex } from '../ports/index.js';
import { inRuns, type Sink } from './sink.js';

/**
 * Indexes user messages (system messages are not searchable), then applies the run's edits and
 * deletions (a change always follows its target); applies room deletions.
 */
export class SearchSink implements Sink {
  readonly name = 'search';

  constructor(private readonly index: SearchIndex) {}

  handle(envelopes: readonly LogEnvelope[]): Promise<void> {
    return inRuns(
      envelopes,
      async (messages) => {
        const userMessages = messages.filter((m) => m.kind === 'user');
        if (userMessages.length > 0) await this.index.putBatch(userMessages);
        const changes = messages.filter((m) => isChangeKind(m.kind) && m.kind !== 'reaction');
        if (changes.length > 0) await this.index.applyChanges(changes);
      },
      (roomId) => this.index.deleteRoom(roomId),
    );
  }
}
