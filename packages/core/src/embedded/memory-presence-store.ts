import { PresenceStore, type PresenceState } from '../ports/presence.port.js';

/** Typing throttle entries are swept after this many `allowTyping` calls. */
const SWEEP_EVERY = 1000;

/**
 * Presence and typing throttles in this process's memory: right for one gateway process (the
 * embedded mode), wrong for several replicas, which need the shared Redis store. Nothing here
 * outlives the process, which is also right: after a restart nobody is connected.
 */
export class MemoryPresenceStore extends PresenceStore {
  private readonly connections = new Map<string, Set<string>>();
  private readonly lastSeen = new Map<string, string>();
  /** Last allowed typing relay per `user \0 room`, with the window it was allowed under. */
  private readonly typing = new Map<string, { at: number; windowMs: number }>();
  private calls = 0;

  /** @param now clock in ms for the typing throttle; tests pass a fake one. */
  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  connect(userId: string, connectionId: string): Promise<boolean> {
    let set = this.connections.get(userId);
    if (!set) {
      set = new Set();
      this.connections.set(userId, set);
    }
    const first = set.size === 0;
    set.add(connectionId);
    return Promise.resolve(first);
  }

  /** Records `at` as the user's last-seen time when their last connection goes. */
  disconnect(userId: string, connectionId: string, at: string): Promise<boolean> {
    const set = this.connections.get(userId);
    if (!set?.delete(connectionId)) return Promise.resolve(false);
    if (set.size > 0) return Promise.resolve(false);
    this.connections.delete(userId);
    this.lastSeen.set(userId, at);
    return Promise.resolve(true);
  }

  states(userIds: readonly string[]): Promise<Map<string, PresenceState>> {
    const states = new Map<string, PresenceState>();
    for (const userId of userIds) {
      const lastSeenAt = this.lastSeen.get(userId);
      states.set(userId, {
        online: this.connections.has(userId),
        ...(lastSeenAt !== undefined && { lastSeenAt }),
      });
    }
    return Promise.resolve(states);
  }

  allowTyping(userId: string, roomId: string, windowMs: number): Promise<boolean> {
    const now = this.now();
    if (++this.calls % SWEEP_EVERY === 0) this.sweep(now);
    const key = `${userId}\u0000${roomId}`;
    const last = this.typing.get(key);
    if (last && now - last.at < windowMs) return Promise.resolve(false);
    this.typing.set(key, { at: now, windowMs });
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    this.connections.clear();
    this.lastSeen.clear();
    this.typing.clear();
    return Promise.resolve();
  }

  /** Drops throttle entries whose window has passed, so idle pairs don't accumulate. */
  private sweep(now: number): void {
    for (const [key, entry] of this.typing) {
      if (now - entry.at >= entry.windowMs) this.typing.delete(key);
    }
  }
}
