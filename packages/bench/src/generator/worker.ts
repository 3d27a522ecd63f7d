/**
 * The load generator: a child process holding every client socket of a scenario. It signs
 * users in, connects them, creates rooms, then sends at a paced rate and measures, at every
 * member, the latency from the send timestamp written into the content to the receipt.
 *
 * Content of a measured message: `b <step> <k> <sentAtMs> <tag> <word> <word>` — `k` indexes
 * the step's message arrays; `tag` (`tag<step>r<room>z`) lets a probe find the newest
 * message of a room in the search index. A measured edit or reaction carries
 * `b <step> <k> <sentAtMs>` as its `clientMsgId`, which its `message_changed` echoes.
 *
 * The soak's churn (short-lived sessions, `src/generator/churn.ts`) runs in a worker of its own
 * through the same protocol.
 */
import {
  type Ack,
  type ChangeAck,
  type Message,
  type SendMessageAck,
  type SessionResponse,
} from '@chat/contracts';
import { distribution, pool, sleep } from '../stats.js';
import { Churn } from './churn.js';
import { connect, createSession, request, type ClientSocket } from './client.js';
import { roomTag, VOCABULARY } from './content.js';
import type {
  CallName,
  ConnectIdleArgs,
  ConnectIdleResult,
  Calls,
  ReconnectArgs,
  RecountResult,
  Reply,
  Request,
  SetupChatArgs,
  SetupRelayArgs,
  SetupResult,
  StepArgs,
  StepResult,
  TrackedAck,
} from './protocol.js';

interface Member {
  userId: string;
  token: string;
  room: number;
  index: number;
  socket: ClientSocket | undefined;
  lastSeq: number;
  /** Seq of the member's own newest acked message: what its edits change. */
  ownSeq: number;
  /** `<seq> <emoji>` of the reactions the member has on (a reaction step toggles them). */
  reacted: Set<string>;
}

interface Room {
  roomId: string;
  members: Member[];
  /** Bit per member that received the current warm-up message. */
  warm: number;
  warmAttempt: number;
  /** Seq of the newest message delivered in the room: what reactions go to. */
  newestSeq: number;
}

/** Emoji the reaction steps toggle, well under the per-message limit of distinct emoji. */
const REACTIONS = ['👍', '🎉', '❤️', '😄'] as const;

/** The marker of a measured message or change: `b <step> <k> <sentAtMs>`. */
function parseMarker(text: string | undefined): [step: number, k: number, sentAt: number] | null {
  if (!text?.startsWith('b ')) return null;
  const s1 = text.indexOf(' ', 2);
  const s2 = text.indexOf(' ', s1 + 1);
  const s3 = text.indexOf(' ', s2 + 1);
  return [
    Number(text.slice(2, s1)),
    Number(text.slice(s1 + 1, s2)),
    Number(text.slice(s2 + 1, s3 < 0 ? undefined : s3)),
  ];
}

class StepContext {
  readonly sendAt: Float64Array;
  readonly mask: Uint16Array;
  readonly latency: Float64Array;
  readonly ackLatency: Float64Array;
  /** Latencies of messages sent in the first and the last quarter of the step. */
  readonly firstQuarter: number[] = [];
  readonly lastQuarter: number[] = [];
  latencyCount = 0;
  ackCount = 0;
  delivered = 0;
  duplicates = 0;
  misrouted = 0;
  outOfOrder = 0;
  late = 0;
  /** Deliveries of this step that arrived after its drain ended. */
  lateDelivered = 0;
  acked = 0;
  ackErrors = 0;
  readonly ackErrorCodes: Record<string, number> = {};
  firstSendAt = 0;
  lastDeliveryAt = 0;
  readonly acks: TrackedAck[] = [];

  constructor(
    readonly step: number,
    readonly messages: number,
    members: number,
    readonly track: ReadonlySet<number>,
  ) {
    this.sendAt = new Float64Array(messages);
    this.mask = new Uint16Array(messages);
    this.latency = new Float64Array(messages * members);
    this.ackLatency = new Float64Array(messages);
  }
}

class Generator {
  private rooms: Room[] = [];
  private chatMode = true;
  private ctx: StepContext | undefined;
  /** The last few finished steps, so late deliveries still count (bounded memory). */
  private readonly recent = new Map<number, StepContext>();
  private lateOutsideSteps = 0;
  private readonly idle: ClientSocket[] = [];
  /** Fan-out sockets the server dropped (not closed by us). */
  private disconnects = 0;
  private idleCounter = 0;

