import {
  ChatError,
  describeNameProblem,
  nameKey,
  nameProblem,
  normaliseName,
} from '@chat/contracts';
import { hash, verify, type Options } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import unhomoglyph from 'unhomoglyph';
import type { NameClaim, UserRecord, UserStore } from '../ports/index.js';
import { systemClock, type Clock } from './clock.js';

/** Thrown when a guest asks for a name another live session holds. */
export class NameTakenError extends ChatError {
  constructor(name: string) {
    super('NAME_TAKEN', `the name ${name} is taken`);
  }
}

export interface Identity {
  id: string;
  /** The name signed in with. */
  name: string;
  /** What the user chose to be shown as, when known. */
  displayName?: string;
}

/**
 * argon2id with OWASP's minimum (19 MiB, 2 passes, 1 lane): about a third of a second of one
 * core here, which bounds what a stolen hash is worth; the sign-in limits bound the rest.
 */
const ARGON2ID: Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
/** Verified against when no account has the name, so that answer takes as long as the others. */
let decoyHash: Promise<string> | undefined;

/** The same answer for an unknown name and a wrong password: neither says which it was. */
export class WrongPasswordError extends ChatError {
  constructor() {
    super('UNAUTHORIZED', 'wrong name or password');
  }
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
    const name = validName(rawName);
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + ttlMs);
    const id = await this.users.claimName(nameClaim(name, now, expiresAt, holderId));
    if (id === undefined) throw new NameTakenError(name);
    return { identity: await this.identityOf(id, name), expiresAt };
  }

  /**
   * Signs `name` up as an account with `password` (argon2id), or, with `holderId` (a guest
   * proven by a valid token), makes that guest's name theirs for good: same id, same rooms.
   * `NameTakenError` when anyone else holds the name, or it already is an account.
   */
  async signUp(rawName: string, password: string, holderId?: string): Promise<Identity> {
    const name = validName(rawName);
    const now = this.clock();
    const id = await this.users.claimName({
      ...nameClaim(name, now, now, holderId),
      passwordHash: await hash(password, ARGON2ID),
    });
    if (id === undefined) throw new NameTakenError(name);
    return this.identityOf(id, name);
  }

  /** The account's identity when the password is right; `WrongPasswordError` otherwise. */
  async signIn(rawName: string, password: string): Promise<Identity> {
    const name = normaliseName(rawName);
    const credentials = name && (await this.users.credentials(accountKey(name)));
    if (!credentials) {
      decoyHash ??= hash('no account has this name', ARGON2ID);
      await verify(await decoyHash, password);
      throw new WrongPasswordError();
    }
    if (!(await verify(credentials.passwordHash, password))) throw new WrongPasswordError();
    return this.identityOf(credentials.userId, name);
  }

  /** Frees a guest's name once they have signed out everywhere; an account's stays theirs. */
  async releaseGuest(userId: string): Promise<void> {
    const user = await this.find(userId);
    if (!user) return;
    await this.users.releaseName(accountKey(user.name), userId, this.clock().toISOString());
  }

  /** Sets what the user is shown as; `NOT_FOUND` for an unknown user. */
  async setDisplayName(userId: string, displayName: string): Promise<Identity> {
    const record = await this.users.setDisplayName(userId, displayName);
    if (!record) throw new ChatError('NOT_FOUND', 'no such user');
    return toIdentity(record);
  }

  private async identityOf(id: string, name: string): Promise<Identity> {
    return (await this.find(id)) ?? { id, name };
  }

  /** Records a user authenticated elsewhere (JWT mode), so others can find and invite them. */
  async seen(identity: Identity): Promise<void> {
    await this.users.touch(identity, this.clock().toISOString());
  }

  /** The stored user, if they exist (a deleted or unknown id yields undefined). */
  async find(id: string): Promise<Identity | undefined> {
    const [user] = await this.users.get([id]);
    return user && toIdentity(user);
  }
}

const toIdentity = (user: UserRecord): Identity => ({
  id: user.id,
  name: user.name,
  ...(user.displayName !== undefined && { displayName: user.displayName }),
});

/** The normalised name; `BAD_REQUEST` saying what is wrong with it (too long, which character). */
const validName = (rawName: string): string => {
  const problem = nameProblem(rawName);
  if (problem) throw new ChatError('BAD_REQUEST', describeNameProblem(problem));
  return rawName.normalize('NFC').trim();
};

const nameClaim = (name: string, now: Date, expiresAt: Date, holderId?: string): NameClaim => {
  const key = nameKey(name);
  return {
    key: confusablesSkeleton(name),
    id: key,
    name,
    now: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    // `~` is not allowed in names, so this id is no one's name-derived id.
    freshId: `${key}~${randomBytes(4).toString('hex')}`,
    ...(holderId !== undefined && { holderId }),
  };
};

/**
 * The key a name's claim (and an account's credential) is held under, for a name as typed:
 * what the sign-in limits count failed attempts against, whatever case or look-alike is tried.
 */
export const accountKey = (rawName: string): string =>
  confusablesSkeleton(normaliseName(rawName) ?? rawName);

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
