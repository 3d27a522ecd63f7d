import { TYPING_EXPIRY_MS, TYPING_THROTTLE_MS, type TypingEvent } from '@chat/contracts';
import { defineStore } from 'pinia';
import { reactive } from 'vue';
import { useConnectionStore } from './connection.store';
import { useRoomsStore } from './rooms.store';

type Timer = ReturnType<typeof setTimeout>;

// A little over the server's window, so a resend is not dropped for arriving a few ms early.
const RESEND_AFTER_MS = TYPING_THROTTLE_MS + 100;

/**
 * Who is typing where. Incoming indicators expire on the client after TYPING_EXPIRY_MS without
 * news; outgoing `typing` events are throttled to one per TYPING_THROTTLE_MS while typing.
 */
export const useTypingStore = defineStore('typing', () => {
  const typists = reactive<Record<string, string[]>>({});
  const expiries = new Map<string, Timer>();
  // Outgoing: when "typing" was last sent per room (kept across stops: the server throttles
  // per user and room), rooms where it was said and not yet taken back, and pending sends.
  const lastSent = new Map<string, number>();
  const announced = new Set<string>();
  const composing = new Set<string>();
  const trailing = new Map<string, Timer>();

  const key = (roomId: string, userId: string) => `${roomId}\u0000${userId}`;

  function stopShowing(roomId: string, userId: string): void {
    clearTimeout(expiries.get(key(roomId, userId)));
    expiries.delete(key(roomId, userId));
    const list = typists[roomId];
    if (!list) return;
    const next = list.filter((id) => id !== userId);
    if (next.length > 0) typists[roomId] = next;
    else delete typists[roomId];
  }

  function apply(event: TypingEvent): void {
    const { roomId, userId } = event;
    if (!event.isTyping) return stopShowing(roomId, userId);
    clearTimeout(expiries.get(key(roomId, userId)));
    expiries.set(
      key(roomId, userId),
      setTimeout(() => stopShowing(roomId, userId), TYPING_EXPIRY_MS),
    );
    const list = typists[roomId] ?? [];
    if (!list.includes(userId)) typists[roomId] = [...list, userId];
  }

  const typingIn = (roomId: string): readonly string[] => typists[roomId] ?? [];

  function send(roomId: string, isTyping: boolean): void {
    useConnectionStore()
      .request('typing', { roomId, isTyping })
      // Typing is a hint: a lost one is corrected by the next, or by the 5 s expiry.
      .catch(() => undefined);
  }

  function announce(roomId: string): void {
    lastSent.set(roomId, Date.now());
    announced.add(roomId);
    send(roomId, true);
  }

  /**
   * Call on every keystroke in the composer. Sends at once if allowed, else once the throttle
   * window ends (the server would drop an earlier one), so the others always hear about it.
   */
  function noteInput(roomId: string): void {
    composing.add(roomId);
    const wait = (lastSent.get(roomId) ?? -Infinity) + RESEND_AFTER_MS - Date.now();
    if (wait <= 0) return announce(roomId);
    if (trailing.has(roomId)) return;
    trailing.set(
      roomId,
      setTimeout(() => {
        trailing.delete(roomId);
        if (composing.has(roomId)) announce(roomId);
      }, wait),
    );
  }

  /** Call on send, blur or an emptied composer; says "stopped" only if "typing" was said. */
  function stopTyping(roomId: string): void {
    composing.delete(roomId);
    clearTimeout(trailing.get(roomId));
    trailing.delete(roomId);
    if (announced.delete(roomId)) send(roomId, false);
  }

  function clearRoom(roomId: string): void {
    for (const userId of typists[roomId] ?? []) stopShowing(roomId, userId);
    stopTyping(roomId);
  }
  useRoomsStore().onRemove(clearRoom);

  return { typists, apply, stopShowing, typingIn, noteInput, stopTyping, clearRoom };
});
