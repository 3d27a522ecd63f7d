/**
 * Connection churn for the soak: short-lived client sessions started at a steady rate, each on
 * the next gateway replica in turn. Two kinds alternate:
 *
 * - visit: a pool user connects, opens (`join_room`) the long-lived room it was invited to,
 *   types, sends a few messages, stops typing, disconnects;
 * - cycle: a user connects, creates a room with another pool user, opens it, types, sends a
 *   few messages, deletes the room, disconnects — rooms are created and destroyed.
 *
 * Pool users are signed in once and their tokens reused, so the user directory stays bounded;
 * `signinsPerSec` of the sessions instead sign a new guest in (a cycle each), which grows the
 * directory by one user per such session. A pool user runs one session at a time.
 */
import type { SessionResponse } from '@chat/contracts';
import { distribution, pool, sleep } from '../stats.js';
import { connect, createSession, request, type ClientSocket } from './client.js';
import { VOCABULARY } from './content.js';
import type { ChurnArgs, ChurnStats, SetupChurnArgs } from './protocol.js';

interface PoolUser {
  userId: string;
  token: string;
  /** The long-lived room this user visits ('' when there are none). */
  roomId: string;
}

/** A busy machine can be slow; a timeout counts as a failed session. */
const OP_TIMEOUT_MS = 30_000;

type Counters = Omit<ChurnStats, 'inFlight' | 'connectMs' | 'sessionMs'>;

export class Churn {
  private targets: string[] = [];
  private runTag = '';
  private users: PoolUser[] = [];
  private free: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private sessionCounter = 0;
  private freshCounter = 0;
  private readonly connectTimes: number[] = [];
  private readonly sessionTimes: number[] = [];
  private readonly counts: Counters = {
    sessions: 0,
    completed: 0,
    failed: 0,
    skipped: 0,
    peakInFlight: 0,
    visits: 0,
    cycles: 0,
    signins: 0,
    connects: 0,
    joins: 0,
    typing: 0,
    roomsCreated: 0,
    roomsDeleted: 0,
    messagesSent: 0,
    messagesAcked: 0,
    visitMessagesAcked: 0,
    errors: {},
    errorSamples: [],
  };

  async setup(args: SetupChurnArgs): Promise<{ pool: number; setupMs: number }> {
    const started = performance.now();
    const [first] = args.targets;
    if (!first) throw new Error('no targets');
    this.targets = args.targets;
    this.runTag = args.runTag;
    const names = Array.from({ length: args.poolSize }, (_, i) => `${args.runTag}c${i}`);
    const sessions: SessionResponse[] = [];
    await pool(names, 16, async (name, i) => {
      sessions[i] = await createSession(args.targets[i % args.targets.length] ?? first, name);
    });
    const rooms = args.roomIds;
    this.users = sessions.map((s, i) => ({
      userId: s.user.id,
      token: s.token,
      roomId: rooms[i % Math.max(1, rooms.length)] ?? '',
    }));
    if (rooms.length > 0) {
      const inviter = await connect(first, { token: args.inviterToken });
      try {
        for (const [r, roomId] of rooms.entries()) {
          const invitees = this.users.filter((_, i) => i % rooms.length === r).map((u) => u.userId);
          for (let i = 0; i < invitees.length; i += 100) {
            await request(inviter, 'invite', { roomId, userIds: invitees.slice(i, i + 100) });
          }
        }
      } finally {
        inviter.disconnect();
      }
    }
    this.free = this.users.map((_, i) => i);
    return { pool: this.users.length, setupMs: performance.now() - started };
  }

  start(args: ChurnArgs): { started: number } {
    if (this.timer) throw new Error('churn is already running');
    const t0 = performance.now();
    let launched = 0;
    let fresh = 0;
    const tick = () => {
      const elapsed = (performance.now() - t0) / 1000;
      const due = Math.floor(elapsed * args.sessionsPerSec);
      const dueFresh = Math.floor(elapsed * Math.min(args.signinsPerSec, args.sessionsPerSec));
      for (; launched < due; launched++) {
        if (fresh < dueFresh) {
          fresh++;
          this.launch(args, undefined);
          continue;
        }
        // A random free pool user, so every user's rooms and sockets get their turn.
        const at = Math.floor(Math.random() * this.free.length);
        const [index] = this.free.splice(at, 1);
        if (index === undefined) this.counts.skipped++;
        else this.launch(args, index);
      }
    };
    this.timer = setInterval(tick, 20);
    return { started: performance.timeOrigin + t0 };
  }

