import { ChatError } from '@chat/contracts';
import type { Clock } from '@chat/core';
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a refused link is told: its signature is wrong, or its time is over. */
export interface LinkRefusals {
  invalid: string;
  expired: string;
}

/**
 * The signature of the links an `<img>` loads without a bearer header (attachment downloads,
 * avatars): base64url HMAC-SHA256 over `<subject>\n<exp>` with the deployment's link key, `exp`
 * in unix seconds. Each kind of link names its own subject, so no link passes for another kind.
 */
export class LinkSigner {
  constructor(
    private readonly key: Uint8Array,
    private readonly clock: Clock,
  ) {}

  /** Unix seconds `ms` from now, rounded down (0: now). */
  secondsFromNow(ms = 0): number {
    return Math.floor((this.clock().getTime() + ms) / 1000);
  }

  sign(subject: string, exp: number): string {
    return this.mac(subject, exp).toString('base64url');
  }

  /** Throws `FORBIDDEN` unless `sig` was signed here for `subject` and `exp` has not passed. */
  verify(subject: string, exp: number, sig: string, refusals: LinkRefusals): void {
    const expected = this.mac(subject, exp);
    const given = Buffer.from(sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ChatError('FORBIDDEN', refusals.invalid);
    }
    if (exp * 1000 <= this.clock().getTime()) throw new ChatError('FORBIDDEN', refusals.expired);
  }

  /** Seconds a response may be cached: until the link expires. */
  remainingSeconds(exp: number): number {
    return Math.max(0, exp - this.secondsFromNow());
  }

  private mac(subject: string, exp: number): Buffer {
    return createHmac('sha256', this.key).update(`${subject}\n${exp}`).digest();
  }
}
