import { z } from 'zod';
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

/** Sent to everyone who shares a room with the user (and the user) when a profile changes. */
export interface UserUpdatedEvent {
  userId: string;
  displayName: string;
}