  stats(): ChurnStats {
    return {
      ...this.counts,
      errors: { ...this.counts.errors },
      errorSamples: [...this.counts.errorSamples],
      inFlight: this.inFlight.size,
      connectMs: distribution(this.connectTimes),
      sessionMs: distribution(this.sessionTimes),
    };
  }

  async stop(drainMs: number): Promise<ChurnStats> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.race([Promise.allSettled([...this.inFlight]), sleep(drainMs)]);
    return this.stats();
  }

  private launch(args: ChurnArgs, index: number | undefined): void {
    const running: Promise<void> = this.session(args, index).finally(() =>
      this.inFlight.delete(running),
    );
    this.inFlight.add(running);
    this.counts.peakInFlight = Math.max(this.counts.peakInFlight, this.inFlight.size);
  }

  /** A random pool user other than `index`. */
  private partner(index: number | undefined): PoolUser | undefined {
    if (this.users.length < 2 && index !== undefined) return undefined;
    for (;;) {
      const i = Math.floor(Math.random() * this.users.length);
      if (i !== index) return this.users[i];
    }
  }

  private async session(args: ChurnArgs, index: number | undefined): Promise<void> {
    const n = this.sessionCounter++;
    const target = this.targets[n % this.targets.length] ?? '';
    const started = performance.now();
    const user = index === undefined ? undefined : this.users[index];
    const visit = user !== undefined && user.roomId !== '' && n % 2 === 0;
    this.counts.sessions++;
    if (visit) this.counts.visits++;
    else this.counts.cycles++;
    let socket: ClientSocket | undefined;
    let created: string | undefined;
    try {
      let token = user?.token ?? '';
      if (!user) {
        const name = `${this.runTag}f${this.freshCounter++}`;
        token = (await this.track('session', createSession(target, name))).token;
        this.counts.signins++;
      }
      const connectStarted = performance.now();
      socket = await this.track('connect', connect(target, { token }));
      this.connectTimes.push(performance.now() - connectStarted);
      this.counts.connects++;
      let roomId = user?.roomId ?? '';
      if (!visit) {
        const partner = this.partner(index);
        const { room } = await this.track(
          'create_room',
          request(
            socket,
            'create_room',
            {
              name: `churn ${n}`,
              participants: partner ? [partner.userId] : [],
            },
            OP_TIMEOUT_MS,
          ),
        );
        roomId = created = room.roomId;
        this.counts.roomsCreated++;
      }
      await sleep(args.pauseMs);
      await this.track('join_room', request(socket, 'join_room', { roomId }, OP_TIMEOUT_MS));
      this.counts.joins++;
      await this.track(
        'typing',
        request(socket, 'typing', { roomId, isTyping: true }, OP_TIMEOUT_MS),
      );
      this.counts.typing++;
      for (let m = 0; m < args.messagesPerSession; m++) {
        await sleep(args.pauseMs);
        const word = VOCABULARY[(n + m) % VOCABULARY.length] ?? '';
        this.counts.messagesSent++;
        await this.track(
          'send_message',
          request(
            socket,
            'send_message',
            { roomId, content: `c ${n} ${m} ${word}` },
            OP_TIMEOUT_MS,
          ),
        );
        this.counts.messagesAcked++;
        if (visit) this.counts.visitMessagesAcked++;
      }
      await this.track(
        'typing',
        request(socket, 'typing', { roomId, isTyping: false }, OP_TIMEOUT_MS),
      );
      this.counts.typing++;
      if (created !== undefined) {
        await sleep(args.pauseMs);
        await this.track(
          'delete_room',
          request(socket, 'delete_room', { roomId: created }, OP_TIMEOUT_MS),
        );
        created = undefined;
        this.counts.roomsDeleted++;
      }
      this.counts.completed++;
    } catch {
      this.counts.failed++;
      // A room this session made but could not delete: once more, so rooms do not pile up.
      if (created !== undefined && socket?.connected) {
        await request(socket, 'delete_room', { roomId: created }, OP_TIMEOUT_MS).then(
          () => void this.counts.roomsDeleted++,
          () => undefined,
        );
      }
    } finally {
      socket?.disconnect();
      if (index !== undefined) this.free.push(index);
      this.sessionTimes.push(performance.now() - started);
    }
  }

  /** Counts a failing action by event and error code, then rethrows. */
  private async track<T>(what: string, work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // `request` failures read `<event>: <CODE> <message>`.
      const code = /^[a-z_]+: ([A-Z_]+) /.exec(message)?.[1];
      const key = code ? `${what} ${code}` : what;
      this.counts.errors[key] = (this.counts.errors[key] ?? 0) + 1;
      if (this.counts.errorSamples.length < 10) {
        this.counts.errorSamples.push(`${what}: ${message.slice(0, 300)}`);
      }
      throw error;
    }
  }
}
