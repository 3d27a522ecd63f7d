export interface PresenceState {
  online: boolean;
  lastSeenAt?: string;
}

/**
 * Presence and typing throttles, shared by every gateway replica.
 *
 * Guarantees:
 * - A user is online while at least one of their connections is registered; `connect` returns
 *   true only for the first connection, `disconnect` returns true only for the last one.
 * - `allowTyping` returns true at most once per `windowMs` per (user, room).
 */
export abstract class PresenceStore {
  abstract connect(userId: string, connectionId: string): Promise<boolean>;
  abstract disconnect(userId: string, connectionId: string, at: string): Promise<boolean>;
  abstract states(userIds: readonly string[]): Promise<Map<string, PresenceState>>;
  abstract allowTyping(userId: string, roomId: string, windowMs: number): Promise<boolean>;
  abstract close(): Promise<void>;
}
