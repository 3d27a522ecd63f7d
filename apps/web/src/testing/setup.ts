import { createPinia, setActivePinia } from 'pinia';
import { flushPromises } from '@vue/test-utils';
import { useAuthStore } from '../stores/auth.store';
import { useConnectionStore } from '../stores/connection.store';
import { wireChat } from '../stores/wiring';
import { FakeChatServer } from './fake-server';
import { FakeTransport } from './fake-transport';

export interface Harness {
  server: FakeChatServer;
  /** The transport of the current connection (a new one per `start`). */
  transport: () => FakeTransport;
}

/**
 * Fresh stores wired to a fake server (as `main.ts` wires them): signs in as `me` and connects, so tests start where
 * the app is after `register`.
 */
export async function connectedHarness(me = 'alice', prepare?: (s: FakeChatServer) => void) {
  setActivePinia(createPinia());
  window.localStorage.clear();
  const server = new FakeChatServer(me);
  prepare?.(server);
  let current: FakeTransport | undefined;
  wireChat();
  const connection = useConnectionStore();
  connection.useTransportFactory((options, lifecycle) => {
    current = new FakeTransport(options, lifecycle);
    server.serve(current);
    return current;
  });
  useAuthStore().signInWithToken('token-of-' + me);
  connection.start('token-of-' + me);
  const transport = () => {
    if (!current) throw new Error('not started');
    return current;
  };
  transport().connect();
  await flushPromises();
  return { server, transport } satisfies Harness;
}

/** Drops the connection, lets `change` happen meanwhile, then reconnects and re-syncs. */
export async function reconnect(h: Harness, whileOffline?: () => void): Promise<void> {
  h.transport().drop();
  whileOffline?.();
  h.transport().connect();
  await flushPromises();
}
