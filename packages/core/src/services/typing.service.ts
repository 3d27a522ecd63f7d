import { TYPING_THROTTLE_MS, type TypingPayload } from '@chat/contracts';
import type { Notifier, PresenceStore, RoomStore } from '../ports/index.js';
import { assertMember } from './access.js';

/** Relays typing to the other members: at most every 2 s per user and room; stops always pass. */
export class TypingService {
  constructor(
    private readonly rooms: RoomStore,
    private readonly presence: PresenceStore,
    private readonly notifier: Notifier,
  ) {}

  async typing(userId: string, payload: TypingPayload): Promise<void> {
    await assertMember(this.rooms, payload.roomId, userId);
    const isTyping = payload.isTyping ?? true;
    if (
      isTyping &&
      !(await this.presence.allowTyping(userId, payload.roomId, TYPING_THROTTLE_MS))
    ) {
      return;
    }
    this.notifier.toRoom(
      payload.roomId,
      'typing',
      { roomId: payload.roomId, userId, isTyping },
      userId,
    );
  }
}
