import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildOf,
  dependsOn,
  environmentOf,
  healthcheckTest,
  initJobs,
  loadCompose,
  publishedPorts,
  services,
} from '../src/compose.js';
import { contextFiles, isIgnored, parseDockerignore } from '../src/dockerignore.js';
import { effective, execForm, parseDockerfile, stage } from '../src/dockerfile.js';
import { parseEnvFile } from '../src/env-file.js';
import { REPO_ROOT, repoPath } from '../src/repo.js';

const compose = loadCompose();
const all = services(compose);
const jobs = initJobs(compose);
const builds = [...all].flatMap(([name, svc]) => {
  const build = buildOf(svc);
  return build ? [{ name, build }] : [];
});

/** Paths no image may be built with: installed packages and every kind of test. */
const FORBIDDEN_SAMPLES = [
  'node_modules/vitest/package.json',
  'apps/gateway/node_modules/@chat/core/src/index.ts',
  'packages/adapters/test/integration/dynamo-stores.integration-spec.ts',
  'apps/gateway/test/support/test-app.ts',
  'apps/web/e2e/chat.e2e.ts',
  'packages/core/src/services/message.service.spec.ts',
  'packages/deploy-checks/test/images.spec.ts',
];
const FORBIDDEN =
  /(^|\/)(node_modules|test|tests|e2e|__tests__)\/|\.(spec|test|integration-spec|live-spec|e2e)\.ts$/;

describe('image build contexts', () => {
  it('every service that builds has a context with a .dockerignore and a Dockerfile', () => {
    expect(builds.length).toBeGreaterThan(0);
    for (const { name, build } of builds) {
      expect(
        existsSync(repoPath(build.context, '.dockerignore')),
        `${name}: ${build.context}/.dockerignore`,
      ).toBe(true);
      expect(
        existsSync(repoPath(build.context, build.dockerfile)),
        `${name}: ${build.dockerfile}`,
      ).toBe(true);
    }
  });

  for (const context of new Set(builds.map((b) => b.build.context))) {
    describe(`context ${context}`, () => {
      const root = repoPath(context);
      const rules = parseDockerignore(readFileSync(path.join(root, '.dockerignore'), 'utf8'));
      const files = contextFiles(root, rules);

      it('leaves out node_modules and tests', () => {
        for (const sample of FORBIDDEN_SAMPLES) expect(isIgnored(rules, sample), sample).toBe(true);
        expect(files.filter((file) => FORBIDDEN.test(file))).toEqual([]);
      });

      it('keeps every file the Dockerfiles built from it COPY from the context', () => {
        for (const { build } of builds.filter((b) => b.build.context === context)) {
          const dockerfile = parseDockerfile(
            readFileSync(path.join(root, build.dockerfile), 'utf8'),
          );
          const sources = dockerfile.stages
            .flatMap((s) => s.instructions)
            .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
            .flatMap((i) =>
              i.args
                .split(/\s+/)
                .filter((a) => !a.startsWith('--'))
                .slice(0, -1),
            );
          for (const source of sources) {
            const clean = source.replace(/\/$/, '');
            const kept =
              clean === '.'
                ? files.length > 0
                : files.some((f) => f === clean || f.startsWith(`${clean}/`));
            expect(kept, `${build.dockerfile}: COPY ${source}`).toBe(true);
          }
        }
      });
    });
  }

  it('keeps the workspace manifests and sources the build installs and runs', () => {
    const files = contextFiles(
      REPO_ROOT,
      parseDockerignore(readFileSync(repoPath('.dockerignore'), 'utf8')),
    );
    for (const needed of [
      'pnpm-lock.yaml',
      'pnpm-workspace.yaml',
      'package.json',
      'tsconfig.base.json',
      'apps/gateway/package.json',
      'apps/gateway/build.ts',
      'apps/gateway/src/main.ts',
      'apps/sink/src/main.ts',
      'apps/web/index.html',
      'apps/web/vite.config.ts',
      'packages/adapters/src/elasticsearch/index-template.json',
      'packages/deploy-checks/package.json',
    ]) {
      expect(files, needed).toContain(needed);
    }
    expect(files.filter((f) => f === '.env' || f.startsWith('data/'))).toEqual([]);
  });
});

