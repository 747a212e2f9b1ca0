/**
 * The operator's command line, against the table named by TABLE_NAME with the standard AWS
 * environment and credentials (AWS_REGION, AWS_PROFILE or keys; AWS_ENDPOINT_URL_DYNAMODB for the
 * embedded stack). Prints JSON lines.
 *
 *   npm run admin -- seed <config.json>
 *       writes the catalogue, the SP setups and their claimed identities (the same code the local
 *       stack seeds config/local.json with); idempotent. Schema: lambdas/core/service-config.ts
 *   npm run admin -- aml-access [--ref <refId>] [--since <ISO 8601>]
 *       every access to AML identification data (granted and refused), oldest first:
 *       {"at","refId","clientId","issuer","outcome","id"} per line
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Repository } from '../lambdas/adapters/dynamo/repository.js';
import { ServiceConfigSchema } from '../lambdas/core/service-config.js';
import { seedConfig } from '../lambdas/usecases/seed-config.js';

const USAGE = `Usage: npm run admin -- seed <config.json>
       npm run admin -- aml-access [--ref <refId>] [--since <ISO 8601 date-time>]
Environment: TABLE_NAME, and the AWS region and credentials (AWS_ENDPOINT_URL_DYNAMODB for a local stack).`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function tableRepository(): { repository: Repository; client: DynamoDBClient } {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) fail('TABLE_NAME is not set.');
  const client = new DynamoDBClient({});
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { repository: new Repository(db, tableName), client };
}

async function seed(args: string[]): Promise<void> {
  const [file, ...extra] = args;
  if (!file || extra.length) fail('seed takes one configuration file.');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    fail(`Cannot read ${file}: ${(err as Error).message}`);
  }
  const parsed = ServiceConfigSchema.safeParse(raw);
  if (!parsed.success) {
    fail(
      `Invalid configuration in ${file}:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const { repository, client } = tableRepository();
  try {
    await seedConfig(repository, parsed.data);
    const { isps, serviceProviders } = parsed.data;
    process.stdout.write(
      `${JSON.stringify({ seeded: { isps: isps.length, serviceProviders: serviceProviders.length } })}\n`,
    );
  } finally {
    client.destroy();
  }
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
  const { repository, client } = tableRepository();
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
  case 'seed':
    await seed(rest);
    break;
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
