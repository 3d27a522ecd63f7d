/** One entry as a consumer group sees it. `raw` is the serialised envelope, possibly poison. */
export interface LogEntry {
  entryId: string;
  raw: string;
  /** How many times the entry has been delivered to this group, this delivery included. */
  deliveries: number;
}

export interface GroupStats {
  /** Entries not yet delivered to the group. */
  lag: number;
  /** Entries delivered but not acknowledged. */
  pending: number;
  /** Entries moved to the dead-letter list by this group. */
  deadLetters: number;
}

/**
 * Consumer groups over the event log: how the sinks read every entry the log holds.
 *
 * Guarantees:
 * - Every group sees every entry at least once, each group independently; a new group starts
 *   at the beginning of the retained log.
 * - An entry stays pending on its consumer until acked; entries pending on a dead consumer
 *   can be claimed after `minIdleMs`.
 * - A dead-lettered entry is kept with its reason, counted, and acked.
 * - `trim` never removes an entry some group has not acknowledged.
 */
export abstract class ConsumerGroups {
  /** Creates the group if missing. */
  abstract ensureGroup(group: string): Promise<void>;
  /** New entries for `consumer`, waiting up to `blockMs` for at least one. */
  abstract read(
    group: string,
    consumer: string,
    count: number,
    blockMs: number,
  ): Promise<LogEntry[]>;
  /** Takes over entries pending longer than `minIdleMs` (e.g. from a consumer that died). */
  abstract claim(
    group: string,
    consumer: string,
    minIdleMs: number,
    count: number,
  ): Promise<LogEntry[]>;
  abstract ack(group: string, entryIds: readonly string[]): Promise<void>;
  /** Moves an entry to the dead-letter list with its reason and acks it. */
  abstract deadLetter(group: string, entry: LogEntry, reason: string): Promise<void>;
  abstract stats(group: string): Promise<GroupStats>;
  /** Removes entries every group has acknowledged; returns how many were removed. */
  abstract trim(): Promise<number>;
  /** Stops blocked reads (they return what they have). */
  abstract close(): Promise<void>;
}
