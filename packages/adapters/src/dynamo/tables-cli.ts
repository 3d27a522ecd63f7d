import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { migrateTables } from './migrate.js';
import { ensureTables, tableDefinitions } from './tables.js';

/**
 * The table design as a command, for infra: `print [prefix]` writes every
 * `CreateTableCommandInput` as JSON (one per line, for `aws dynamodb create-table
 * --cli-input-json`); `ensure [prefix]` creates the missing tables on `DYNAMODB_ENDPOINT`
 * (DynamoDB Local, dynalite) or, without it, on AWS in `AWS_REGION`; `migrate [prefix]` does
 * what `ensure` does, then moves data written in an earlier layout (`migrateTables`).
 */
async function main(argv: readonly string[]): Promise<void> {
  const [command, prefix = 'chat-'] = argv;
  if (command === 'print') {
    for (const table of tableDefinitions(prefix)) {
      process.stdout.write(`${JSON.stringify(table)}\n`);
    }
    return;
  }
  if (command !== 'ensure' && command !== 'migrate') {
    throw new Error('usage: tables-cli.ts print|ensure|migrate [prefix]');
  }
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient({
    region: process.env.AWS_REGION ?? 'us-east-1',
    ...(endpoint !== undefined && {
      endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  });
  if (command === 'migrate') {
    const report = await migrateTables(client, prefix);
    process.stdout.write(`migrated ${JSON.stringify(report)}\n`);
  } else {
    await ensureTables(client, prefix);
  }
  client.destroy();
  process.stdout.write(`tables with prefix ${prefix} are ready\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
