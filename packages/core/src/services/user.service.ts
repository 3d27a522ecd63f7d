import { ChatError, normaliseName, nameKey } from '@chat/contracts';
import { randomBytes } from 'node:crypto';
import unhomoglyph from 'unhomoglyph';
import type { UserStore } from '../ports/index.js';
import { systemClock, type Clock } from './clock.js';

/** Thrown when a guest asks for a name another live session holds. */
export class NameTakenError extends ChatError {
  constructor(name: string) {
    super('NAME_TAKEN', `the name ${name} is taken`);
  }
}

export interface Identity {
  id: string;
  name: string;
}

/** Guest names and the directory of everyone who ever signed in. */
export class UserService {
  constructor(
    private readonly users: UserStore,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Binds a name to a guest session until `expiresAt`; `NameTakenError` if someone else holds
   * it. `holderId`, the caller proven by a valid token, renews their own claim. Whoever takes
   * a name after its claim expired is a new user with a new id: the name hands over nothing.
   */
  async claimGuest(
    rawName: string,
    ttlMs: number,
    holderId?: string,
  ): Promise<{ identity: Identity; expiresAt: Date }> {
    const name = normaliseName(rawName);
    if (name === undefined) {
      throw new ChatError(
        'BAD_REQUEST',
        'a name is 1–32 letters, digits, "_", "-" or "." (any script)',
      );
    }
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + ttlMs);
    const key = nameKey(name);
    const id = await this.users.claimName({
      key: confusablesSkeleton(name),
      id: key,
      name,
      now: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      // `~` is not allowed in names, so this id is no one's name-derived id.
      freshId: `${key}~${randomBytes(4).toString('hex')}`,
      ...(holderId !== undefined && { holderId }),
    });
    if (id === undefined) throw new NameTakenError(name);
    return { identity: { id, name }, expiresAt };
  }

  /** Records a user authenticated elsewhere (JWT mode), so others can find and invite them. */
  async seen(identity: Identity): Promise<void> {
    await this.users.touch(identity, this.clock().toISOString());
  }

  /** The stored user, if they exist (a deleted or unknown id yields undefined). */
  async find(id: string): Promise<Identity | undefined> {
    const [user] = await this.users.get([id]);
    return user && { id: user.id, name: user.name };
  }
}

/**
 * The Unicode TR39 skeleton of a name, in any letter case: names with one skeleton look alike
 * (Latin `paypal` and its Cyrillic look-alike, `rn` and `m`, `Hal` and Cyrillic `Наl`), so they
 * are held as one. The skeleton is taken before lower-casing too, since some look-alikes only
 * look alike in capitals.
 */
export const confusablesSkeleton = (name: string): string => {
  const skeleton = (s: string) => unhomoglyph(s.normalize('NFD')).normalize('NFD');
  return skeleton(skeleton(name).toLowerCase());
};
