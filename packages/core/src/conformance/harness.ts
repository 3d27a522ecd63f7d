import { randomUUID } from 'node:crypto';
import type { Message } from '@chat/contracts';

/**
 * Builds the implementation under test. Suites call it once per `describe` and never assume the
 * store is empty: every test uses its own room ids, group names and user ids.
 */
export type ConformanceFactory<T> = () => Promise<{ sut: T; cleanup: () => Promise<void> }>;

/** A fresh id with a readable prefix, e.g. `room-1f0c…`. */
export const uniqueId = (prefix: string): string => `${prefix}-${randomUUID()}`;

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** A valid message of `roomId` with the given seq; `createdAt` spaced a second per seq. */
export function makeMessage(
  roomId: string,
  seq: number,
  overrides: Partial<Message> = {},
): Message {
  return {
    id: uniqueId('msg'),
    roomId,
    seq,
    userId: 'conformance-user',
    content: `message ${seq}`,
    createdAt: new Date(Date.UTC(2030, 0, 1) + seq * 1000).toISOString(),
    kind: 'user',
    ...overrides,
  };
}
