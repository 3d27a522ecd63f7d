import {
  ConfigError,
  configIssues,
  definedEnv,
  S3EnvSchema,
  ScaledEnvSchema,
  scaledEnvProblems,
  type S3Env,
  type ScaledEnv,
} from '@chat/adapters';
import { DEFAULT_ATTACHMENT_MAX_BYTES } from '@chat/contracts';

export { ConfigError };
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

const rate = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const list = z.string().transform((s) =>
  s
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean),
);

/**
 * Why `origin` cannot be an entry of CORS_ORIGINS, or undefined when it is a browser origin:
 * `http(s)://host[:port]` exactly as a browser sends it in `Origin` (lowercase, no default port,
 * path, query or credentials), since Socket.IO compares the strings as they are.
 */
export function corsOriginProblem(origin: string): string | undefined {
  if (origin.includes('*')) {
    return (
      `"${origin}" is refused: no wildcards. Socket.IO answers with credentials allowed, so a ` +
      "wildcard would let every website use a visitor's connection; list the exact origins, " +
      'e.g. https://chat.example.com'
    );
  }
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `"${origin}" is not an origin: write http(s)://host[:port], e.g. https://chat.example.com`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `"${origin}" is not an http(s) origin: write http(s)://host[:port]`;
  }
  if (url.origin !== origin) {
    return (
      `"${origin}" is not an origin as browsers send it (no path, trailing slash, query, ` +
      `credentials or default port; lowercase host): write "${url.origin}"`
    );
  }
  return undefined;
}

const corsOrigins = list.superRefine((origins, ctx) => {
  for (const origin of origins) {
    const problem = corsOriginProblem(origin);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }
});

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default(path.join(REPO_ROOT, 'data')),
  WEB_DIST: z.string().min(1).default(path.join(REPO_ROOT, 'apps/web/dist')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AUTH_MODE: z.enum(['guest', 'accounts', 'jwt']).default('guest'),
  AUTH_SECRET: z.string().min(32, 'AUTH_SECRET must be at least 32 characters').optional(),
  GUEST_TOKEN_TTL_DAYS: z.coerce.number().positive().default(30),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  JWT_JWKS_URL: z.url().optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  CORS_ORIGINS: corsOrigins.optional(),
  MAX_HTTP_BUFFER_SIZE: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  RATE_LIMIT_MESSAGES_PER_SEC: rate(10),
  RATE_LIMIT_MESSAGES_BURST: rate(50),
  RATE_LIMIT_ROOMS_PER_MIN: rate(10),
  RATE_LIMIT_SEARCHES_PER_SEC: rate(5),
  RATE_LIMIT_TYPING_PER_SEC: rate(10),
  RATE_LIMIT_EVENTS_PER_SEC: rate(20),
  RATE_LIMIT_EVENTS_BURST: rate(100),
  RATE_LIMIT_SESSIONS_PER_MIN: rate(20),
  RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: rate(10),
  RATE_LIMIT_SIGNIN_FAILURES_PER_IP: rate(50),
  RATE_LIMIT_SOCKET_EVENTS_PER_SEC: rate(50),
  RATE_LIMIT_SOCKET_EVENTS_BURST: rate(200),
  MAX_BAD_EVENTS_PER_MIN: rate(20),
  MAX_SOCKETS_PER_USER: rate(20),
  MAX_SOCKETS_PER_IP: rate(200),
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
  SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  ATTACHMENT_STORE: z.enum(['disk', 's3']).default('disk'),
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().positive().default(DEFAULT_ATTACHMENT_MAX_BYTES),
  ATTACHMENT_ORPHAN_TTL_HOURS: z.coerce.number().positive().default(24),
  ATTACHMENT_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().positive().default(900),
  ATTACHMENT_BLOB_GRACE_SECONDS: z.coerce.number().int().min(0).default(600),
  ATTACHMENT_LINK_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
  ATTACHMENT_LINK_SECRET: z
    .string()
    .min(32, 'ATTACHMENT_LINK_SECRET must be at least 32 characters')
    .optional(),
  RATE_LIMIT_UPLOAD_BYTES_PER_MIN: rate(100 * 1024 * 1024),
});