  async setupChat(args: SetupChatArgs): Promise<SetupResult> {
    const started = performance.now();
    this.chatMode = true;
    const [first] = args.targets;
    if (!first) throw new Error('no targets');
    const names: string[][] = Array.from({ length: args.rooms }, (_, r) =>
      Array.from({ length: args.members }, (_, m) => `${args.runTag}r${r}m${m}`),
    );
    const all = [...names.flat(), args.probeName];
    const tokens = new Map<string, SessionResponse>();
    const sessionsStarted = performance.now();
    await pool(all, 16, async (name) => {
      tokens.set(name, await createSession(first, name));
    });
    const sessionsPerSec = all.length / ((performance.now() - sessionsStarted) / 1000);
    const session = (name: string) => {
      const s = tokens.get(name);
      if (!s) throw new Error(`no session for ${name}`);
      return s;
    };
    this.rooms = names.map((row, r) => ({
      roomId: '',
      warm: 0,
      warmAttempt: 0,
      newestSeq: 0,
      members: row.map((name, m) => ({
        userId: session(name).user.id,
        token: session(name).token,
        room: r,
        index: m,
        socket: undefined,
        lastSeq: 0,
        ownSeq: 0,
        reacted: new Set<string>(),
      })),
    }));
    const probeId = session(args.probeName).user.id;
    // Owners first: they create the rooms; the others then join their rooms at connect time.
    const owners = this.rooms.map((room) => room.members[0] as Member);
    await pool(owners, 32, (owner) => this.connectMember(owner, args.targets));
    await pool(this.rooms, 8, async (room) => {
      const owner = room.members[0] as Member;
      const participants = [...room.members.slice(1).map((m) => m.userId), probeId];
      const res = await request(owner.socket, 'create_room', {
        name: `bench ${owner.room}`,
        participants,
      });
      room.roomId = res.room.roomId;
    });
    const others = this.rooms.flatMap((room) => room.members.slice(1));
    await pool(others, 32, (member) => this.connectMember(member, args.targets));
    await this.warmUp();
    return {
      roomIds: this.rooms.map((r) => r.roomId),
      probeToken: session(args.probeName).token,
      sessionsPerSec,
      setupMs: performance.now() - started,
    };
  }

  async setupRelay(args: SetupRelayArgs): Promise<SetupResult> {
    const started = performance.now();
    this.chatMode = false;
    this.rooms = Array.from({ length: args.rooms }, (_, r) => ({
      roomId: `relay${r}`,
      warm: 0,
      warmAttempt: 0,
      newestSeq: 0,
      members: Array.from({ length: args.members }, (_, m) => ({
        userId: `r${r}m${m}`,
        token: '',
        room: r,
        index: m,
        socket: undefined,
        lastSeq: 0,
        ownSeq: 0,
        reacted: new Set<string>(),
      })),
    }));
    await pool(
      this.rooms.flatMap((room) => room.members),
      32,
      (member) => this.connectMember(member, args.targets),
    );
    await this.warmUp();
    return {
      roomIds: this.rooms.map((r) => r.roomId),
      probeToken: '',
      sessionsPerSec: 0,
      setupMs: performance.now() - started,
    };
  }

  async reconnect(args: ReconnectArgs): Promise<{ setupMs: number }> {
    const started = performance.now();
    for (const member of this.rooms.flatMap((room) => room.members)) {
      const socket = member.socket;
      member.socket = undefined;
      member.lastSeq = 0;
      socket?.disconnect();
    }
    await pool(
      this.rooms.flatMap((room) => room.members),
      32,
      (member) => this.connectMember(member, args.targets),
    );
    await this.warmUp();
    return { setupMs: performance.now() - started };
  }

  private async connectMember(member: Member, targets: readonly string[]): Promise<void> {
    const target = targets[member.index % targets.length] ?? '';
    const room = this.rooms[member.room];
    const auth: Record<string, string> = this.chatMode
      ? { token: member.token }
      : { room: room?.roomId ?? '', user: member.userId };
    const socket = await connect(target, auth);
    member.socket = socket;
    socket.on('receive_message', (message) => this.deliver(member, message));
    socket.on('message_changed', (change) => this.deliver(member, change));
    socket.on('disconnect', () => {
      if (member.socket === socket) this.disconnects++;
    });
  }

  /** Every room sends a message until every member has received one (fan-out is wired). */
  private async warmUp(): Promise<void> {
    const full = (room: Room) => room.warm === (1 << room.members.length) - 1;
    for (let attempt = 1; attempt <= 20; attempt++) {
      const cold = this.rooms.filter((room) => !full(room));
      if (cold.length === 0) return;
      for (const room of cold) {
        room.warm = 0;
        room.warmAttempt = attempt;
        room.members[0]?.socket?.emit('send_message', {
          roomId: room.roomId,
          content: `w ${room.members[0].room} ${attempt}`,
        });
      }
      for (let wait = 0; wait < 20 && this.rooms.some((room) => !full(room)); wait++) {
        await sleep(50);
      }
    }
    const cold = this.rooms.filter((room) => !full(room)).length;
    if (cold > 0)
      throw new Error(`${cold} rooms never delivered a warm-up message to every member`);
  }

