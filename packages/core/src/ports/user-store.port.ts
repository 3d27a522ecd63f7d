export interface UserRecord {
  id: string;
  /** The name the user signed in with, in their case. */
  name: string;
  /** What they chose to be shown as, once they have chosen. */
  displayName?: string;
  /** The id of their picture (an attachment record of no room), once they have one. */
  avatarId?: string;
  createdAt: string;
}

/** Claims made with a password never lapse: their `expiresAt` is this. */
export const ACCOUNT_CLAIM_EXPIRY = '9999-12-31T23:59:59.999Z';

/** An account's stored credential: the holder of its name and their password hash. */
export interface Credentials {
  userId: string;
  /** A PHC string (`$argon2id$…`): algorithm, parameters and salt travel with the hash. */
  passwordHash: string;
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
  /**
   * Makes the claim an account's: it never lapses (`expiresAt` is ignored) and signs in with
   * the password this hashes. With `holderId`, a guest's current claim becomes an account.
   */
  passwordHash?: string;
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
  /** The account holding the name `key`; undefined for a guest's name or a free one. */
  abstract credentials(key: string): Promise<Credentials | undefined>;
  /** Frees the guest name `key` if `holderId` holds it; does nothing otherwise. */
  abstract releaseName(key: string, holderId: string, now: string): Promise<void>;
  /** Sets what the user is shown as; the updated record, or undefined for an unknown id. */
  abstract setDisplayName(id: string, displayName: string): Promise<UserRecord | undefined>;
  /**
   * Sets (or with null removes) the user's avatar id in one atomic swap: the updated record and
   * the id it replaced, so of concurrent changes each replaced id goes to exactly one caller.
   * Undefined for an unknown id.
   */
  abstract setAvatar(
    id: string,
    avatarId: string | null,
  ): Promise<{ user: UserRecord; previous?: string } | undefined>;
  abstract touch(user: { id: string; name: string }, now: string): Promise<void>;
  abstract get(ids: readonly string[]): Promise<UserRecord[]>;
  /** Users whose id or name starts with `query` (case-insensitive), ordered by id. */
  abstract list(query: string, limit: number): Promise<UserRecord[]>;
  abstract close(): Promise<void>;
}
