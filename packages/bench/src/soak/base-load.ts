import type { LoadGenerator } from '../generator/handle.js';
import type { StepResult } from '../generator/protocol.js';
import { nextStepNumber } from '../scenarios/ramp.js';
import type { SoakStep } from './results.js';

/**
 * The soak's base load: the long-lived members send in steps back to back; every step is
 * counted again after the next one (its late deliveries included), and the acked seqs of
 * every room are kept for the storage check.
 */
export class BaseLoad {
  readonly steps: SoakStep[] = [];
  /** Acked seqs by room index. */
  readonly acked = new Map<number, number[]>();
  private previous: { step: SoakStep; stepNo: number } | undefined;
  private readonly trackRooms: number[];

  constructor(
    private readonly generator: LoadGenerator,
    rooms: number,
    private readonly rate: number,
    private readonly stepMs: number,
  ) {
    this.trackRooms = Array.from({ length: rooms }, (_, i) => i);
  }

  /** One step starting at `t` s into the load, at most `remainingMs` long (at least 1 s). */
  async step(t: number, remainingMs: number): Promise<StepResult> {
    const stepNo = nextStepNumber();
    const r = await this.generator.call('step', {
      step: stepNo,
      rate: this.rate,
      durationMs: Math.max(1000, Math.min(this.stepMs, remainingMs)),
      drainMs: 5000,
      trackRooms: this.trackRooms,
    });
    for (const a of r.acks) {
      const list = this.acked.get(a.room) ?? [];
      list.push(a.seq);
      this.acked.set(a.room, list);
    }
    const step: SoakStep = {
      t,
      sent: r.sent,
      acked: r.acked,
      ackErrors: r.ackErrors,
      ackErrorCodes: r.ackErrorCodes,
      expected: r.expected,
      delivered: r.delivered,
      lost: r.lost,
      duplicates: r.duplicates,
      outOfOrder: r.outOfOrder,
      misrouted: r.misrouted,
      disconnects: r.disconnects,
      p50: r.latency.p50,
      p99: r.latency.p99,
      max: r.latency.max,
      deliveredPerSec: r.deliveredPerSec,
    };
    this.steps.push(step);
    // The previous step's final count: deliveries that arrived during this one included.
    await this.recountPrevious();
    this.previous = { step, stepNo };
    return r;
  }

  /** Counts the last step again (after the load: its late deliveries included). */
  async recountPrevious(): Promise<void> {
    if (!this.previous) return;
    const { step, stepNo } = this.previous;
    const [recount] = await this.generator.call('recount', { steps: [stepNo] });
    if (!recount) return;
    step.lost = recount.lost;
    step.delivered = step.expected - recount.lost;
    step.duplicates = recount.duplicates;
  }
}
