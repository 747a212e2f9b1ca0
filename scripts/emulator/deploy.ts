/**
 * Deploys the service on a running AWS emulator the way docs/deploy.md deploys it on AWS: bootstrap
 * (outside the app folder), synthesize with bundling for the emulator target, deploy the stateful
 * stack, put generated keys into its secrets, deploy the stateless stack, seed the demo setup of
 * config/local.json with `npm run admin -- seed`, each of its clients an app client of the user pool.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  oauthClientsOf,
  type ServiceConfig,
  ServiceConfigSchema,
} from '../../lambdas/core/service-config.js';
import { prefixOf, type StageName } from '../../lib/config.js';
import { loadOrCreateLocalSecrets, withTestIspKey } from '../../local/secrets.js';
import { PROJECT_ROOT, pathWithProjectNode, WORK_DIR } from './ministack.js';

/** What emulators accept as an account and credentials. */
export const EMULATOR_ACCOUNT = '000000000000';
export const EMULATOR_REGION = 'us-east-1';

export interface DeployedClient {
  clientId: string;
  clientSecret: string;
  scopes: string[];
}

export interface EmulatorDeployment {
  endpoint: string;
  stage: StageName;
  apiUrl: string;
  tokenEndpoint: string;
  tableName: string;
  userPoolId: string;
  stateMachineArn: string;
  /** The demo setup's clients by their name in config/local.json (e.g. `demo-portal`). */
  clients: Record<string, DeployedClient>;
  /** The environment that points the AWS SDK and CLI at the emulator. */
  awsEnvironment: Record<string, string>;
}

/** A variable `npm run deploy:local` prints as an `export` line, and what it holds where that is not plain. */
export interface ReaderVariable {
  name: string;
  value: string;
  comment?: string;
}

/**
 * The variables `npm run deploy:local` prints as `export` lines for the README's walkthrough against
 * the deployed stack (API, TOKEN_URL, SMS_URL, and each client as DEMO_PORTAL=<id>:<secret>, its
 * scopes in a comment), in print order: test/deploy runs the walkthrough with exactly these.
 */
export function readerVariables(d: EmulatorDeployment): ReaderVariable[] {
  return [
    { name: 'API', value: d.apiUrl },
    { name: 'TOKEN_URL', value: d.tokenEndpoint },
    { name: 'SMS_URL', value: `${d.endpoint}/_ministack/sns/sms-messages` },
    ...Object.entries(d.clients).map(([client, c]) => ({
      // `demo-portal` → DEMO_PORTAL
      name: client.toUpperCase().replace(/[^A-Z0-9]+/g, '_'),
      value: `${c.clientId}:${c.clientSecret}`,
      comment: `${client}: ${c.scopes.join(' ')}`,
    })),
  ];
}

/** readerVariables by name. */
export function readerEnvironment(d: EmulatorDeployment): Record<string, string> {
  return Object.fromEntries(readerVariables(d).map(({ name, value }) => [name, value]));
}

export function awsEnvironmentFor(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: EMULATOR_REGION,
    AWS_DEFAULT_REGION: EMULATOR_REGION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    CDK_DEFAULT_ACCOUNT: EMULATOR_ACCOUNT,
    CDK_DEFAULT_REGION: EMULATOR_REGION,
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

const CDK = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk');
const DEMO_CONFIG = join(PROJECT_ROOT, 'config', 'local.json');

/** Runs a command with the emulator's environment; fails with its output. */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, PATH: pathWithProjectNode() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(output)
        : reject(
            new Error(
              `${command} ${args.join(' ')} failed (${code}):\n${output.split('\n').slice(-40).join('\n')}`,
            ),
          ),
    );
  });
}

