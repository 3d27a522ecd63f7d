import type { AttachmentService } from '@chat/core';
import type { Logger } from 'pino';

/**
 * Runs `AttachmentService.sweep` every `intervalMs` (uploads no message used in time, blobs
 * no record names). Every replica sweeps: a sweep is idempotent, so two at once only repeat
 * work. A failed sweep is logged and tried again at the next tick.
 */
export class AttachmentSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly attachments: AttachmentService,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.sweepOnce());
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async sweepOnce(): Promise<void> {
    try {
      const removed = await this.attachments.sweep();
      if (removed.orphans + removed.blobs > 0) this.logger.info(removed, 'attachments swept');
    } catch (err) {
      this.logger.warn({ err }, 'the attachment sweep failed; trying again at the next tick');
    }
  }
}
