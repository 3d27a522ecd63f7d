import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const EMBEDDED = { DATA_DIR: '/tmp/chat-config-spec' };
const SCALED = {
  ...EMBEDDED,
  REDIS_URL: 'redis://:secret@127.0.0.1:6390',
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
  SEARCH_SQLITE_PATH: '/tmp/chat-config-spec/search.db',
};

/** The listed problems of a configuration that must not load. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
}

describe('loadConfig: CORS_ORIGINS', () => {
  it('is unset by default, and empty means unset (same origin only)', () => {
    expect(loadConfig(EMBEDDED).corsOrigins).toBeUndefined();
    expect(loadConfig({ ...SCALED, CORS_ORIGINS: '' }).corsOrigins).toBeUndefined();
  });

  it('accepts exact http(s) origins, trimmed, with ports', () => {
    const config = loadConfig({
      ...SCALED,
      CORS_ORIGINS: ' https://chat.example.com , http://localhost:5173,http://10.0.0.7:8080',
    });
    expect(config.corsOrigins).toEqual([
      'https://chat.example.com',
      'http://localhost:5173',
      'http://10.0.0.7:8080',
    ]);
  });

  it.each([
    ['embedded', EMBEDDED],
    ['scaled', SCALED],
  ])('refuses a wildcard in %s mode, alone or in a list, saying why', (_mode, base) => {
    for (const value of ['*', 'https://chat.example.com,*', 'https://*.example.com']) {
      const listed = problems({ ...base, CORS_ORIGINS: value });
      expect(listed, value).toHaveLength(1);
      expect(listed[0]).toMatch(/^CORS_ORIGINS: ".*\*.*" is refused: no wildcards/);
      expect(listed[0]).toContain('credentials');
    }
  });

  it.each([
    ['https://chat.example.com/', 'https://chat.example.com'],
    ['https://chat.example.com/app', 'https://chat.example.com'],
    ['https://chat.example.com?x=1', 'https://chat.example.com'],
    ['https://user:pw@chat.example.com', 'https://chat.example.com'],
    ['https://Chat.Example.com', 'https://chat.example.com'],
    ['https://chat.example.com:443', 'https://chat.example.com'],
    ['http://chat.example.com:80', 'http://chat.example.com'],
  ])('refuses %s, which no browser sends, and names the origin to write', (value, origin) => {
    expect(problems({ ...SCALED, CORS_ORIGINS: value })).toEqual([
      expect.stringMatching(new RegExp(`^CORS_ORIGINS: .*write "${origin}"$`)),
    ]);
  });

  it.each([['chat.example.com'], ['null'], ['ftp://chat.example.com'], ['file:///etc']])(
    'refuses %s, which is not an http(s) origin',
    (value) => {
      expect(problems({ ...EMBEDDED, CORS_ORIGINS: value })).toEqual([
        expect.stringMatching(/^CORS_ORIGINS: .* http\(s\)/),
      ]);
    },
  );

  it('lists one problem per bad entry, with every other problem at once', () => {
    const listed = problems({ ...SCALED, CORS_ORIGINS: '*,https://ok.example,x/', PORT: 'no' });
    expect(listed.filter((p) => p.startsWith('CORS_ORIGINS:'))).toHaveLength(2);
    expect(listed.some((p) => p.startsWith('PORT:'))).toBe(true);
  });
});

describe('loadConfig: rate limits', () => {
  it('defaults every per-user limit', () => {
    expect(loadConfig(EMBEDDED).rateLimits).toEqual({
      messagesPerSec: 10,
      messagesBurst: 50,
      roomsPerMin: 10,
      searchesPerSec: 5,
      typingPerSec: 10,
      eventsPerSec: 20,
      eventsBurst: 100,
      sessionsPerMin: 20,
      uploadBytesPerMin: 100 * 1024 * 1024,
      signinFailuresPerAccount: 10,
      signinFailuresPerIp: 50,
    });
  });

  it('defaults what one connection and one client may hold', () => {
    expect(loadConfig(EMBEDDED).socketLimits).toEqual({
      eventsPerSec: 50,
      eventsBurst: 200,
      badEventsPerMin: 20,
      socketsPerUser: 20,
      socketsPerIp: 200,
      trustedProxyHops: 0,
    });
  });

  it('takes 0 (disabled) and refuses negative or fractional limits', () => {
    const off = loadConfig({
      ...EMBEDDED,
      RATE_LIMIT_TYPING_PER_SEC: '0',
      RATE_LIMIT_EVENTS_PER_SEC: '0',
    });
    expect(off.rateLimits).toMatchObject({ typingPerSec: 0, eventsPerSec: 0 });
    const listed = problems({
      ...EMBEDDED,
      RATE_LIMIT_TYPING_PER_SEC: '-1',
      RATE_LIMIT_EVENTS_PER_SEC: '2.5',
      RATE_LIMIT_EVENTS_BURST: 'many',
    });
    expect(listed.map((p) => p.split(':')[0]).sort()).toEqual([
      'RATE_LIMIT_EVENTS_BURST',
      'RATE_LIMIT_EVENTS_PER_SEC',
      'RATE_LIMIT_TYPING_PER_SEC',
    ]);
  });
});

describe('loadConfig: AUTH_MODE=jwt', () => {
  const JWT = {
    ...EMBEDDED,
    AUTH_MODE: 'jwt',
    JWT_SECRET: 'the-identity-providers-shared-secret-0123456789',
  };

  it('requires the issuer and the audience of tokens, listing both', () => {
    const listed = problems(JWT);
    expect(listed.map((p) => p.split(':')[0]).sort()).toEqual(['JWT_AUDIENCE', 'JWT_ISSUER']);
    expect(problems({ ...JWT, JWT_ISSUER: 'https://idp.example.test/', JWT_AUDIENCE: '' })).toEqual(
      [expect.stringMatching(/^JWT_AUDIENCE: .*`aud`/)],
    );
  });

  it('loads with both, and guest mode needs neither', () => {
    const config = loadConfig({
      ...JWT,
      JWT_ISSUER: 'https://idp.example.test/',
      JWT_AUDIENCE: 'chat',
    });
    expect(config.auth).toMatchObject({ issuer: 'https://idp.example.test/', audience: 'chat' });
    expect(loadConfig(EMBEDDED).auth.mode).toBe('guest');
  });
});
