import type { AvatarLink, UserAvatar } from '@chat/contracts';
import type { LinkSigner } from './link-signer.js';

const REFUSALS = {
  invalid: 'the avatar link is not valid',
  expired: 'the avatar link has expired; ask for the user again',
};

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
    private readonly signer: LinkSigner,
    private readonly periodMs: number,
  ) {}

  /** The avatar as clients load it. */
  present(avatarId: string): UserAvatar {
    const periodS = Math.max(1, Math.floor(this.periodMs / 1000));
    const exp = (Math.floor(this.signer.secondsFromNow() / periodS) + 2) * periodS;
    const sig = this.signer.sign(subject(avatarId), exp);
    return {
      id: avatarId,
      url: `/chat/avatars/${encodeURIComponent(avatarId)}?exp=${exp}&sig=${sig}`,
      expiresAt: new Date(exp * 1000).toISOString(),
    };
  }

  /** Throws `FORBIDDEN` unless the link was signed here and has not expired. */
  verify(link: AvatarLink): void {
    this.signer.verify(subject(link.avatarId), link.exp, link.sig, REFUSALS);
  }

  /** Seconds the picture may be cached: until the link expires. */
  remainingSeconds(link: AvatarLink): number {
    return this.signer.remainingSeconds(link.exp);
  }
}

const subject = (avatarId: string) => `${avatarId}\navatar`;
