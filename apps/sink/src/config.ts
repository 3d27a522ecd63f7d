import {
  ConfigError,
  configIssues,
  definedEnv,
  ScaledEnvSchema,
  scaledEnvProblems,
  type ScaledEnv,
} from '@chat/adapters';

export { ConfigError };
import { hostname } from 'node:os';
import { z } from 'zod';

const SINK_NAMES = ['store', 'search'] as const;
export type SinkName = (typeof SINK_NAMES)[number];

const EnvSchema = z.object({
  SINKS: z
    .string()
    .default('store,search')
    .transform((s) => [
      ...new Set(
        s
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(z.enum(SINK_NAMES)).min(1, 'name at least one sink: store, search')),
  /** Unique per process; stable across restarts where possible (e.g. the pod name). */
  SINK_CONSUMER: z.string().min(1).default(`${hostname()}-${process.pid}`),
  SINK_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(200),
  SINK_CLAIM_IDLE_MS: z.coerce.number().int().min(1000).default(30_000),
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
});

/** The sink worker's configuration, parsed once at start. */
export interface SinkConfig {
  sinks: SinkName[];
  consumer: string;
  batchSize: number;
  claimIdleMs: number;
  healthPort: number;
  host: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  shutdownTimeoutMs: number;
  scaled: ScaledEnv;
}

/** Parses the environment; throws a `ConfigError` listing every problem at once. */
export function loadSinkConfig(env: NodeJS.ProcessEnv = process.env): Readonly<SinkConfig> {
  const defined = definedEnv(env);
  const own = EnvSchema.safeParse(defined);
  const scaled = ScaledEnvSchema.safeParse(defined);
  const problems = [
    ...configIssues(own.error),
    ...configIssues(scaled.error),
    ...scaledEnvProblems(defined),
  ];
  if (!own.success || !scaled.success || problems.length > 0) throw new ConfigError(problems);
  const e = own.data;
  return Object.freeze({
    sinks: e.SINKS,
    consumer: e.SINK_CONSUMER,
    batchSize: e.SINK_BATCH_SIZE,
    claimIdleMs: e.SINK_CLAIM_IDLE_MS,
    healthPort: e.HEALTH_PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    scaled: scaled.data,
  });
}
