import { ChatError, type AvatarLink, type UserAvatar } from '@chat/contracts';
import type { Clock } from '@chat/core';
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed avatar links: `/chat/avatars/<id>?exp=<unix s>&sig=<HMAC>`, where `sig` is base64url
 * HMAC-SHA256 over `<id>\navatar\n<exp>` with the attachment links' key (an attachment link
 * signs `content` or `thumbnail` in that place, so neither kind passes for the other).
 *
 * `exp` is the end of the link period after next (periods of the attachment link time), so
 * every viewer asking within one period gets the same link, valid for one to two periods, and
 * browsers cache the picture instead of loading it again for every answer that names it.
 */
export class AvatarLinks {
  constructor(
    private readonly key: Uint8Array,
    private readonly periodMs: number,
    private readonly clock: Clock,
  ) {}

  /** The avatar as clients load it. */
  present(avatarId: string): UserAvatar {
    const periodS = Math.max(1, Math.floor(this.periodMs / 1000));
    const nowS = Math.floor(this.clock().getTime() / 1000);
    const exp = (Math.floor(nowS / periodS) + 2) * periodS;
    const sig = this.signature(avatarId, exp).toString('base64url');
    return {
      id: avatarId,
      url: `/chat/avatars/${encodeURIComponent(avatarId)}?exp=${exp}&sig=${sig}`,
      expiresAt: new Date(exp * 1000).toISOString(),
    };
  }

  /** Throws `FORBIDDEN` unless the link was signed here and has not expired. */
  verify(link: AvatarLink): void {
    const expected = this.signature(link.avatarId, link.exp);
    const given = Buffer.from(link.sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ChatError('FORBIDDEN', 'the avatar link is not valid');
    }
    if (link.exp * 1000 <= this.clock().getTime()) {
      throw new ChatError('FORBIDDEN', 'the avatar link has expired; ask for the user again');
    }
  }

  /** Seconds the picture may be cached: until the link expires. */
  remainingSeconds(link: AvatarLink): number {
    return Math.max(0, link.exp - Math.floor(this.clock().getTime() / 1000));
  }

  private signature(avatarId: string, exp: number): Buffer {
    return createHmac('sha256', this.key).update(`${avatarId}\navatar\n${exp}`).digest();
  }
}
