import { answerChecks } from '@chat/core';
import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { INFRASTRUCTURE, type Infrastructure } from '../infra/infrastructure.js';
import { Metrics } from '../observability/metrics.js';

/**
 * What this replica needs to serve chat: its event log (Redis when scaled, SQLite embedded).
 * Sends are acked from the log alone; the store and the search index catch up through the sinks
 * (docs/reliability.md), so their outage must not take a replica out of the load balancer.
 */
const SERVING_CHECKS: ReadonlySet<string> = new Set(['redis', 'sqlite']);

/**
 * Liveness (`/health`), routing (`/serving`: the process and its event log answer; what the load
 * balancer probes), readiness (`/ready`: every dependency answers; for dashboards and start-up
 * order) and Prometheus metrics.
 */
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

  @Get('serving')
  async serving(@Res() res: Response): Promise<void> {
    await this.answer(
      res,
      this.infra.checks.filter((c) => SERVING_CHECKS.has(c.name)),
      'serving',
    );
  }

  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    await this.answer(res, this.infra.checks, 'ready');
  }

  private async answer(
    res: Response,
    checks: Infrastructure['checks'],
    status: 'serving' | 'ready',
  ): Promise<void> {
    const { httpStatus, body } = await answerChecks(checks, status);
    res.status(httpStatus).json(body);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
