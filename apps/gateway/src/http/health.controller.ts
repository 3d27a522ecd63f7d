import { failingChecks } from '@chat/core';
import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { INFRASTRUCTURE, type Infrastructure } from '../infra/infrastructure.js';
import { Metrics } from '../observability/metrics.js';

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
    const failing = await failingChecks(this.infra.checks);
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
