import { S3EnvSchema, ScaledEnvSchema } from '@chat/adapters';
import { loadConfig } from '@chat/gateway/config';
import { loadSinkConfig } from '@chat/sink/config';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  composeText,
  environmentOf,
  exampleEnv,
  healthcheckTest,
  loadCompose,
  service,
  services,
  TEST_SECRETS,
} from '../src/compose.js';
import { parseEnvFile } from '../src/env-file.js';
import {
  interpolate,
  MissingVariableError,
  referencedVariables,
  requiredVariables,
} from '../src/interpolate.js';
import { REPO_ROOT, readRepoFile, repoPath, stringList } from '../src/repo.js';
import { run } from '../src/run.js';

/** Keys of the `z.object({...})` env schema in an app's config file (not exported there). */
function schemaKeys(file: string): string[] {
  const source = readRepoFile(file);
  const body = /const EnvSchema = z\.object\(\{([\s\S]*?)\n\}\);/.exec(source)?.[1];
  if (!body) throw new Error(`no EnvSchema in ${file}`);
  return [...body.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1] ?? '');
}

/** Variables the local cluster reads (`process.env['…']`). */
const clusterKeys = (): string[] =>
  [...readRepoFile('packages/local-cluster/src/main.ts').matchAll(/process\.env\['([A-Z_]+)'\]/g)]
    .map((m) => m[1] ?? '')
    .filter((key) => key !== 'INIT_CWD');

const example = parseEnvFile(readRepoFile('.env.example'));
const SECRET = /PASSWORD|SECRET|_KEY$|KEY_ID$|API_KEY/;

describe('.env.example', () => {
  it('documents every variable the gateway, the scaled drivers, the sinks and the local cluster read', () => {
    const gateway = schemaKeys('apps/gateway/src/config/config.ts');
    const sink = schemaKeys('apps/sink/src/config.ts');
    expect(gateway).toContain('PORT');
    expect(sink).toContain('SINKS');
    const all = new Set([
      ...gateway,
      ...Object.keys(ScaledEnvSchema.shape),
      ...Object.keys(S3EnvSchema.shape),
      ...sink,
      ...clusterKeys(),
    ]);
    expect([...all].filter((key) => !example.has(key))).toEqual([]);
  });

  it('documents every variable docker-compose.yml interpolates', () => {
    const used = referencedVariables(composeText());
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((key) => !example.has(key))).toEqual([]);
  });

  it('commits no secret: every secret, and everything compose requires, is empty', () => {
    const required = requiredVariables(composeText());
    expect(required).toEqual(expect.arrayContaining([...TEST_SECRETS.keys()]));
    for (const key of [...required, ...[...example.keys()].filter((k) => SECRET.test(k))]) {
      expect(example.get(key), key).toBe('');
    }
  });

  it('is not enough for docker compose on its own: the secrets must be set', () => {
    expect(() => interpolate(composeText(), example)).toThrow(MissingVariableError);
  });
});

