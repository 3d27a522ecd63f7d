import type { Ack, ChangeAck, Message, SendMessageAck } from '@chat/contracts';
import { distribution, sleep } from '../stats.js';
import { roomTag, VOCABULARY } from './content.js';
import type { Member, Members, Receiver, Room } from './members.js';
import type { RecountResult, StepArgs, StepResult, TrackedAck } from './protocol.js';

/** Emoji the reaction steps toggle, well under the per-message limit of distinct emoji. */
const REACTIONS = ['👍', '🎉', '❤️', '😄'] as const;

/**
 * The marker of a measured message or change, `b <step> <k> <sentAtMs>`: the start of a new
 * message's content, or a change's whole `clientMsgId` (which its `message_changed` echoes).
 */
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

/** The counters of one step, filled in by the sends' acks and the members' receipts. */
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
    readonly members: number,
    readonly track: ReadonlySet<number>,
    readonly args: Pick<StepArgs, 'action' | 'richContent'>,
  ) {
    this.sendAt = new Float64Array(messages);
    this.mask = new Uint16Array(messages);
    this.latency = new Float64Array(messages * members);
    this.ackLatency = new Float64Array(messages);
  }
}

/**
 * Steps of the fan-out load: messages sent at a paced rate round-robin over rooms and their
 * members, the send-to-receipt latency measured at every member, loss, duplicates and order
 * counted; the last few steps are kept so late deliveries still count.
 */
export class Steps implements Receiver {
  private ctx: StepContext | undefined;
  /** The last few finished steps, so late deliveries still count (bounded memory). */
  private readonly recent = new Map<number, StepContext>();
  private lateOutsideSteps = 0;

  constructor(private readonly members: Members) {}

  outOfOrder(): void {
    if (this.ctx) this.ctx.outOfOrder++;
  }

  received(member: Member, room: Room, message: Message, now: number): void {
    const marker = parseMarker(message.kind === 'user' ? message.content : message.clientMsgId);
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
    const rooms = this.members.rooms;
    const members = rooms[0]?.members.length ?? 0;
    if (rooms.length === 0 || members === 0) throw new Error('step before setup');
    const n = Math.max(1, Math.round((args.rate * args.durationMs) / 1000));
    const ctx = new StepContext(args.step, n, members, new Set(args.trackRooms ?? []), args);
    ctx.late += this.lateOutsideSteps;
    this.lateOutsideSteps = 0;
    this.ctx = ctx;
    const disconnects0 = this.members.disconnects;
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    const sendLagMax = await this.sendPaced(ctx, args.rate);
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
    this.recent.set(args.step, ctx);
    for (const old of this.recent.keys()) if (this.recent.size > 4) this.recent.delete(old);
    const activeMs = Math.max(1, (ctx.lastDeliveryAt || end) - ctx.firstSendAt);
    return {
      step: args.step,
      rate: args.rate,
      durationMs: args.durationMs,
      sent: n,
      acked: ctx.acked,
      ackErrors: ctx.ackErrors,
      ackErrorCodes: ctx.ackErrorCodes,
      expected,
      delivered: ctx.delivered,
      lost: expected - ctx.delivered,
      duplicates: ctx.duplicates,
      late: ctx.late,
      misrouted: ctx.misrouted,
      disconnects: this.members.disconnects - disconnects0,
      outOfOrder: ctx.outOfOrder,
      deliveredPerSec: ctx.delivered / (activeMs / 1000),
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

  /**
   * Sends the step's messages open-loop: a 1 ms timer catches up on the schedule. Returns how
   * far sending fell behind it, ms.
   */
  private sendPaced(ctx: StepContext, rate: number): Promise<number> {
    const n = ctx.messages;
    let sendLagMax = 0;
    return new Promise<number>((resolve) => {
      const start = performance.now();
      ctx.firstSendAt = start;
      const interval = 1000 / rate;
      let k = 0;
      const tick = () => {
        const now = performance.now();
        const due = Math.min(n, Math.floor((now - start) / interval) + 1);
        if (k < due) sendLagMax = Math.max(sendLagMax, now - (start + k * interval));
        for (; k < due; k++) this.send(ctx, k, performance.now());
        if (k >= n) resolve(sendLagMax);
        else setTimeout(tick, 1);
      };
      tick();
    });
  }

  /**
   * Operation `k` of the step, at room `k mod rooms`, its members in turn: a new message (plain,
   * or with markdown and an `@mention` of the next member), an edit of the member's own newest
   * message, or a reaction toggled on the room's newest message. The ack is counted.
   */
  private send(ctx: StepContext, k: number, now: number): void {
    const rooms = this.members.rooms;
    const roomCount = rooms.length;
    const r = k % roomCount;
    const room = rooms[r] as Room;
    const index = Math.floor(k / roomCount) % ctx.members;
    const member = room.members[index] as Member;
    const w1 = VOCABULARY[k % VOCABULARY.length] ?? '';
    const w2 = VOCABULARY[(k * 7 + 3) % VOCABULARY.length] ?? '';
    const marker = `b ${ctx.step} ${k} ${now.toFixed(3)}`;
    const action = ctx.args.action ?? 'send';
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
      const content = `${marker} ${roomTag(ctx.step, r)} ${w2} ${w1} (edited)`;
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
      const mention = room.members[(index + 1) % ctx.members]?.userId ?? '';
      const content = ctx.args.richContent
        ? `${marker} ${roomTag(ctx.step, r)} **${w1}** _${w2}_ \`${w1}\` @${mention}`
        : `${marker} ${roomTag(ctx.step, r)} ${w1} ${w2}`;
      member.socket?.emit('send_message', { roomId, content }, acked<SendMessageAck>);
    }
  }

  recount(steps: readonly number[]): RecountResult[] {
    return steps.flatMap((step) => {
      const ctx = this.recent.get(step);
      if (!ctx) return [];
      const members = this.members.rooms[0]?.members.length ?? 0;
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
}
