import { distribution, pool } from '../stats.js';
import { connect, createSession, type ClientSocket } from './client.js';
import type { ConnectIdleArgs, ConnectIdleResult } from './protocol.js';

/** Idle sockets of new users, opened in batches and closed newest first (memory per connection). */
export class IdleConnections {
  private readonly idle: ClientSocket[] = [];
  private idleCounter = 0;

  /** Signs `count` new users in and opens one idle socket each. */
  async connectIdle(args: ConnectIdleArgs): Promise<ConnectIdleResult> {
    const names = Array.from({ length: args.count }, () => `${args.runTag}i${this.idleCounter++}`);
    const auths: Record<string, string>[] = [];
    const sessionsStarted = performance.now();
    if (args.relay) names.forEach((name, i) => (auths[i] = { room: 'idle', user: name }));
    else {
      await pool(names, args.concurrency, async (name, i) => {
        auths[i] = { token: (await createSession(args.target, name)).token };
      });
    }
    const sessionsPerSec = args.relay
      ? 0
      : names.length / ((performance.now() - sessionsStarted) / 1000);
    const times: number[] = [];
    let failed = 0;
    const connectStarted = performance.now();
    await pool(auths, args.concurrency, async (auth) => {
      const t = performance.now();
      try {
        this.idle.push(await connect(args.target, auth));
        times.push(performance.now() - t);
      } catch {
        failed++;
      }
    });
    const connectsPerSec = times.length / ((performance.now() - connectStarted) / 1000);
    return {
      open: this.idle.filter((s) => s.connected).length,
      failed,
      sessionsPerSec,
      connectsPerSec,
      connectMs: distribution(times),
    };
  }

  closeIdle(count: number): { closed: number; open: number } {
    const closing = this.idle.splice(Math.max(0, this.idle.length - count));
    for (const socket of closing) socket.disconnect();
    return { closed: closing.length, open: this.idle.length };
  }

  /** Closes every idle socket; returns how many. */
  closeAll(): number {
    let closed = 0;
    for (const socket of this.idle.splice(0)) {
      socket.disconnect();
      closed++;
    }
    return closed;
  }
}
