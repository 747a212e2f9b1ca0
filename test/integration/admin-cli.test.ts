/**
 * The operator's CLI finds its stack: against a running `npm start` with --local (no copied
 * ports), against a deployed stage through its CloudFormation outputs, and with one clear line and
 * exit code 2 — never a stack trace — when the table cannot be used.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamo, startDynamo } from '../../local/dynamodb.js';
import { ROOT, runAdmin } from '../support/admin.js';
import { spawnEntryPoint } from '../support/npm-start.js';
import { type Step, sectionSteps } from '../support/readme.js';
import { waitFor } from '../support/stack.js';

/** One line on stderr, no stack frames. */
/**
 * `admin --stage prod seed <file>` without AWS credentials or region: a refusal before it connects
 * is the test's; were it to connect, it would fail differently.
 */
const seedProductionOffline = (file: string) =>
  runAdmin(['--stage', 'prod', 'seed', file], {
    AWS_REGION: undefined,
    AWS_PROFILE: undefined,
    AWS_ACCESS_KEY_ID: undefined,
  });

function expectOneLine(stderr: string): void {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('against npm start (--local)', () => {
  let temp: string;
  let child: ChildProcess;
  let output = () => '';
  const env = () => ({ TMPDIR: temp, TABLE_NAME: undefined, AWS_ENDPOINT_URL_DYNAMODB: undefined });

  beforeAll(async () => {
    // A private temp folder: the stack's endpoints file goes there, and nowhere another stack sees it.
    temp = mkdtempSync(join(tmpdir(), 'srs-admin-'));
    ({ child, stdout: output } = spawnEntryPoint(ROOT, { TMPDIR: temp, LOG_LEVEL: 'ERROR' }));
    await waitFor(
      async () => output(),
      (o) => o.includes('Press Ctrl-C to stop.'),
      { timeoutMs: 60_000 },
    );
  });

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    rmSync(temp, { recursive: true, force: true });
  });

  it('the banner shows the command, not ports to copy', () => {
    expect(output()).toContain('Admin CLI         npm run admin -- --local --help');
    expect(output()).not.toContain('AWS_ENDPOINT_URL_DYNAMODB=');
  });

  it('the banner is the one the README shows after `npm start`, up to its ports and ready time', () => {
    const [start] = sectionSteps('## Run it locally') as [Step];
    expect(start.command).toBe('npm ci\nnpm start\n');
    const printed = output();
    const banner = printed.slice(
      printed.indexOf('Smart Registration Service'),
      printed.indexOf('Press Ctrl-C to stop.') + 'Press Ctrl-C to stop.'.length,
    );
    const port = (banner.match(/ {2}API {15}http:\/\/127\.0\.0\.1:(\d+)\/api\n/) as RegExpMatchArray)[1];

    const pattern = (start.shown as string)
      .replaceAll('http://127.0.0.1:3000', `http://127.0.0.1:${port}`)
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace('ready in 950 ms', 'ready in \\d+ ms')
      .replace('127\\.0\\.0\\.1:41337', '127\\.0\\.0\\.1:\\d+');
    expect(banner).toMatch(new RegExp(`^${pattern}$`));
  });

  it('lists its commands with --help and exits 0', async () => {
    const out = await runAdmin(['--help'], env());

    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Usage: npm run admin -- /);
    expect(out.stdout).toMatch(/^ {2}seed {2,}/m);
    expect(out.stdout).toMatch(/^ {2}aml-access {2,}/m);
    expect(out.stdout).toContain('--local');
    expect(out.stdout).toContain('--stage <stage>');
  });

  it('connects with --local and runs a command on the stack’s table', async () => {
    const seeded = await runAdmin(['--local', 'seed', 'config/local.json'], env());
    const accesses = await runAdmin(['--local', 'aml-access'], env());

    expect(seeded).toMatchObject({ code: 0, stderr: '' });
    expect(seeded.lines).toEqual([
      { seeded: { isps: 7, serviceProviders: 2 }, removed: { claimedIdentities: [] } },
    ]);
    expect(accesses).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('says which port to choose with --port when it names one no stack runs on', async () => {
    const out = await runAdmin(['--local', '--port', '1', 'aml-access'], env());

    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^admin: No local stack runs on port 1 \(running: \d+\)/);
    expectOneLine(out.stderr);
  });

  it('after Ctrl-C the file is gone and --local says that no stack runs', async () => {
    const folder = join(temp, 'smart-registration-service');
    expect(readdirSync(folder).filter((f) => f.startsWith('local-stack-'))).toHaveLength(1);
    child.kill('SIGINT');
    await waitFor(
      async () => child.exitCode,
      (code) => code !== null,
      { timeoutMs: 30_000 },
    );

    const out = await runAdmin(['--local', 'aml-access'], env());

    expect(child.exitCode).toBe(0);
    expect(readdirSync(folder)).toEqual([]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('admin: No local stack is running: start one with npm start.\n');
  });
});