const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export async function deployToEmulator(
  endpoint: string,
  options: { stage?: StageName; log?: (line: string) => void } = {},
): Promise<EmulatorDeployment> {
  const stage = options.stage ?? 'dev';
  const log = options.log ?? (() => {});
  const env = awsEnvironmentFor(endpoint);
  const prefix = prefixOf(stage);
  const demo = ServiceConfigSchema.parse(JSON.parse(readFileSync(DEMO_CONFIG, 'utf8')));
  // Every client of the demo setup (SPs and the partners' backends) becomes a user pool app client.
  const clientScopes = oauthClientsOf(demo).map((c) => ({ name: c.clientId, scopes: c.scopes }));
  const spClients = clientScopes.map((c) => (c.scopes.length ? c : { name: c.name }));
  mkdirSync(WORK_DIR, { recursive: true });
  const cdkOut = join(WORK_DIR, 'cdk.out');

  // Outside the app folder: there, bootstrap would synthesize the app without bundling first.
  log('Bootstrapping the emulator account…');
  const bootstrapDir = mkdtempSync(join(tmpdir(), 'srs-bootstrap-'));
  try {
    await run(CDK, ['bootstrap', `aws://${EMULATOR_ACCOUNT}/${EMULATOR_REGION}`, '--no-notices'], {
      cwd: bootstrapDir,
      env,
    });
  } finally {
    rmSync(bootstrapDir, { recursive: true, force: true });
  }

  log('Synthesizing the emulator target (bundling every function)…');
  const context = [
    ['target', 'emulator'],
    ['emulatorEndpoint', endpoint],
    ['stage', stage],
    ['spClients', JSON.stringify(spClients)],
  ].flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  rmSync(cdkOut, { recursive: true, force: true });
  await run(CDK, ['synth', '--quiet', '--no-notices', '--output', cdkOut, ...context], {
    cwd: PROJECT_ROOT,
    env,
  });

  const deploy = async (stack: string, stackName: string): Promise<Record<string, string>> => {
    log(`Deploying ${stack}…`);
    const outputsFile = join(WORK_DIR, `${stack}.outputs.json`);
    await run(
      CDK,
      [
        'deploy',
        stack,
        '--app',
        cdkOut,
        '--require-approval',
        'never',
        '--no-notices',
        '--outputs-file',
        outputsFile,
      ],
      { cwd: PROJECT_ROOT, env },
    );
    return (
      (JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>)[stackName] ??
      {}
    );
  };
  const stateful = await deploy(`Srs${pascal(stage)}Stateful`, `${prefix}-stateful`);

  // The keys docs/deploy.md has the operator generate, generated the same way as `npm start`'s.
  log('Filling the secrets with generated keys…');
  const keys = await loadOrCreateLocalSecrets();
  const orderPublic = withoutPrivateParts(keys.orderTokenPrivateJwk);
  const secrets = new SecretsManagerClient({
    endpoint,
    region: EMULATOR_REGION,
    credentials: testCredentials,
  });
  try {
    await secrets.send(
      new PutSecretValueCommand({
        SecretId: `${prefix}/order-token-keys`,
        SecretString: JSON.stringify({
          privateJwk: JSON.stringify(keys.orderTokenPrivateJwk),
          publicJwks: JSON.stringify({ keys: [{ ...orderPublic, use: 'sig' }] }),
        }),
      }),
    );
    await secrets.send(
      new PutSecretValueCommand({
        SecretId: `${prefix}/test-isp-private-jwk`,
        SecretString: JSON.stringify(keys.testIspPrivateJwk),
      }),
    );
  } finally {
    secrets.destroy();
  }

  const stateless = await deploy(`Srs${pascal(stage)}Stateless`, `${prefix}-stateless`);
  const userPoolId = required(stateful, 'UserPoolId');
  const clients = await appClients(endpoint, userPoolId, clientScopes);

  log('Seeding the demo setup (npm run admin -- seed)…');
  const seedFile = join(WORK_DIR, 'seed-config.json');
  const seeded: ServiceConfig = withTestIspKey(
    {
      ...demo,
      serviceProviders: demo.serviceProviders.map(({ clientSecret: _s, ...sp }) => ({
        ...sp,
        clientId: clientIdOf(clients, sp.clientId),
      })),
      isps: demo.isps.map((isp) => ({
        ...isp,
        clients: isp.clients.map(({ clientSecret: _s, ...c }) => ({
          ...c,
          clientId: clientIdOf(clients, c.clientId),
        })),
      })),
    },
    keys.testIspPublicJwk,
  );
  writeFileSync(seedFile, JSON.stringify(seeded, null, 2), { mode: 0o600 });
  const tableName = required(stateful, 'TableName');
  await run('npm', ['run', '--silent', 'admin', '--', '--table', tableName, 'seed', seedFile], {
    cwd: PROJECT_ROOT,
    env: { ...env, TABLE_NAME: tableName },
  });

  const machineOutput = Object.keys(stateless).find((k) => k.endsWith('StateMachineArn'));
  return {
    endpoint,
    stage,
    apiUrl: required(stateless, 'ApiUrl').replace(/\/$/, ''),
    tokenEndpoint: required(stateful, 'TokenEndpoint'),
    tableName,
    userPoolId,
    stateMachineArn: required(stateless, machineOutput ?? 'IdentificationStateMachineArn'),
    clients,
    awsEnvironment: env,
  };
}

const testCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

function required(outputs: Record<string, string>, key: string): string {
  const value = outputs[key];
  if (!value) throw new Error(`The stack has no output ${key}`);
  return value;
}

function withoutPrivateParts(jwk: Record<string, unknown>): Record<string, unknown> {
  const { d: _d, ...rest } = jwk;
  return rest;
}

function clientIdOf(clients: Record<string, DeployedClient>, name: string): string {
  const client = clients[name];
  if (!client) throw new Error(`No app client "${name}" in the user pool`);
  return client.clientId;
}

/** The app clients the stack created for the demo clients, with their generated secrets. */
async function appClients(
  endpoint: string,
  userPoolId: string,
  wanted: { name: string; scopes: string[] }[],
): Promise<Record<string, DeployedClient>> {
  const cognito = new CognitoIdentityProviderClient({
    endpoint,
    region: EMULATOR_REGION,
    credentials: testCredentials,
  });
  try {
    const listed = await cognito.send(
      new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
    );
    const result: Record<string, DeployedClient> = {};
    for (const { name } of wanted) {
      const summary = listed.UserPoolClients?.find((c) => c.ClientName === name);
      if (!summary?.ClientId) throw new Error(`The user pool has no app client "${name}"`);
      const { UserPoolClient: client } = await cognito.send(
        new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: summary.ClientId }),
      );
      if (!client?.ClientSecret) throw new Error(`App client "${name}" has no secret`);
      result[name] = {
        clientId: summary.ClientId,
        clientSecret: client.ClientSecret,
        scopes: client.AllowedOAuthScopes ?? [],
      };
    }
    return result;
  } finally {
    cognito.destroy();
  }
}
