import type { RoomStore } from '../ports/index.js';
import type { BackgroundErrorHandler } from './message.service.js';

/**
 * Moves senders' read pointers to their own messages, coalesced: under load a sender's many
 * messages in one room become one forward-only write per `flushMs`, off the send path.
 */
export class ReadMarks {
  private pending = new Map<string, { roomId: string; userId: string; seq: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rooms: RoomStore,
    private readonly onError: BackgroundErrorHandler,
    private readonly flushMs = 200,
  ) {}

  mark(roomId: string, userId: string, seq: number): void {
    const key = `${roomId}\u0000${userId}`;
    const current = this.pending.get(key);
    if (!current || current.seq < seq) this.pending.set(key, { roomId, userId, seq });
    this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Writes every pending mark now (also on shutdown). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const marks = [...this.pending.values()];
    this.pending = new Map();
    await Promise.all(
      marks.map(({ roomId, userId, seq }) =>
        this.rooms
          .markRead(roomId, userId, seq)
          .catch((error: unknown) => this.onError(error, 'mark sender read')),
      ),
    );
  }
}