  /** A new message (`receive_message`) or a change (`message_changed`) reached a member. */
  private deliver(member: Member, message: Message): void {
    const now = performance.now();
    const content = message.content;
    const room = this.rooms[member.room];
    if (!room) return;
    if (this.chatMode) {
      if (message.seq <= member.lastSeq && this.ctx) this.ctx.outOfOrder++;
      member.lastSeq = message.seq;
      if (message.kind === 'user') room.newestSeq = Math.max(room.newestSeq, message.seq);
    }
    if (content.startsWith('w ')) {
      if (content === `w ${member.room} ${room.warmAttempt}`) room.warm |= 1 << member.index;
      return;
    }
    const marker = parseMarker(message.kind === 'user' ? content : message.clientMsgId);
    if (!marker) return;
    const [step, k, sentAt] = marker;
    let ctx = this.ctx;
    if (!ctx || step !== ctx.step) {
      if (ctx) ctx.late++;
      else this.lateOutsideSteps++;
      ctx = this.recent.get(step);
      if (!ctx) return;
      ctx.lateDelivered++;
    }
    if (message.roomId !== room.roomId) {
      ctx.misrouted++;
      return;
    }
    const bit = 1 << member.index;
    const mask = ctx.mask[k] ?? 0;
    if (mask & bit) {
      ctx.duplicates++;
      return;
    }
    ctx.mask[k] = mask | bit;
    const latency = now - sentAt;
    ctx.latency[ctx.latencyCount++] = latency;
    if (k < ctx.messages / 4) ctx.firstQuarter.push(latency);
    else if (k >= (ctx.messages * 3) / 4) ctx.lastQuarter.push(latency);
    ctx.delivered++;
    ctx.lastDeliveryAt = now;
  }

  async step(args: StepArgs): Promise<StepResult> {
    const rooms = this.rooms;
    const roomCount = rooms.length;
    const members = rooms[0]?.members.length ?? 0;
    if (roomCount === 0 || members === 0) throw new Error('step before setup');
    const n = Math.max(1, Math.round((args.rate * args.durationMs) / 1000));
    const step = args.step;
    const ctx = new StepContext(step, n, members, new Set(args.trackRooms ?? []));
    ctx.late += this.lateOutsideSteps;
    this.lateOutsideSteps = 0;
    this.ctx = ctx;
    const disconnects0 = this.disconnects;
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    let sendLagMax = 0;

    const action = args.action ?? 'send';
    const send = (k: number, now: number) => {
      const r = k % roomCount;
      const room = rooms[r] as Room;
      const index = Math.floor(k / roomCount) % members;
      const member = room.members[index] as Member;
      const w1 = VOCABULARY[k % VOCABULARY.length] ?? '';
      const w2 = VOCABULARY[(k * 7 + 3) % VOCABULARY.length] ?? '';
      const marker = `b ${step} ${k} ${now.toFixed(3)}`;
      ctx.sendAt[k] = now;
      const acked = <T extends { seq: number }>(res: Ack<T>) => {
        const at = performance.now();
        if (res.ok) {
          ctx.acked++;
          ctx.ackLatency[ctx.ackCount++] = at - (ctx.sendAt[k] ?? at);
          if (action === 'send') member.ownSeq = Math.max(member.ownSeq, res.data.seq);
          if (ctx.track.has(r)) {
            ctx.acks.push({ room: r, seq: res.data.seq, at: performance.timeOrigin + at });
          }
        } else {
          ctx.ackErrors++;
          ctx.ackErrorCodes[res.error.code] = (ctx.ackErrorCodes[res.error.code] ?? 0) + 1;
        }
      };
      const roomId = room.roomId;
      if (action === 'edit') {
        const content = `${marker} ${roomTag(step, r)} ${w2} ${w1} (edited)`;
        member.socket?.emit(
          'edit_message',
          { roomId, seq: member.ownSeq, content, clientMsgId: marker },
          acked<ChangeAck>,
        );
      } else if (action === 'react') {
        const emoji = REACTIONS[k % REACTIONS.length] ?? '👍';
        const key = `${room.newestSeq} ${emoji}`;
        const on = !member.reacted.delete(key);
        if (on) member.reacted.add(key);
        member.socket?.emit(
          'react',
          { roomId, seq: room.newestSeq, emoji, on, clientMsgId: marker },
          acked<ChangeAck>,
        );
      } else {
        const mention = room.members[(index + 1) % members]?.userId ?? '';
        const content = args.richContent
          ? `${marker} ${roomTag(step, r)} **${w1}** _${w2}_ \`${w1}\` @${mention}`
          : `${marker} ${roomTag(step, r)} ${w1} ${w2}`;
        member.socket?.emit('send_message', { roomId, content }, acked<SendMessageAck>);
      }
    };

    await new Promise<void>((resolve) => {
      const start = performance.now();
      ctx.firstSendAt = start;
      const interval = 1000 / args.rate;
      let k = 0;
      const tick = () => {
        const now = performance.now();
        const due = Math.min(n, Math.floor((now - start) / interval) + 1);
        if (k < due) sendLagMax = Math.max(sendLagMax, now - (start + k * interval));
        for (; k < due; k++) send(k, performance.now());
        if (k >= n) resolve();
        else setTimeout(tick, 1);
      };
      tick();
    });
    const sendEnd = performance.now();
    const expected = n * members;
    while (
      performance.now() - sendEnd < args.drainMs &&
      (ctx.delivered < expected || ctx.acked + ctx.ackErrors < n)
    ) {
      await sleep(10);
    }
    const end = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    this.ctx = undefined;
    this.recent.set(step, ctx);
    for (const old of this.recent.keys()) if (this.recent.size > 4) this.recent.delete(old);
    const delivered = ctx.delivered;
    const duplicates = ctx.duplicates;
    const activeMs = Math.max(1, (ctx.lastDeliveryAt || end) - ctx.firstSendAt);
    return {
      step,
      rate: args.rate,
      durationMs: args.durationMs,
      sent: n,
      acked: ctx.acked,
      ackErrors: ctx.ackErrors,
      ackErrorCodes: ctx.ackErrorCodes,
      expected,
      delivered,
      lost: expected - delivered,
      duplicates,
      late: ctx.late,
      misrouted: ctx.misrouted,
      disconnects: this.disconnects - disconnects0,
      outOfOrder: ctx.outOfOrder,
      deliveredPerSec: delivered / (activeMs / 1000),
      latency: distribution(ctx.latency.subarray(0, ctx.latencyCount)),
      latencyFirstQuarter: distribution(ctx.firstQuarter),
      latencyLastQuarter: distribution(ctx.lastQuarter),
      ackLatency: distribution(ctx.ackLatency.subarray(0, ctx.ackCount)),
      sendLagMaxMs: sendLagMax,
      cpuPct: ((cpu.user + cpu.system) / 1000 / (end - t0)) * 100,
      elu: elu.utilization,
      sendMs: sendEnd - t0,
      wallMs: end - t0,
      acks: ctx.acks,
    };
  }

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

