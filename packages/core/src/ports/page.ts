/**
 * A page request against a room's history, by seq. At most one of `before` / `after`.
 * - neither: the newest `limit` messages;
 * - `before`: the newest `limit` messages with seq < before;
 * - `after`: the oldest `limit` messages with seq > after.
 * Results are always ascending by seq.
 */
export interface PageRange {
  before?: number;
  after?: number;
  limit: number;
}
