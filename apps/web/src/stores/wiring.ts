import type { Pinia } from 'pinia';
import { bindServerEvents } from './chat-events';
import { useConnectionStore } from './connection.store';
import { synchronise } from './sync';

/**
 * Wires the stores to the connection, once at app start (and in the test harness): the server
 * events of every transport go to the stores (`chat-events.ts`), and every connect re-syncs them
 * (`sync.ts`). The one module that sees both sides, so the connection store never imports the
 * stores that depend on it.
 */
export function wireChat(pinia?: Pinia): void {
  useConnectionStore(pinia).wire({ bind: bindServerEvents, synchronise });
}
