import { applyChanges, isChangeKind, type Message, type MessagePage } from '@chat/contracts';

/**
 * The loaded part of one room's history: a run of messages, ascending by `seq`, each seq at most
 * once, with no hole. `hasMoreBefore` says older messages exist on the server; `hasMoreAfter`
 * says the run stops short of the newest message (after jumping to an old search hit).
 */
export interface Timeline {
  messages: Message[];
  hasMoreBefore: boolean;
  hasMoreAfter: boolean;
}

/** A timeline holding the newest page of a room, as `join_room` returns it. */
export const fromNewestPage = (page: MessagePage): Timeline => ({
  messages: mergeBySeq([], page.messages),
  hasMoreBefore: page.hasMore,
  hasMoreAfter: false,
});

export const newestSeq = (t: Timeline): number => t.messages.at(-1)?.seq ?? 0;
export const oldestSeq = (t: Timeline): number => t.messages[0]?.seq ?? 0;
export const holdsSeq = (t: Timeline, seq: number): boolean =>
  t.messages.some((m) => m.seq === seq);

/**
 * Both lists merged by seq, each seq once (the incoming copy wins: it is the server's). The
 * changes among the incoming ones (edits, deletions, reactions) are folded into the messages
 * they target; they stay in the run too, so it has no hole.
 */
export const mergeBySeq = (
  current: readonly Message[],
  incoming: readonly Message[],
): Message[] => {
  const bySeq = new Map<number, Message>();
  for (const m of current) bySeq.set(m.seq, m);
  for (const m of incoming) bySeq.set(m.seq, m);
  const merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const changes = incoming.filter((m) => isChangeKind(m.kind));
  return changes.length > 0 ? applyChanges(merged, changes) : merged;
};

/**
 * Adds live messages without opening a hole: each one must follow the newest held (or replace
 * one already held). Returns true when some were left out because seqs are missing before
 * them: the caller then pages them in with `get_messages { after }`.
 */
export const appendLive = (t: Timeline, incoming: readonly Message[]): boolean => {
  let end = newestSeq(t);
  const accepted: Message[] = [];
  let skipped = false;
  for (const m of [...incoming].sort((a, b) => a.seq - b.seq)) {
    if (m.seq > end + 1) {
      skipped = true;
      break;
    }
    accepted.push(m);
    end = Math.max(end, m.seq);
  }
  if (accepted.length > 0) t.messages = mergeBySeq(t.messages, accepted);
  // A run that stops short of the newest message is completed by paging, not by live events.
  return skipped && !t.hasMoreAfter;
};

/** Adds a page the server returned for `after: newestSeq`; it follows on by definition. */
export const appendPage = (t: Timeline, page: MessagePage): void => {
  t.messages = mergeBySeq(t.messages, page.messages);
  t.hasMoreAfter = page.hasMore;
};

/** Adds a page the server returned for `before: oldestSeq`. */
export const prependPage = (t: Timeline, page: MessagePage): void => {
  t.messages = mergeBySeq(page.messages, t.messages);
  t.hasMoreBefore = page.hasMore && page.messages.length > 0;
};
