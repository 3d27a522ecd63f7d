import { ChatError, normaliseName, userIdForName } from '@chat/contracts';
import type { UserStore } from '../ports/index.js';
import { systemClock, type Clock } from './clock.js';

/** Thrown when a guest asks for a name another live session holds. */
export class NameTakenError extends ChatError {
  constructor(name: string) {
    super('CONFLICT', `the name ${name} is taken`);
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

  /** Binds a name to a new guest session until `expiresAt`; `NameTakenError` if held. */
  async claimGuest(
    rawName: string,
    ttlMs: number,
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
    const identity = { id: userIdForName(name), name };
    const claimed = await this.users.claim(identity, now.toISOString(), expiresAt.toISOString());
    if (!claimed) throw new NameTakenError(name);
    return { identity, expiresAt };
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
