/**
 * The operator's command line, against the table named by TABLE_NAME with the standard AWS
 * environment and credentials (AWS_REGION, AWS_PROFILE or keys; AWS_ENDPOINT_URL_DYNAMODB for the
 * embedded stack). Prints JSON lines.
 *
 *   npm run admin -- aml-access [--ref <refId>] [--since <ISO 8601>]
 *       every access to AML identification data (granted and refused), oldest first:
 *       {"at","refId","clientId","issuer","outcome","id"} per line
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Repository } from '../lambdas/adapters/dynamo/repository.js';

const USAGE = `Usage: npm run admin -- aml-access [--ref <refId>] [--since <ISO 8601 date-time>]
Environment: TABLE_NAME, and the AWS region and credentials (AWS_ENDPOINT_URL_DYNAMODB for a local stack).`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

async function amlAccess(args: string[]): Promise<void> {
  let values: { ref?: string | undefined; since?: string | undefined };
  try {
    ({ values } = parseArgs({
      args,
      options: { ref: { type: 'string' }, since: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.ref !== undefined && !UUID.test(values.ref)) fail('--ref must be a refId (UUID).');
  let since: string | undefined;
  if (values.since !== undefined) {
    const at = new Date(values.since);
    if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(values.since)) {
      fail('--since must be an ISO 8601 date or date-time, e.g. 2026-01-31T00:00:00Z.');
    }
    // Records are keyed by UTC ISO timestamps, so compare in that form.
    since = at.toISOString();
  }
  const tableName = process.env.TABLE_NAME;
  if (!tableName) fail('TABLE_NAME is not set.');

  const client = new DynamoDBClient({});
  const repository = new Repository(DynamoDBDocumentClient.from(client), tableName);
  try {
    for await (const r of repository.amlAccessRecords({ refId: values.ref, since })) {
      const line = {
        at: r.at,
        refId: r.refId,
        clientId: r.clientId,
        issuer: r.issuer,
        outcome: r.outcome,
        id: r.id,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  } finally {
    client.destroy();
  }
}

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case 'aml-access':
    await amlAccess(rest);
    break;
  case undefined:
  case '--help':
  case '-h':
    console.log(USAGE);
    break;
  default:
    fail(`Unknown command ${command}.`);
}