  recount(steps: readonly number[]): RecountResult[] {
    return steps.flatMap((step) => {
      const ctx = this.recent.get(step);
      if (!ctx) return [];
      const members = this.rooms[0]?.members.length ?? 0;
      return [
        {
          step,
          lost: ctx.messages * members - ctx.delivered,
          duplicates: ctx.duplicates,
          lateDelivered: ctx.lateDelivered,
        },
      ];
    });
  }

  closeIdle(count: number): { closed: number; open: number } {
    const closing = this.idle.splice(Math.max(0, this.idle.length - count));
    for (const socket of closing) socket.disconnect();
    return { closed: closing.length, open: this.idle.length };
  }

  closeAll(): { closed: number } {
    let closed = 0;
    for (const member of this.rooms.flatMap((room) => room.members)) {
      const socket = member.socket;
      member.socket = undefined;
      if (socket) closed++;
      socket?.disconnect();
    }
    for (const socket of this.idle.splice(0)) {
      socket.disconnect();
      closed++;
    }
    return { closed };
  }
}

type AnyRequest = { [K in CallName]: Request<K> }[CallName];

const generator = new Generator();
const churn = new Churn();

function handle(req: AnyRequest): Promise<Calls[CallName][1]> {
  switch (req.call) {
    case 'setupChat':
      return generator.setupChat(req.args);
    case 'setupRelay':
      return generator.setupRelay(req.args);
    case 'step':
      return generator.step(req.args);
    case 'connectIdle':
      return generator.connectIdle(req.args);
    case 'reconnect':
      return generator.reconnect(req.args);
    case 'closeAll':
      return Promise.resolve(generator.closeAll());
    case 'closeIdle':
      return Promise.resolve(generator.closeIdle(req.args.count));
    case 'recount':
      return Promise.resolve(generator.recount(req.args.steps));
    case 'setupChurn':
      return churn.setup(req.args);
    case 'startChurn':
      return Promise.resolve(churn.start(req.args));
    case 'churnStats':
      return Promise.resolve(churn.stats());
    case 'stopChurn':
      return churn.stop(req.args.drainMs);
  }
}

const reply = (message: Reply) => process.send?.(message);

process.on('message', (raw: unknown) => {
  const req = raw as AnyRequest;
  handle(req).then(
    (result) => reply({ id: req.id, ok: true, result }),
    (error: unknown) =>
      reply({
        id: req.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});
// The orchestrator is gone: nothing to report to.
process.on('disconnect', () => process.exit(0));
