export interface UserRecord {
  id: string;
  name: string;
  createdAt: string;
}

/** A request to hold a guest name, as `UserService` builds it. */
export interface NameClaim {
  /**
   * What the name is held under: its confusables skeleton, so look-alikes of a held name
   * (`bob` and `b𝗈b`, `paypal` in Cyrillic) are one name. One holder per key.
   */
  key: string;
  /** The id a new holder gets while no user has it: the lower-cased name. */
  id: string;
  /** The display name, in the claimant's case. */
  name: string;
  now: string;
  /** When the claim lapses (ISO): the expiry of the newest token issued under it. */
  expiresAt: string;
  /** The id a new holder gets when `id` is already some user's. Never an existing id. */
  freshId: string;
  /** The user renewing their own claim, authenticated by a token still valid. */
  holderId?: string;
}

/**
 * The user directory: everyone who has signed in at least once.
 *
 * Guarantees:
 * - `claimName` is atomic: of concurrent claims of a free name exactly one wins; a name is free
 *   when it was never claimed or its claim has expired at `now`. A name held by `holderId` is
 *   extended for that holder. A new holder never becomes an earlier user: they get `id` only
 *   when no user has it yet, else `freshId`, so an expired name hands over nothing (rooms,
 *   ownership, history) of whoever held it before.
 * - `touch` records a user seen through another identity provider (JWT mode), never failing
 *   on an existing user.
 */
export abstract class UserStore {
  /** Holds the name until `expiresAt`: the holder's user id, or undefined when held by another. */
  abstract claimName(claim: NameClaim): Promise<string | undefined>;
  abstract touch(user: { id: string; name: string }, now: string): Promise<void>;
  abstract get(ids: readonly string[]): Promise<UserRecord[]>;
  /** Users whose id or name starts with `query` (case-insensitive), ordered by id. */
  abstract list(query: string, limit: number): Promise<UserRecord[]>;
  abstract close(): Promise<void>;
}