describe('images', () => {
  for (const { name, build } of builds) {
    const dockerfile = parseDockerfile(
      readFileSync(repoPath(build.context, build.dockerfile), 'utf8'),
    );
    const target = build.target ?? dockerfile.stages.at(-1)?.name;

    if (build.dockerfile === 'infra/docker/Dockerfile' && target !== undefined) {
      it(`${name} (${target}) runs as a non-root user with a HEALTHCHECK or as a one-shot job`, () => {
        const user = effective(dockerfile, target, 'USER');
        expect(user, `${target}: USER`).toBeDefined();
        expect(['root', '0', '0:0']).not.toContain(user);
        if (!jobs.has(name))
          expect(effective(dockerfile, target, 'HEALTHCHECK'), target).toBeDefined();
      });
    }
  }

  it('are multi-stage, pnpm-workspace aware: apps are `pnpm deploy`ed from one installed workspace', () => {
    const dockerfile = parseDockerfile(readFileSync(repoPath('infra/docker/Dockerfile'), 'utf8'));
    const runs = stage(dockerfile, 'build')
      .instructions.filter((i) => i.keyword === 'RUN')
      .map((i) => i.args);
    expect(runs.join('\n')).toContain('pnpm install --frozen-lockfile');
    for (const app of ['gateway', 'sink']) {
      expect(runs.join('\n')).toContain(`pnpm --filter @chat/${app} deploy --prod`);
      const copies = stage(dockerfile, app)
        .instructions.filter((i) => i.keyword === 'COPY')
        .map((i) => i.args);
      expect(copies).toContain(`--from=build /out/apps/${app} /app/apps/${app}`);
    }
    // The gateway runs its production build, made before it is deployed; the sink runs tsx.
    expect(runs.join('\n')).toMatch(
      /pnpm --filter @chat\/gateway build[\s\S]*pnpm --filter @chat\/gateway deploy/,
    );
    expect(execForm(effective(dockerfile, 'gateway', 'CMD') ?? '')).toEqual([
      'node',
      '--enable-source-maps',
      'dist/main.js',
    ]);
    expect(execForm(effective(dockerfile, 'sink', 'CMD') ?? '')).toEqual([
      'node',
      '--enable-source-maps',
      '--import',
      'tsx',
      'src/main.ts',
    ]);
    expect(stage(dockerfile, 'web').instructions.map((i) => i.args)).toContain(
      '--from=build /src/apps/web/dist/ /usr/share/nginx/html/',
    );
  });

  it('Elasticsearch gets analysis-nori at build time, and Kibana matches its version', () => {
    const es = buildOf(all.get('elasticsearch') ?? {});
    expect(es?.context).toBe('infra/elasticsearch');
    const dockerfile = readFileSync(repoPath('infra/elasticsearch/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^RUN bin\/elasticsearch-plugin install --batch analysis-nori$/m);
    const version = es?.args['ELASTIC_VERSION'];
    expect(version).toBe(parseDockerfile(dockerfile).globalArgs.get('ELASTIC_VERSION'));
    expect(all.get('kibana')?.['image']).toBe(`docker.elastic.co/kibana/kibana:${String(version)}`);
  });

  it('builds each image in one service only; the others name it, and compose never pulls it', () => {
    const builtBy = new Map<string, string[]>();
    for (const { name } of builds) {
      const image = String(all.get(name)?.['image']);
      builtBy.set(image, [...(builtBy.get(image) ?? []), name]);
    }
    // Two services building one tag run in parallel and race ("image already exists").
    for (const [image, builders] of builtBy) expect(builders, image).toHaveLength(1);
    for (const [name, svc] of all) {
      const image = String(svc['image']);
      if (buildOf(svc) || !image.endsWith(':local')) continue;
      expect(builtBy.get(image), `${name} uses ${image}: some service must build it`).toBeDefined();
      // Compose skips pulling an image another service builds, unless told to pull it.
      expect(svc['pull_policy'], name).toBeUndefined();
    }
    // The DynamoDB init job runs the sink image's tables CLI (image-layout.integration-spec).
    expect(all.get('dynamodb-init')?.['image']).toBe(all.get('sink-store')?.['image']);
  });

  it('run Node.js from a current LTS line (even major, 22 or later), which package.json engines allow', () => {
    const dockerfile = parseDockerfile(readFileSync(repoPath('infra/docker/Dockerfile'), 'utf8'));
    const image = dockerfile.globalArgs.get('NODE_IMAGE') ?? '';
    const match = /^node:(\d+)\.(\d+)-(\w+)-slim$/.exec(image);
    expect(match, image).not.toBeNull();
    const major = Number(match?.[1]);
    // Node 20 reached end of life in April 2026; the AWS SDK's later releases need Node 22+.
    expect(major).toBeGreaterThanOrEqual(22);
    expect(major % 2, 'odd majors are never LTS').toBe(0);
    const engines = (
      JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { engines: { node: string } }
    ).engines.node;
    const allowed = engines
      .split('||')
      .some((range) => /^>=(\d+)$/.test(range.trim()) && major >= Number(/\d+/.exec(range)?.[0]));
    expect(allowed, engines).toBe(true);
    // Every stage that runs node starts from that one image.
    for (const s of dockerfile.stages.filter((st) =>
      ['pnpm', 'node-runtime', 'init'].includes(st.name ?? ''),
    )) {
      expect(s.from, s.name).toBe('${NODE_IMAGE}');
    }
  });

  it('pin one version per image in compose, .env.example and the Dockerfiles, no older than reviewed', () => {
    const text = readFileSync(repoPath('docker-compose.yml'), 'utf8');
    const example = parseEnvFile(readFileSync(repoPath('.env.example'), 'utf8'));
    const dockerfileArg = (file: string, name: string) =>
      parseDockerfile(readFileSync(repoPath(file), 'utf8')).globalArgs.get(name);
    /** The releases the pins were last checked against (their release notes read). */
    const reviewed: [string, string, string | undefined][] = [
      ['KONG_VERSION', '3.9.3', undefined],
      ['ELASTIC_VERSION', '9.4.9', 'infra/elasticsearch/Dockerfile'],
      ['DYNAMODB_LOCAL_VERSION', '3.3.2', 'infra/dynamodb/Dockerfile'],
    ];
    const numbers = (v: string) => v.split('.').map(Number);
    const atLeast = (v: string, floor: string) => {
      const [a, b] = [numbers(v), numbers(floor)];
      for (let i = 0; i < b.length; i++) {
        if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
      }
      return true;
    };
    for (const [name, floor, dockerfile] of reviewed) {
      const defaults = new Set(
        [...text.matchAll(new RegExp(`\\$\\{${name}:-([^}]+)\\}`, 'g'))].map((m) => m[1]),
      );
      expect([...defaults], name).toEqual([example.get(name)]);
      if (dockerfile) expect(dockerfileArg(dockerfile, name), name).toBe(example.get(name));
      expect(
        atLeast(String(example.get(name)), floor),
        `${name} ${String(example.get(name))}`,
      ).toBe(true);
    }
  });

  it('pulls only pinned images', () => {
    for (const [name, svc] of all) {
      if (buildOf(svc)) continue;
      expect(String(svc['image']), name).toMatch(/^[^:]+(\/[^:]+)*:(?!latest$)[\w.-]+$/);
    }
  });
});

describe('services', () => {
  it('all have a healthcheck, except the init jobs, which run once and are waited for', () => {
    expect([...jobs].sort()).toEqual([
      'dynamodb-init',
      'elasticsearch-init',
      'kibana-init',
      'minio-init',
    ]);
    for (const [name, svc] of all) {
      if (jobs.has(name)) {
        expect(svc['restart'], name).toBe('no');
        expect(publishedPorts(svc), name).toEqual([]);
      } else {
        expect(healthcheckTest(svc), name).toBeDefined();
      }
    }
  });

  it('start in order: each waits for its dependencies to be healthy, or for init jobs to succeed', () => {
    for (const [name, svc] of all) {
      for (const [dependency, condition] of dependsOn(svc)) {
        expect(all.has(dependency), `${name} → ${dependency}`).toBe(true);
        expect(condition, `${name} → ${dependency}`).toBe(
          jobs.has(dependency) ? 'service_completed_successfully' : 'service_healthy',
        );
      }
    }
    for (const app of ['gateway', 'sink-store', 'sink-search']) {
      expect([...dependsOn(all.get(app) ?? {}).keys()].sort(), app).toEqual([
        'dynamodb-init',
        'elasticsearch-init',
        ...(app === 'gateway' ? ['minio-init'] : []),
        'redis',
      ]);
    }
    expect([...dependsOn(all.get('minio-init') ?? {}).keys()]).toEqual(['minio']);
  });

  it('publish on the host only the web port and Kong proxy, and dashboards on 127.0.0.1', () => {
    const web = parseDockerfile(readFileSync(repoPath('infra/docker/Dockerfile'), 'utf8'));
    const webListen = /LISTEN=\S*:(\d+)/.exec(effective(web, 'web', 'ENV') ?? '')?.[1];
    const kongProxy = String(environmentOf(all.get('kong') ?? {})['KONG_PROXY_LISTEN'])
      .split(':')
      .pop();
    const open = new Set([`web:${String(webListen)}`, `kong:${String(kongProxy)}`]);
    const published: string[] = [];
    for (const [name, svc] of all) {
      for (const port of publishedPorts(svc)) {
        const key = `${name}:${port.target}`;
        published.push(key);
        if (!open.has(key)) expect(port.hostIp, `${key} must bind 127.0.0.1`).toBe('127.0.0.1');
      }
    }
    expect(published.sort()).toEqual([
      'kibana:5601',
      'kong:8000',
      'kong:8001',
      'kong:8002',
      'web:8080',
    ]);
  });

  it('keep data in named volumes: Redis AOF, DynamoDB Local, Elasticsearch and MinIO', () => {
    const volumes = Object.keys(compose['volumes'] ?? {});
    for (const [name, mount] of [
      ['redis', 'redis-data:/data'],
      ['dynamodb', 'dynamodb-data:/home/dynamodblocal/data'],
      ['elasticsearch', 'es-data:/usr/share/elasticsearch/data'],
      ['minio', 'minio-data:/data'],
    ] as const) {
      expect(all.get(name)?.['volumes'], name).toContain(mount);
      expect(volumes).toContain(mount.split(':')[0]);
    }
  });
});