describe('when the table cannot be used: one line, exit code 2', () => {
  // No credentials anywhere: no keys, no profile files, no instance metadata.
  const noCredentials = {
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_ENDPOINT_URL_DYNAMODB: undefined,
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    AWS_REGION: 'eu-central-2',
  };

  it('without credentials', async () => {
    const out = await runAdmin(['--table', 'smart-registration', 'aml-access'], noCredentials);

    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^admin: No AWS credentials for DynamoDB table smart-registration/);
    expectOneLine(out.stderr);
  });

  it('with an endpoint nobody listens on', async () => {
    const out = await runAdmin(['--table', 'smart-registration', 'aml-access'], {
      AWS_REGION: 'eu-central-2',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
    });

    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      'admin: Cannot reach DynamoDB table smart-registration at http://127.0.0.1:9: ECONNREFUSED.\n',
    );
  });

  it('without saying where the table is', async () => {
    const out = await runAdmin(['aml-access'], { TABLE_NAME: undefined });

    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^admin: Which table\? Use --local/);
    expectOneLine(out.stderr);
  });

  it('with an unknown command or option', async () => {
    const command = await runAdmin(['bill-everyone']);
    const option = await runAdmin(['aml-access', '--everything']);

    expect(command.code).toBe(2);
    expect(command.stderr).toBe('admin: Unknown command "bill-everyone". (npm run admin -- --help)\n');
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/^admin: Unknown option '--everything'/);
  });

  it('with a month that has not begun, before it looks for the table, as GET /api/usage refuses it', async () => {
    const out = await runAdmin(['usage', '--month', '2099-12'], { TABLE_NAME: undefined });

    expect(out).toMatchObject({ code: 2, stdout: '' });
    expect(out.stderr).toBe(
      'admin: --month 2099-12 has not begun (UTC): it has no usage and no statement yet.\n',
    );
  });

  it('with an option given twice, before it looks for the table (a month or number is not guessed)', async () => {
    const out = await runAdmin(['usage', '--month', '2026-11', '--month', '2026-10'], {
      TABLE_NAME: undefined,
    });

    expect(out).toMatchObject({ code: 2, stdout: '' });
    expect(out.stderr).toBe('admin: --month is given more than once. (npm run admin -- --help)\n');
  });
});

