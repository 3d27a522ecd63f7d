import { reactive } from 'vue';

/** Unsent text per room, kept while switching rooms (not across reloads). */
export const drafts = reactive<Record<string, string>>({});
