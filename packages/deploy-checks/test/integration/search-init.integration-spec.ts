import { ElasticsearchSearchIndex, indexTemplateBody } from '@chat/adapters';
import { Client } from '@elastic/elasticsearch';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { environmentOf, loadCompose, service } from '../../src/compose.js';
import { parseDockerfile, stage } from '../../src/dockerfile.js';
import { readRepoFile, repoPath, stringList } from '../../src/repo.js';
import { run } from '../../src/run.js';

const TEMPLATE = 'packages/adapters/src/elasticsearch/index-template.json';
const IMAGE_ROOT = '/opt/chat';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP server that records every request and answers with `respond`. */
async function recorder(
  respond: (req: Recorded, log: Recorded[]) => { status: number; body?: string },
) {
  const log: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      log.push(entry);
      const { status, body: out = '{}' } = respond(entry, log);
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(req.method === 'HEAD' ? undefined : out);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const compose = loadCompose();
const json = (r: Recorded | undefined): unknown => JSON.parse(r?.body ?? 'null');

describe('the Elasticsearch init job', () => {
  const job = service(compose, 'elasticsearch-init');
  const env = environmentOf(job);
  const prefix = String(env['ELASTICSEARCH_INDEX_PREFIX']);
  let es: Awaited<ReturnType<typeof recorder>> | undefined;
  afterEach(() => es?.close());

  it('runs init.sh from an image that holds the adapter’s template where apply-template.sh looks', () => {
    expect(stringList(job['command'], 'command')).toEqual([
      'sh',
      `${IMAGE_ROOT}/infra/elasticsearch/init.sh`,
    ]);
    const init = stage(parseDockerfile(readRepoFile('infra/docker/Dockerfile')), 'init');
    const workdir = init.instructions.find((i) => i.keyword === 'WORKDIR')?.args;
    expect(workdir).toBe(IMAGE_ROOT);
    const copies = init.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toContain(`${TEMPLATE} ${path.posix.dirname(TEMPLATE)}/`);
    // apply-template.sh resolves the template relative to itself, the same in the image.
    const script = readRepoFile('infra/elasticsearch/apply-template.sh');
    const relative = /TEMPLATE="\$HERE\/([^"]+)"/.exec(script)?.[1] ?? '';
    expect(path.posix.join('infra/elasticsearch', relative)).toBe(TEMPLATE);
    expect(readRepoFile('infra/elasticsearch/init.sh')).toContain('sh "$HERE/apply-template.sh"');
  });

  it('applies exactly the adapter’s index template and alias, with the users Kibana and the apps need; twice', async () => {
    let aliasExists = false;
    es = await recorder((req) => {
      if (req.method === 'HEAD' && req.url === `/_alias/${prefix}-messages`)
        return { status: aliasExists ? 200 : 404 };
      if (req.method === 'PUT' && req.url === `/${prefix}-messages-000001`) aliasExists = true;
      return { status: 200, body: '{"acknowledged":true}' };
    });
    const runInit = () =>
      run('sh', [repoPath('infra/elasticsearch/init.sh')], {
        env: { ...process.env, ...env, ES_URL: es?.url ?? '', ES_WAIT_SECONDS: '10' },
      });

    const first = await runInit();
    expect(first.code, first.stderr).toBe(0);
    const second = await runInit();
    expect(second.code, second.stderr).toBe(0);

    const log = es.log;
    for (const request of log) {
      expect(request.headers.authorization, request.url).toBe(
        basic('elastic', String(env['ELASTIC_PASSWORD'])),
      );
    }
    const puts = (url: string) => log.filter((r) => r.method === 'PUT' && r.url === url);
    const templates = puts(`/_index_template/${prefix}-messages`);
    expect(templates).toHaveLength(2);
    // The same body the adapter's ensureIndex() sends: the JSON file with this prefix's pattern.
    expect(json(templates[0])).toEqual(JSON.parse(JSON.stringify(indexTemplateBody(prefix))));
    expect(json(templates[0])).toMatchObject({
      template: (JSON.parse(readRepoFile(TEMPLATE)) as { template: object }).template,
    });
    const index = new ElasticsearchSearchIndex(new Client({ node: es.url }), { prefix });
    const created = puts(`/${index.firstIndex}`);
    expect(created).toHaveLength(1);
    expect(json(created[0])).toEqual({ aliases: { [index.alias]: { is_write_index: true } } });

    expect(json(log.find((r) => r.url === '/_security/user/kibana_system/_password'))).toEqual({
      password: env['KIBANA_SYSTEM_PASSWORD'],
    });
    expect(json(puts(`/_security/user/${String(env['ELASTICSEARCH_USERNAME'])}`)[0])).toEqual({
      password: env['ELASTICSEARCH_PASSWORD'],
      roles: ['chat_app'],
    });
    const role = json(puts('/_security/role/chat_app')[0]) as { indices: { names: string[] }[] };
    expect(role.indices[0]?.names).toEqual([index.alias, `${index.alias}-*`]);
    for (const secret of ['ELASTIC_PASSWORD', 'KIBANA_SYSTEM_PASSWORD', 'ELASTICSEARCH_PASSWORD']) {
      expect(first.stdout + first.stderr).not.toContain(String(env[secret]));
    }
  });

  it('fails when Elasticsearch refuses a request', async () => {
    es = await recorder((req) => ({ status: req.url.startsWith('/_security/role') ? 403 : 200 }));
    const result = await run('sh', [repoPath('infra/elasticsearch/init.sh')], {
      env: { ...process.env, ...env, ES_URL: es.url, ES_WAIT_SECONDS: '10' },
    });
    expect(result.code).not.toBe(0);
  });
});

