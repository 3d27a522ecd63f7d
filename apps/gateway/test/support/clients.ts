import type { Room } from '@chat/contracts';
import { ChatClient } from '@chat/test-support';
import { randomUUID } from 'node:crypto';

/** A name no other test (or earlier run against the same stores) has used. */
export const freshName = (prefix: string): string => `${prefix}${randomUUID().slice(0, 8)}`;

/** The room of `roomId` in a room list, if it is there. */
export const roomIn = (rooms: readonly Room[], roomId: string): Room | undefined =>
  rooms.find((r) => r.roomId === roomId);

/** The clients a suite connects, closed together (after each test or at its end). */
export class SuiteClients {
  private readonly open: ChatClient[] = [];

  async connect(base: string, name: string, token?: string): Promise<ChatClient> {
    const client = await ChatClient.connect(base, name, token);
    this.open.push(client);
    return client;
  }

  closeAll(): void {
    for (const client of this.open.splice(0)) client.close();
  }
}
