import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ensureTables, tableDefinitions } from '@chat/adapters';
import dynalite from 'dynalite';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { environmentOf, loadCompose, service } from '../../src/compose.js';
import { repoPath, stringList } from '../../src/repo.js';
import { run } from '../../src/run.js';

const compose = loadCompose();
const job = service(compose, 'dynamodb-init');
const jobEnv = environmentOf(job);
const command = stringList(job['command'], 'dynamodb-init.command');
/** The compose command runs in the sink image at /app/apps/sink: apps/sink in the repository. */
const IMAGE_APP_DIR = '/app/apps/sink';

describe('the DynamoDB init job', () => {
  let server: Server;
  let endpoint = '';
  let client: DynamoDBClient;

  beforeEach(async () => {
    server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new DynamoDBClient({
      endpoint,
      region: jobEnv['AWS_REGION'] ?? 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  afterEach(async () => {
    client.destroy();
    await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  });

  const prefix = command.at(-1) ?? '';

  async function expectTables() {
    for (const definition of tableDefinitions(prefix)) {
      const { Table } = await client.send(
        new DescribeTableCommand({ TableName: definition.TableName }),
      );
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.KeySchema).toEqual(definition.KeySchema);
      expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
        (definition.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort(),
      );
    }
  }

  it('runs the adapters’ tables CLI (`migrate`: ensure, then move earlier layouts) with the compose table prefix', () => {
    expect(command.slice(0, 5)).toEqual([
      'node',
      '--import',
      'tsx',
      'node_modules/@chat/adapters/src/dynamo/tables-cli.ts',
      'migrate',
    ]);
    expect(job['working_dir']).toBe(IMAGE_APP_DIR);
    expect(prefix).toBe(environmentOf(service(compose, 'gateway'))['DYNAMODB_TABLE_PREFIX']);
  });

  it('creates every table of the shared definition with ensureTables, twice without harm', async () => {
    await ensureTables(client, prefix);
    await ensureTables(client, prefix);
    await expectTables();
    const { TableNames } = await client.send(new ListTablesCommand({}));
    expect(TableNames?.sort()).toEqual(
      tableDefinitions(prefix)
        .map((t) => t.TableName)
        .sort(),
    );
  });

  it('is idempotent as compose runs it: the same command, twice, exits 0 and leaves the tables', async () => {
    const [node, ...args] = command;
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await run(node === 'node' ? process.execPath : String(node), args, {
        cwd: repoPath('apps/sink'),
        env: { ...process.env, ...jobEnv, DYNAMODB_ENDPOINT: endpoint },
      });
      // (The AWS SDK may warn about the Node version on stderr; errors fail the exit code.)
      expect(result.stdout).toContain(`tables with prefix ${prefix} are ready`);
      expect(result.code, result.stderr).toBe(0);
    }
    await expectTables();
  });
});
