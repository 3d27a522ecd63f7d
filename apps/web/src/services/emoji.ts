import { isEmoji } from '@chat/contracts';

const VARIATION_SELECTOR = /\uFE0F/g;

/**
 * The emoji as the server accepts it (one RGI emoji sequence), or undefined. Pickers may hand
 * out a fully-qualified form the RGI list spells without U+FE0F (`👍️` for `👍`): that selector
 * is dropped when the emoji is only valid without it.
 */
export function toRgiEmoji(value: string): string | undefined {
  if (isEmoji(value)) return value;
  const bare = value.replace(VARIATION_SELECTOR, '');
  return isEmoji(bare) ? bare : undefined;
}