/** Checks across variables, run on the raw values so they are reported with every other problem. */
function crossFieldProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env['AUTH_MODE'] === 'jwt' && !env['JWT_SECRET'] && !env['JWT_JWKS_URL']) {
    problems.push(
      'JWT_SECRET: AUTH_MODE=jwt needs JWT_SECRET (HS256) or JWT_JWKS_URL (RS256/ES256)',
    );
  }
  // Without both, a token the same key signed for another application would be accepted.
  const claims = [
    ['JWT_ISSUER', 'iss'],
    ['JWT_AUDIENCE', 'aud'],
  ] as const;
  for (const [name, claim] of env['AUTH_MODE'] === 'jwt' ? claims : []) {
    if (!env[name]) {
      problems.push(
        `${name}: AUTH_MODE=jwt needs the \`${claim}\` your identity provider sets in tokens ` +
          'for this chat, so that its tokens for other applications are refused',
      );
    }
  }
  return problems;
}

export type Env = z.infer<typeof EnvSchema>;

export interface RateLimitConfig {
  messagesPerSec: number;
  messagesBurst: number;
  roomsPerMin: number;
  searchesPerSec: number;
  /** `typing` events, relayed or not. */
  typingPerSec: number;
  /** Every other client event without a limit of its own (reads, membership, read pointers). */
  eventsPerSec: number;
  eventsBurst: number;
  /** Sign-ins and sign-ups (guest or account) per client IP. */
  sessionsPerMin: number;
  /** Failed password sign-ins per account name, per 15 minutes. */
  signinFailuresPerAccount: number;
  /** Failed password sign-ins per client IP, whatever the names tried, per 15 minutes. */
  signinFailuresPerIp: number;
  /** Bytes a user may upload per minute (one file larger than this still goes alone). */
  uploadBytesPerMin: number;
}

/** Uploads: where the bytes go, how large they may be, how long links and orphans live. */
export interface AttachmentConfig {
  store: { driver: 'disk'; dir: string } | ({ driver: 's3' } & S3Env);
  maxBytes: number;
  orphanTtlMs: number;
  sweepIntervalMs: number;
  blobGraceMs: number;
  linkTtlMs: number;
  /** Signs download links; derived from the guest-token secret when not set. */
  linkSecret?: string;
}

/** What one connection and one client may hold of a replica (`SocketGuard`); 0 disables each. */
export interface SocketLimitConfig {
  /** Every event of one socket, valid or not. */
  eventsPerSec: number;
  eventsBurst: number;
  /** Malformed or unknown events of one socket before it is disconnected. */
  badEventsPerMin: number;
  socketsPerUser: number;
  socketsPerIp: number;
  /** Proxies in front whose `X-Forwarded-For` entry is trusted for the client IP. */
  trustedProxyHops: number;
}

/** The whole configuration, parsed once at start; nothing reads `process.env` afterwards. */
export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  webDist: string;
  logLevel: Env['LOG_LEVEL'];
  auth: {
    /**
     * `guest`: accounts with passwords and guests with a name only; `accounts`: accounts only;
     * `jwt`: tokens from the operator's identity provider.
     */
    mode: Env['AUTH_MODE'];
    /** Guest-token signing secret; generated into the data folder when not set. */
    secret?: string;
    guestTokenTtlMs: number;
    jwtSecret?: string;
    jwksUrl?: string;
    /** Required `iss` and `aud` of JWTs; both set whenever `mode` is `jwt`. */
    issuer?: string;
    audience?: string;
  };
  corsOrigins?: string[];
  maxHttpBufferSize: number;
  rateLimits: RateLimitConfig;
  socketLimits: SocketLimitConfig;
  sqliteSynchronous: Env['SQLITE_SYNCHRONOUS'];
  shutdownTimeoutMs: number;
  attachments: AttachmentConfig;
  /** Set when `REDIS_URL` is: the scaled adapters, no in-process sinks. */
  scaled?: ScaledEnv;
}