describe('docker-compose.yml environments', () => {
  const compose = loadCompose();

  it("are accepted by the gateway's own config parser, in scaled mode", () => {
    const config = loadConfig(environmentOf(service(compose, 'gateway')));
    expect(config.scaled?.REDIS_URL).toMatch(/^redis:\/\/:[^@]+@redis:6379$/);
    expect(config.scaled?.ELASTICSEARCH_URL).toBe('http://elasticsearch:9200');
    expect(config.auth.secret).toBe(TEST_SECRETS.get('AUTH_SECRET'));
  });

  it("are accepted by the sink's config parser, one sink per service", () => {
    expect(loadSinkConfig(environmentOf(service(compose, 'sink-store'))).sinks).toEqual(['store']);
    expect(loadSinkConfig(environmentOf(service(compose, 'sink-search'))).sinks).toEqual([
      'search',
    ]);
  });

  it('probe readiness on the port each app listens on', () => {
    const gateway = loadConfig(environmentOf(service(compose, 'gateway')));
    expect(healthcheckTest(service(compose, 'gateway'))).toContain(
      `http://127.0.0.1:${gateway.port}/ready`,
    );
    for (const name of ['sink-store', 'sink-search']) {
      const sink = loadSinkConfig(environmentOf(service(compose, name)));
      expect(healthcheckTest(service(compose, name))).toContain(
        `http://127.0.0.1:${sink.healthPort}/ready`,
      );
    }
  });

  it('never let every origin in: CORS_ORIGINS by compose default and by .env.example', () => {
    const unset = exampleEnv();
    unset.delete('CORS_ORIGINS');
    const empty = new Map([...unset, ['CORS_ORIGINS', '']]);
    const effective = [unset, empty, exampleEnv()].map(
      (env) => environmentOf(service(loadCompose(env), 'gateway'))['CORS_ORIGINS'] ?? '',
    );
    const gateway = environmentOf(service(compose, 'gateway'));
    for (const value of effective) {
      expect(value).not.toContain('*');
      // The gateway refuses anything but exact origins (config.spec.ts), `*` among them.
      expect(() => loadConfig({ ...gateway, CORS_ORIGINS: value })).not.toThrow();
    }
  });

  it('pass REDIS_CLUSTER and the AWS credentials from .env to the gateway and the sinks', () => {
    const env = new Map([
      ...exampleEnv(),
      ['REDIS_CLUSTER', 'true'],
      ['AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE'],
      ['AWS_SECRET_ACCESS_KEY', 'secret-example'],
    ]);
    const set = loadCompose(env);
    for (const name of ['gateway', 'sink-store', 'sink-search']) {
      const scaled = ScaledEnvSchema.parse(environmentOf(service(set, name)));
      expect(scaled.REDIS_CLUSTER, name).toBe(true);
      expect(scaled.AWS_ACCESS_KEY_ID, name).toBe('AKIDEXAMPLE');
      expect(scaled.AWS_SECRET_ACCESS_KEY, name).toBe('secret-example');
    }
    // Unset, DynamoDB Local gets the adapter's dummy credentials and Redis is one node.
    const unset = ScaledEnvSchema.parse(environmentOf(service(compose, 'gateway')));
    expect(unset.REDIS_CLUSTER).toBe(false);
    expect(unset.AWS_ACCESS_KEY_ID ?? '').toBe('');
  });

  it('start Kibana and its init job only with the kibana profile', () => {
    const withProfile = [...services(compose)]
      .filter(([, svc]) => svc['profiles'] !== undefined)
      .map(([name, svc]) => [name, svc['profiles']]);
    expect(withProfile).toEqual([
      ['kibana', ['kibana']],
      ['kibana-init', ['kibana']],
    ]);
  });

  it('give Redis the password the apps connect with', () => {
    const redis = environmentOf(service(compose, 'redis'));
    const url = new URL(String(environmentOf(service(compose, 'gateway'))['REDIS_URL']));
    expect(decodeURIComponent(url.password)).toBe(redis['REDIS_PASSWORD']);
    expect(redis['REDISCLI_AUTH']).toBe(redis['REDIS_PASSWORD']);
  });

  it('give Elasticsearch, its init job, Kibana and the apps matching credentials', () => {
    const es = environmentOf(service(compose, 'elasticsearch'));
    const init = environmentOf(service(compose, 'elasticsearch-init'));
    const kibana = environmentOf(service(compose, 'kibana'));
    const app = environmentOf(service(compose, 'sink-search'));
    expect(init['ELASTIC_PASSWORD']).toBe(es['ELASTIC_PASSWORD']);
    expect(kibana['ELASTICSEARCH_USERNAME']).toBe('kibana_system');
    expect(kibana['ELASTICSEARCH_PASSWORD']).toBe(init['KIBANA_SYSTEM_PASSWORD']);
    expect(app['ELASTICSEARCH_USERNAME']).toBe(init['ELASTICSEARCH_USERNAME']);
    expect(app['ELASTICSEARCH_PASSWORD']).toBe(init['ELASTICSEARCH_PASSWORD']);
    expect(app['ELASTICSEARCH_INDEX_PREFIX']).toBe(init['ELASTICSEARCH_INDEX_PREFIX']);
  });

  it("give the gateway the bucket and the key MinIO's init job creates, on the MinIO service", () => {
    const gateway = loadConfig(environmentOf(service(compose, 'gateway')));
    const init = environmentOf(service(compose, 'minio-init'));
    const minio = environmentOf(service(compose, 'minio'));
    const store = gateway.attachments.store;
    expect(store.driver).toBe('s3');
    if (store.driver !== 's3') return;
    expect(store.S3_ENDPOINT).toBe(init['MINIO_URL']);
    expect(new URL(String(init['MINIO_URL'])).hostname).toBe('minio');
    expect(store.S3_BUCKET).toBe(init['S3_BUCKET']);
    expect(store.S3_ACCESS_KEY_ID).toBe(init['S3_ACCESS_KEY_ID']);
    expect(store.S3_SECRET_ACCESS_KEY).toBe(init['S3_SECRET_ACCESS_KEY']);
    // The apps never hold MinIO's root credentials.
    expect(store.S3_ACCESS_KEY_ID).not.toBe(minio['MINIO_ROOT_USER']);
    expect(init['MINIO_ROOT_PASSWORD']).toBe(minio['MINIO_ROOT_PASSWORD']);
    expect(gateway.attachments.maxBytes).toBe(10 * 1024 * 1024);
  });

  it("run MinIO's init job from the script in infra/minio, which sh can parse", async () => {
    const init = service(compose, 'minio-init');
    const [mount] = stringList(init['volumes'], 'volumes');
    const [source = '', target] = String(mount).split(':');
    expect(stringList(init['entrypoint'], 'entrypoint')).toEqual(['sh', target]);
    const script = repoPath(source);
    expect(existsSync(script)).toBe(true);
    const parsed = await run('sh', ['-n', script], { cwd: REPO_ROOT });
    expect(parsed.stderr).toBe('');
    expect(parsed.code).toBe(0);
    const text = readFileSync(script, 'utf8');
    // Bucket, lifecycle for staged and unfinished uploads, a key allowed that bucket only.
    for (const step of ['mc mb --ignore-existing', 'mc ilm import', 'mc admin policy create']) {
      expect(text).toContain(step);
    }
    expect(text).toContain('"Prefix": "tmp/"');
    expect(text).toContain('AbortIncompleteMultipartUpload');
  });
});
