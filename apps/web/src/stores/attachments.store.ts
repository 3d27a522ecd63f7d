import { ChatError, type Attachment, type ErrorCode } from '@chat/contracts';
import { defineStore } from 'pinia';
import { reactive } from 'vue';
import { fetchAttachment } from '../services/upload';
import { useAuthStore } from './auth.store';

/**
 * A link this close to its expiry is fetched again before it is used: 30 s, or a quarter of its
 * life when links live shorter (`ATTACHMENT_LINK_TTL_SECONDS` may be as low as 10).
 */
const EXPIRY_MARGIN_MS = 30_000;

/**
 * Signed links of the attachments in view. Messages carry no links (they expire): they are
 * fetched per attachment with `GET /chat/attachments/:id`, again once they are old or fail to load.
 */
export const useAttachmentsStore = defineStore('attachments', () => {
  const byId = reactive<Record<string, Attachment>>({});
  const fetchedAt = new Map<string, number>();
  /** Why links could not be had (e.g. `NOT_FOUND` once deleted). */
  const failed = reactive<Record<string, ErrorCode>>({});
  const loading = new Map<string, Promise<void>>();
  // Links that failed to load once: a second failure of a fresh link is not retried.
  const brokenUrls = new Set<string>();

  /** The attachment is deleted, or no longer ours to see: asking again will not help. */
  const isGone = (id: string): boolean => failed[id] === 'NOT_FOUND' || failed[id] === 'FORBIDDEN';

  function remember(attachment: Attachment, now = Date.now()): void {
    fetchedAt.set(attachment.id, now);
    byId[attachment.id] = attachment;
    delete failed[attachment.id];
  }

  const isFresh = (id: string, now = Date.now()): boolean => {
    const known = byId[id];
    if (known === undefined) return false;
    const expires = Date.parse(known.urlExpiresAt);
    const life = expires - (fetchedAt.get(id) ?? now);
    return expires - Math.min(EXPIRY_MARGIN_MS, life / 4) > now;
  };

  async function fetchLinks(id: string): Promise<void> {
    const token = useAuthStore().token;
    if (token === null) return;
    try {
      remember(await fetchAttachment(id, token));
    } catch (err) {
      failed[id] = err instanceof ChatError ? err.code : 'INTERNAL';
    }
  }

  /** Makes sure `byId[id]` holds links that are not about to expire (one request at a time). */
  function ensure(id: string, force = false): Promise<void> {
    if (!force && isFresh(id)) return Promise.resolve();
    const under = loading.get(id);
    if (under) return under;
    const run = fetchLinks(id).finally(() => loading.delete(id));
    loading.set(id, run);
    return run;
  }

  /** Whether a failure of `url` is still worth fresh links (each link is retried once). */
  const retryable = (url: string): boolean => !brokenUrls.has(url);

  /** An `<img>` or download of `url` failed: fetch fresh links once for it. */
  function linkFailed(id: string, url: string): Promise<void> {
    if (brokenUrls.has(url)) return Promise.resolve();
    brokenUrls.add(url);
    return ensure(id, true);
  }

  return { byId, failed, isGone, remember, isFresh, ensure, retryable, linkFailed };
});