describe('against a deployed stage (--stage)', () => {
  // CloudFormation's query API, as much of it as DescribeStacks needs.
  let cloudFormation: Server;
  let endpoint: string;
  let asked: string[] = [];

  beforeAll(async () => {
    cloudFormation = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString();
      });
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const stackName = form.get('StackName') ?? '';
        asked.push(`${form.get('Action')} ${stackName}`);
        res.setHeader('content-type', 'text/xml');
        if (stackName !== 'srs-test-stateful') {
          res.statusCode = 400;
          res.end(
            `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${stackName} does not exist</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
          );
          return;
        }
        res.end(`<DescribeStacksResponse><DescribeStacksResult><Stacks><member>
          <StackName>srs-test-stateful</StackName><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-11-01T00:00:00Z</CreationTime>
          <Outputs><member><OutputKey>TableName</OutputKey><OutputValue>srs-test-table-from-outputs</OutputValue></member></Outputs>
          </member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`);
      });
    });
    await new Promise<void>((resolve) => cloudFormation.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(cloudFormation.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    cloudFormation.close();
  });

  const awsEnv = () => ({
    AWS_REGION: 'eu-central-2',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint,
    // The table lookup ends at DynamoDB; nobody listens here, so the message names the table found.
    AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
  });

  it('finds the table in the stage’s stateful stack outputs', async () => {
    asked = [];
    const out = await runAdmin(['--stage', 'test', 'aml-access'], awsEnv());

    expect(asked).toEqual(['DescribeStacks srs-test-stateful']);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      'admin: Cannot reach DynamoDB table srs-test-table-from-outputs at stage test: ECONNREFUSED.\n',
    );
  });

  it('refuses a stage the app does not deploy before asking AWS, so that no name is taken for a test stage', async () => {
    asked = [];
    for (const name of ['production', 'staging', 'local', 'Prod']) {
      const out = await runAdmin(['--stage', name, 'aml-access'], awsEnv());
      expect(out.code).toBe(2);
      expect(out.stderr).toBe(
        'admin: --stage must be one of dev, test, prod (the embedded stack: --local).\n',
      );
    }
    expect(asked).toEqual([]);
  });

  it('says so when the stage is not deployed in that region', async () => {
    const out = await runAdmin(['--stage', 'prod', 'aml-access'], awsEnv());

    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      'admin: No stack srs-prod-stateful in eu-central-2: is stage prod deployed there (--region)?\n',
    );
  });
});

describe('seed with price sheets', () => {
  let temp: string;
  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), 'srs-seed-prices-'));
  });
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('refuses two price sheets from one month, naming the field, before it connects', async () => {
    const config = JSON.parse(readFileSync(join(ROOT, 'config/local.json'), 'utf8'));
    const [sheet] = config.serviceProviders[0].priceSheets;
    config.serviceProviders[0].priceSheets = [sheet, { ...sheet, verifyCall: '0.04' }];
    const file = join(temp, 'config.json');
    writeFileSync(file, JSON.stringify(config));

    const out = await seedProductionOffline(file);

    expect(out.code).toBe(2);
    expectOneLine(out.stderr);
    expect(out.stderr.trim()).toBe(
      `admin: Invalid configuration in ${file}: serviceProviders.0.priceSheets.1.from: Another price sheet is from 2026-01: one sheet per month.`,
    );
  });
});

describe('seed for production', () => {
  let temp: string;
  /** config/local.json with one more partner, whose ordersUrl is http to [::1]. */
  let file: string;
  let local: { isps: Record<string, unknown>[] };
  const LOOPBACK_REFUSED =
    'Must use https: http to localhost, 127.0.0.1 or [::1] is allowed on the local stack and the test stages only, not in production.';
  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), 'srs-seed-prod-'));
    local = JSON.parse(readFileSync(join(ROOT, 'config/local.json'), 'utf8')) as typeof local;
    const [first] = local.isps;
    const loopbackPartner = {
      ...first,
      issuer: 'Loopback-Partner',
      adapter: 'http',
      clients: [],
      settings: {
        ordersUrl: 'http://[::1]:4000/orders',
        auth: { type: 'bearer', tokenEnv: 'LOOPBACK_TOKEN' },
      },
    };
    file = join(temp, 'config.json');
    writeFileSync(file, JSON.stringify({ ...local, isps: [...local.isps, loopbackPartner] }));
  });
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('refuses a partner URL of http to the loopback interface, naming it, before it connects', async () => {
    const out = await seedProductionOffline(file);

    expect(out.code).toBe(2);
    expectOneLine(out.stderr);
    expect(out.stderr.trim()).toBe(
      `admin: Invalid configuration in ${file} for stage prod: isps.${local.isps.length}.settings.ordersUrl: ${LOOPBACK_REFUSED}`,
    );
  });

  describe('into a table given by name (--table): refused by the table’s stage, not by the flag', () => {
    // Each an embedded DynamoDB table as a deployment leaves it: named by CloudFormation in the
    // stage's stateful stack, or tagged with its stage (lib/app.ts), or neither.
    const tables: { name: string; dynamo: EmbeddedDynamo }[] = [];
    const table = async (name: string, stage?: string) => {
      const dynamo = await startDynamo({ tableName: name, stage });
      tables.push({ name, dynamo });
      return dynamo;
    };
    afterAll(async () => {
      for (const { dynamo } of tables) await dynamo.close();
    });
    const seedInto = (name: string, dynamo: EmbeddedDynamo) =>
      runAdmin(['--table', name, 'seed', file], {
        TABLE_NAME: undefined,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_REGION: 'local',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      });
    const itemsIn = async (name: string, dynamo: EmbeddedDynamo) => {
      const client = new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: 'local',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      try {
        return (await client.send(new ScanCommand({ TableName: name, Select: 'COUNT' }))).Count;
      } finally {
        client.destroy();
      }
    };

    it.each([
      [
        'named by CloudFormation in srs-prod-stateful',
        'srs-prod-stateful-TableCD117FA1-1Q2W3E4R5T6Y',
        undefined,
      ],
      ['tagged stage=prod', 'orders-of-record', 'prod'],
      [
        'named in srs-prod-stateful but tagged stage=test (production wins)',
        'srs-prod-stateful-Table-9Z8Y7X',
        'test',
      ],
    ])('refuses it for a production table %s, and writes nothing', async (_case, name, stage) => {
      const dynamo = await table(name, stage);

      const out = await seedInto(name, dynamo);

      expect(out.code).toBe(2);
      expectOneLine(out.stderr);
      expect(out.stderr.trim()).toBe(
        `admin: Invalid configuration in ${file} for stage prod: isps.${local.isps.length}.settings.ordersUrl: ${LOOPBACK_REFUSED} (table ${name})`,
      );
      expect(await itemsIn(name, dynamo)).toBe(0);
    });

    it('refuses it for a table whose stage cannot be told, and writes nothing', async () => {
      const dynamo = await table('some-table');

      const out = await seedInto('some-table', dynamo);

      expect(out.code).toBe(2);
      expectOneLine(out.stderr);
      expect(out.stderr.trim()).toBe(
        `admin: Cannot tell which stage table some-table belongs to: it has no stage tag and its name is not one CloudFormation gives a stage's table (srs-<stage>-stateful-…). A partner URL of http to the loopback interface (isps.${local.isps.length}.settings.ordersUrl) is seeded into a test stage's table only: name it with --stage or --local.`,
      );
      expect(await itemsIn('some-table', dynamo)).toBe(0);
    });

    it.each([
      [
        'tagged with a name that is no stage',
        'orders-of-record-2',
        'production',
        'its stage tag says "production"',
      ],
      [
        'named by CloudFormation in a stack of no stage',
        'srs-production-stateful-Table-5T6Y7U',
        undefined,
        'its name says "production"',
      ],
    ])(
      'refuses it for a table %s (never taken for a test stage), and writes nothing',
      async (_case, name, stage, why) => {
        const dynamo = await table(name, stage);

        const out = await seedInto(name, dynamo);

        expect(out.code).toBe(2);
        expectOneLine(out.stderr);
        expect(out.stderr.trim()).toBe(
          `admin: Cannot tell which stage table ${name} belongs to: ${why}, which is none of the stages local, dev, test, prod. A partner URL of http to the loopback interface (isps.${local.isps.length}.settings.ordersUrl) is seeded into a test stage's table only: name it with --stage or --local.`,
        );
        expect(await itemsIn(name, dynamo)).toBe(0);
      },
    );

    it.each([
      ['named by CloudFormation in srs-test-stateful', 'srs-test-stateful-TableCD117FA1-0A1B2C', undefined],
      ['tagged stage=dev', 'dev-orders', 'dev'],
    ])('seeds it into a test stage’s table %s', async (_case, name, stage) => {
      const dynamo = await table(name, stage);

      const out = await seedInto(name, dynamo);

      expect(out).toMatchObject({ code: 0, stderr: '' });
      expect(out.lines).toEqual([
        { seeded: { isps: local.isps.length + 1, serviceProviders: 2 }, removed: { claimedIdentities: [] } },
      ]);
    });
  });
});
