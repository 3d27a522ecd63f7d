import type { Message } from '@chat/contracts';
import type { EventLog, Notifier } from '../ports/index.js';

/**
 * Delivers messages from the log's live feed to this process's connections: user messages as
 * `receive_message`, system messages as `system`, changes (edit, delete, reaction) as
 * `message_changed`. Every replica runs one, so every member
 * receives a room's messages in seq order, whichever replica appended them.
 */
export class LiveDelivery {
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly log: EventLog,
    private readonly notifier: Notifier,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.log.subscribe(
      (message) => this.deliver(message),
      // Messages appended while the feed was down reached no one here: clients catch up.
      () => this.notifier.toLocal('resync', { reason: 'live_feed_interrupted' }),
    );
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private deliver(message: Message): void {
    switch (message.kind) {
      case 'user':
        this.notifier.toLocalRoom(message.roomId, 'receive_message', message);
        break;
      case 'system':
        this.notifier.toLocalRoom(message.roomId, 'system', {
          roomId: message.roomId,
          content: message.content,
          message,
        });
        break;
      case 'edit':
      case 'delete':
      case 'reaction':
        this.notifier.toLocalRoom(message.roomId, 'message_changed', message);
        break;
    }
  }
}
