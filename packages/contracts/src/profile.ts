import { z } from 'zod';
import { LINK_SIGNATURE_FIELDS } from './attachments.js';
import { codePointLength } from './limits.js';

/** Longest display name, in code points, after NFC normalisation and trimming. */
export const MAX_DISPLAY_NAME_CODE_POINTS = 64;

/**
 * Control and format characters, code points that render as nothing, and lone surrogates
 * (not text: no store could keep them as sent).
 */
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}]/u;
const VISIBLE = /[\p{L}\p{N}\p{S}]/u;

/**
 * What a person is shown as, apart from the name they sign in with: NFC, trimmed, inner runs
 * of spaces made one; 1–64 code points of any script with spaces and punctuation, nothing
 * invisible, at least one letter, digit or symbol.
 */
export const DisplayNameSchema = z
  .string()
  .max(1024)
  .transform((raw) => raw.normalize('NFC').trim().replace(/\s+/gu, ' '))
  .superRefine((name, ctx) => {
    const length = codePointLength(name);
    if (length === 0 || !VISIBLE.test(name)) {
      ctx.addIssue({ code: 'custom', message: 'a display name needs a letter or a digit' });
    } else if (length > MAX_DISPLAY_NAME_CODE_POINTS) {
      ctx.addIssue({
        code: 'custom',
        message: `a display name has at most ${MAX_DISPLAY_NAME_CODE_POINTS} characters`,
      });
    } else if (INVISIBLE_OR_CONTROL.test(name)) {
      ctx.addIssue({
        code: 'custom',
        message: 'a display name cannot hold invisible or control characters',
      });
    }
  });

/** Body of `PUT /chat/profile` and payload of the `set_profile` event. */
export const SetProfileSchema = z.object({ displayName: DisplayNameSchema });
export type SetProfilePayload = z.input<typeof SetProfileSchema>;

/** Largest avatar upload, in bytes; more is `PAYLOAD_TOO_LARGE` and nothing is kept. */
export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
/** The side, in pixels, of the square WebP the server keeps of an avatar. */
export const AVATAR_SIZE = 256;

/**
 * A person's picture as clients load it: `url` is a signed link on the gateway (no bearer
 * header needed, so `<img>` loads it) handed only to the person and those who share a room
 * with them; it stops working at `expiresAt`, after which `get_users` gives a fresh one. Every
 * viewer gets the same link within a link period, so browsers cache it. `id` changes with
 * every new picture.
 */
export const UserAvatarSchema = z.object({
  id: z.string().min(1),
  url: z.string().min(1),
  expiresAt: z.string(),
});
export type UserAvatar = z.infer<typeof UserAvatarSchema>;

/** The query of an avatar link: `GET /chat/avatars/:avatarId?exp&sig`. */
export const AvatarLinkSchema = z.object({
  avatarId: z.string().trim().min(1).max(64),
  ...LINK_SIGNATURE_FIELDS,
});
export type AvatarLink = z.infer<typeof AvatarLinkSchema>;

/**
 * Sent to everyone who shares a room with the user (and the user) when a profile changes: the
 * profile as it now is. No `displayName` means none was chosen, no `avatar` means no picture.
 */
export interface UserUpdatedEvent {
  userId: string;
  displayName?: string;
  avatar?: UserAvatar;
}
