import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { INFRASTRUCTURE, type Infrastructure } from '../infra/infrastructure.js';
import { Metrics } from '../observability/metrics.js';

const PING_TIMEOUT_MS = 2000;

/** Liveness, readiness (every dependency answers) and Prometheus metrics. */
@Controller()
export class HealthController {
  constructor(
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    const results = await Promise.all(
      this.infra.checks.map(async ({ name, ping }) => ({ name, error: await failure(ping) })),
    );
    const failing = results.filter((r) => r.error !== undefined);
    if (failing.length === 0) {
      res.status(200).json({ status: 'ready' });
      return;
    }
    res.status(503).json({
      code: 'UNAVAILABLE',
      message: failing.map((f) => `${f.name}: ${f.error}`).join('; '),
      failing: failing.map((f) => f.name),
    });
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

async function failure(ping: () => Promise<void>): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)),
      PING_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([ping(), timeout]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}