/** Parses the environment; throws a `ConfigError` listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<AppConfig> {
  const defined = definedEnv(env);
  const parsed = EnvSchema.safeParse(defined);
  const scaled = defined['REDIS_URL'] ? ScaledEnvSchema.safeParse(defined) : undefined;
  const s3 = defined['ATTACHMENT_STORE'] === 's3' ? S3EnvSchema.safeParse(defined) : undefined;
  const problems = [
    ...configIssues(parsed.error),
    ...configIssues(scaled?.error),
    ...configIssues(s3?.error),
    ...crossFieldProblems(defined),
    ...(scaled ? scaledEnvProblems(defined) : []),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  // `pnpm start` runs in apps/gateway; relative paths mean the caller's folder (INIT_CWD).
  const base = defined['INIT_CWD'] ?? process.cwd();
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(base, e.DATA_DIR),
    webDist: path.resolve(base, e.WEB_DIST),
    logLevel: e.LOG_LEVEL,
    auth: {
      mode: e.AUTH_MODE,
      secret: e.AUTH_SECRET,
      guestTokenTtlMs: e.GUEST_TOKEN_TTL_DAYS * 24 * 60 * 60 * 1000,
      jwtSecret: e.JWT_SECRET,
      jwksUrl: e.JWT_JWKS_URL,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
    },
    corsOrigins: e.CORS_ORIGINS,
    maxHttpBufferSize: e.MAX_HTTP_BUFFER_SIZE,
    rateLimits: {
      messagesPerSec: e.RATE_LIMIT_MESSAGES_PER_SEC,
      messagesBurst: e.RATE_LIMIT_MESSAGES_BURST,
      roomsPerMin: e.RATE_LIMIT_ROOMS_PER_MIN,
      searchesPerSec: e.RATE_LIMIT_SEARCHES_PER_SEC,
      typingPerSec: e.RATE_LIMIT_TYPING_PER_SEC,
      eventsPerSec: e.RATE_LIMIT_EVENTS_PER_SEC,
      eventsBurst: e.RATE_LIMIT_EVENTS_BURST,
      sessionsPerMin: e.RATE_LIMIT_SESSIONS_PER_MIN,
      uploadBytesPerMin: e.RATE_LIMIT_UPLOAD_BYTES_PER_MIN,
      signinFailuresPerAccount: e.RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT,
      signinFailuresPerIp: e.RATE_LIMIT_SIGNIN_FAILURES_PER_IP,
    },
    socketLimits: {
      eventsPerSec: e.RATE_LIMIT_SOCKET_EVENTS_PER_SEC,
      eventsBurst: Math.max(e.RATE_LIMIT_SOCKET_EVENTS_BURST, e.RATE_LIMIT_SOCKET_EVENTS_PER_SEC),
      badEventsPerMin: e.MAX_BAD_EVENTS_PER_MIN,
      socketsPerUser: e.MAX_SOCKETS_PER_USER,
      socketsPerIp: e.MAX_SOCKETS_PER_IP,
      trustedProxyHops: e.TRUSTED_PROXY_HOPS,
    },
    sqliteSynchronous: e.SQLITE_SYNCHRONOUS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    attachments: {
      store: s3?.data
        ? { driver: 's3' as const, ...s3.data }
        : {
            driver: 'disk' as const,
            dir: path.join(path.resolve(base, e.DATA_DIR), 'attachments'),
          },
      maxBytes: e.ATTACHMENT_MAX_BYTES,
      orphanTtlMs: e.ATTACHMENT_ORPHAN_TTL_HOURS * 60 * 60 * 1000,
      sweepIntervalMs: e.ATTACHMENT_SWEEP_INTERVAL_SECONDS * 1000,
      blobGraceMs: e.ATTACHMENT_BLOB_GRACE_SECONDS * 1000,
      linkTtlMs: e.ATTACHMENT_LINK_TTL_SECONDS * 1000,
      linkSecret: e.ATTACHMENT_LINK_SECRET,
    },
    scaled: scaled?.data,
  });
}

export const APP_CONFIG = Symbol('APP_CONFIG');
