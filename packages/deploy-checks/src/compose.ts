import { parse } from 'yaml';
import { parseEnvFile } from './env-file.js';
import { interpolate } from './interpolate.js';
import { asArray, asDict, asString, isDict, readRepoFile, stringList, type Dict } from './repo.js';

export const COMPOSE_FILE = 'docker-compose.yml';

/**
 * Stand-ins for the secrets `.env.example` leaves empty (docker compose refuses to start without
 * them), so the checks can interpolate the file as a user's `.env` would.
 */
export const TEST_SECRETS: ReadonlyMap<string, string> = new Map([
  ['REDIS_PASSWORD', '5f1d0c3e9a7b2468ace0f13579bdf0246813579bdf02468a'],
  ['ELASTIC_PASSWORD', '0a1b2c3d4e5f60718293a4b5c6d7e8f9'],
  ['KIBANA_SYSTEM_PASSWORD', '9f8e7d6c5b4a39281706f5e4d3c2b1a0'],
  ['ELASTICSEARCH_PASSWORD', 'a0b1c2d3e4f5061728394a5b6c7d8e9f'],
  ['KIBANA_ENCRYPTION_KEY', 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'],
  ['AUTH_SECRET', 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef'],
  ['MINIO_ROOT_PASSWORD', '7e57ab1e7e57ab1e7e57ab1e7e57ab1e'],
  ['S3_ACCESS_KEY_ID', 'chat-gateway'],
  ['S3_SECRET_ACCESS_KEY', '5ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2'],
]);

/** `.env.example` as docker compose would read it as `.env`, with the test secrets filled in. */
export function exampleEnv(): Map<string, string> {
  const env = parseEnvFile(readRepoFile('.env.example'));
  for (const [key, value] of TEST_SECRETS) env.set(key, value);
  return env;
}

/** The compose file's text. */
export const composeText = (): string => readRepoFile(COMPOSE_FILE);

/** Parses compose YAML (anchors and `<<` merges resolved), without interpolation. */
export const parseComposeYaml = (text: string): Dict =>
  asDict(parse(text, { merge: true }), COMPOSE_FILE);

/** Interpolates every string of a parsed compose file, as docker compose does. */
export function interpolateTree(value: unknown, env: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((item) => interpolateTree(item, env));
  if (isDict(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateTree(item, env)]),
    );
  }
  return value;
}

/** The compose file as docker compose sees it with `env` as its `.env`. */
export function loadCompose(env: ReadonlyMap<string, string> = exampleEnv()): Dict {
  return asDict(interpolateTree(parseComposeYaml(composeText()), env), COMPOSE_FILE);
}

export function services(compose: Dict): Map<string, Dict> {
  const all = asDict(compose['services'], 'services');
  return new Map(Object.entries(all).map(([name, service]) => [name, asDict(service, name)]));
}

export function service(compose: Dict, name: string): Dict {
  const found = services(compose).get(name);
  if (!found) throw new Error(`no service ${name} in ${COMPOSE_FILE}`);
  return found;
}

/** A service's environment (mapping or `KEY=value` list form) as strings. */
export function environmentOf(svc: Dict): Record<string, string> {
  const env = svc['environment'];
  if (env === undefined) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      stringList(env, 'environment').map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(asDict(env, 'environment')).map(([key, value]) => [
      key,
      value === null || value === undefined ? '' : String(value as string | number | boolean),
    ]),
  );
}

export interface PublishedPort {
  /** Host address; undefined means every interface. */
  hostIp: string | undefined;
  published: string | undefined;
  target: number;
}

const portText = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;

/** Ports in short (`[ip:]host:container[/proto]`) or long syntax. */
export function publishedPorts(svc: Dict): PublishedPort[] {
  if (svc['ports'] === undefined) return [];
  return asArray(svc['ports'], 'ports').map((entry) => {
    if (isDict(entry)) {
      return {
        hostIp: entry['host_ip'] === undefined ? undefined : asString(entry['host_ip'], 'host_ip'),
        published: portText(entry['published']),
        target: Number(entry['target']),
      };
    }
    const spec = (portText(entry) ?? '').replace(/\/(tcp|udp)$/, '');
    const parts = spec.split(':');
    const target = Number(parts.pop());
    const published = parts.pop();
    const hostIp = parts.length > 0 ? parts.join(':') : undefined;
    return { hostIp, published, target };
  });
}

/** The healthcheck test as an array (`CMD` / `CMD-SHELL` form), or undefined when absent. */
export function healthcheckTest(svc: Dict): string[] | undefined {
  const healthcheck = svc['healthcheck'];
  if (!isDict(healthcheck) || healthcheck['disable'] === true) return undefined;
  const test = healthcheck['test'];
  if (typeof test === 'string') return ['CMD-SHELL', test];
  return test === undefined ? undefined : stringList(test, 'healthcheck.test');
}

/** `depends_on` as service → condition (a plain list means `service_started`). */
export function dependsOn(svc: Dict): Map<string, string> {
  const deps = svc['depends_on'];
  if (deps === undefined) return new Map();
  if (Array.isArray(deps)) {
    return new Map(stringList(deps, 'depends_on').map((name) => [name, 'service_started']));
  }
  return new Map(
    Object.entries(asDict(deps, 'depends_on')).map(([name, spec]) => [
      name,
      asString(asDict(spec, name)['condition'], `${name}.condition`),
    ]),
  );
}

export interface BuildSpec {
  context: string;
  dockerfile: string;
  target: string | undefined;
  args: Record<string, string>;
}

export function buildOf(svc: Dict): BuildSpec | undefined {
  const build = svc['build'];
  if (build === undefined) return undefined;
  if (typeof build === 'string')
    return { context: build, dockerfile: 'Dockerfile', target: undefined, args: {} };
  const spec = asDict(build, 'build');
  return {
    context: asString(spec['context'] ?? '.', 'build.context'),
    dockerfile: asString(spec['dockerfile'] ?? 'Dockerfile', 'build.dockerfile'),
    target: spec['target'] === undefined ? undefined : asString(spec['target'], 'build.target'),
    args: isDict(spec['args'])
      ? Object.fromEntries(Object.entries(spec['args']).map(([k, v]) => [k, String(v as string)]))
      : {},
  };
}

/**
 * Services that run to completion (init jobs): never restarted (`restart: "no"`), or waited for
 * with `service_completed_successfully`.
 */
export function initJobs(compose: Dict): Set<string> {
  const jobs = new Set<string>();
  for (const [name, svc] of services(compose)) {
    if (svc['restart'] === 'no') jobs.add(name);
    for (const [dependency, condition] of dependsOn(svc)) {
      if (condition === 'service_completed_successfully') jobs.add(dependency);
    }
  }
  return jobs;
}