describe('the Kibana init job', () => {
  const job = service(compose, 'kibana-init');
  const env = environmentOf(job);
  let kibana: Awaited<ReturnType<typeof recorder>> | undefined;
  afterEach(() => kibana?.close());

  const importWith = async (prefix: string, answer: string) => {
    kibana = await recorder((req) => ({
      status: 200,
      body: req.url.startsWith('/api/saved_objects') ? answer : '{}',
    }));
    const result = await run('sh', [repoPath('infra/kibana/import-saved-objects.sh')], {
      env: {
        ...process.env,
        ...env,
        KIBANA_URL: kibana.url,
        ELASTICSEARCH_INDEX_PREFIX: prefix,
        KIBANA_WAIT_SECONDS: '10',
      },
    });
    return {
      result,
      imports: kibana.log.filter((r) => r.url === '/api/saved_objects/_import?overwrite=true'),
    };
  };

  it('imports the data view over the messages alias, overwriting, as elastic', async () => {
    expect(stringList(job['command'], 'command')).toEqual([
      'sh',
      `${IMAGE_ROOT}/infra/kibana/import-saved-objects.sh`,
    ]);
    const { result, imports } = await importWith('acme', '{"success":true,"successCount":5}');
    expect(result.code, result.stderr).toBe(0);
    expect(imports).toHaveLength(1);
    expect(imports[0]?.headers['kbn-xsrf']).toBe('true');
    expect(imports[0]?.headers.authorization).toBe(
      basic('elastic', String(env['ELASTIC_PASSWORD'])),
    );
    const line = imports[0]?.body.split('\n').find((l) => l.startsWith('{"type":"index-pattern"'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      id: 'chat-messages',
      attributes: { title: 'acme-messages' },
    });
  });

  it('fails when Kibana reports an object it could not import', async () => {
    const { result } = await importWith(
      'chat',
      '{"success":false,"errors":[{"id":"chat-messages"}]}',
    );
    expect(result.code).not.toBe(0);
  });

  it('ships a saved search and a dashboard (messages per room over time, top senders) over that data view', () => {
    interface SavedObject {
      type: string;
      id: string;
      attributes: Record<string, unknown>;
      references?: { name: string; type: string; id: string }[];
    }
    const objects = readRepoFile('infra/kibana/chat-messages.ndjson')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as SavedObject);
    const mapping = (
      JSON.parse(readRepoFile(TEMPLATE)) as {
        template: { mappings: { properties: Record<string, { type: string }> } };
      }
    ).template.mappings.properties;
    const aggregatable = (field: string) =>
      ['keyword', 'date', 'long'].includes(mapping[field]?.type ?? '');
    expect(objects.map((o) => o.type).sort()).toEqual([
      'dashboard',
      'index-pattern',
      'search',
      'visualization',
      'visualization',
    ]);
    // Every reference resolves to an object the same import brings.
    for (const object of objects) {
      for (const ref of object.references ?? []) {
        expect(
          objects.some((o) => o.type === ref.type && o.id === ref.id),
          `${object.id} → ${ref.type}:${ref.id}`,
        ).toBe(true);
      }
    }
    const search = objects.find((o) => o.type === 'search');
    for (const column of search?.attributes['columns'] as string[]) {
      expect(mapping[column], column).toBeDefined();
    }
    // The visualizations aggregate on fields the template maps as aggregatable.
    const aggs = objects
      .filter((o) => o.type === 'visualization')
      .map(
        (o) =>
          JSON.parse(String(o.attributes['visState'])) as {
            aggs: { type: string; params: { field?: string } }[];
          },
      );
    const fields = aggs.flatMap((v) =>
      v.aggs.flatMap((a) => (a.params.field ? [`${a.type}:${a.params.field}`] : [])),
    );
    expect(fields.sort()).toEqual(['date_histogram:createdAt', 'terms:roomId', 'terms:userId']);
    for (const field of fields) expect(aggregatable(field.split(':')[1] ?? ''), field).toBe(true);
    const dashboard = objects.find((o) => o.type === 'dashboard');
    const panels = JSON.parse(String(dashboard?.attributes['panelsJSON'])) as {
      panelRefName: string;
    }[];
    expect(panels.map((p) => p.panelRefName).sort()).toEqual(
      (dashboard?.references ?? []).map((r) => r.name).sort(),
    );
  });

  it('ships a data view whose time field and labelled fields are in the index template', () => {
    const [view] = readRepoFile('infra/kibana/chat-messages.ndjson')
      .split('\n')
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as {
            type: string;
            attributes: { title: string; timeFieldName: string; fieldAttrs: string };
          },
      );
    const index = new ElasticsearchSearchIndex(new Client({ node: 'http://127.0.0.1:9' }));
    expect(view?.type).toBe('index-pattern');
    expect(view?.attributes.title).toBe(index.alias);
    const mapping = (
      JSON.parse(readRepoFile(TEMPLATE)) as {
        template: { mappings: { properties: Record<string, { type: string }> } };
      }
    ).template.mappings.properties;
    expect(mapping[view?.attributes.timeFieldName ?? '']?.type).toBe('date');
    for (const field of Object.keys(JSON.parse(view?.attributes.fieldAttrs ?? '{}') as object)) {
      expect(mapping[field], field).toBeDefined();
    }
  });
});
