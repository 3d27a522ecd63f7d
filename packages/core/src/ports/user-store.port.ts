export interface UserRecord {
  id: string;
  name: string;
  createdAt: string;
  /** Expiry of the newest guest token issued for this name (ISO); the name is free after it. */
  claimExpiresAt?: string;
}

/**
 * The user directory: everyone who has signed in at least once.
 *
 * Guarantees:
 * - `claim` is atomic: of two concurrent claims of a free name exactly one wins; a name is
 *   free when it was never claimed or its claim has expired at `now`.
 * - `touch` records a user seen through another identity provider (JWT mode), never failing
 *   on an existing user.
 */
export abstract class UserStore {
  /** Claims `name` for a guest until `expiresAt`; false when someone else holds it. */
  abstract claim(
    user: { id: string; name: string },
    now: string,
    expiresAt: string,
  ): Promise<boolean>;
  abstract touch(user: { id: string; name: string }, now: string): Promise<void>;
  abstract get(ids: readonly string[]): Promise<UserRecord[]>;
  /** Users whose id or name starts with `query` (case-insensitive), ordered by id. */
  abstract list(query: string, limit: number): Promise<UserRecord[]>;
  abstract close(): Promise<void>;
}
