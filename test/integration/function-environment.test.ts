/**
 * The embedded stack gives its functions the environment the CDK stack gives them: it reads the one
 * definition (lib/function-environment.ts) with the emulations' values, so a variable added there
 * for a function reaches it locally too. Checked here against each function's variables written out
 * (a change to the definition or to the functions a stage runs must change this list too) and
 * against the values the emulations serve.
 */
import { describe, expect, it } from 'vitest';
import type { EnvironmentSources } from '../../lib/function-environment.js';
import { localFunctionEnvironments } from '../../local/function-environment.js';
import { call, useStack } from '../support/stack.js';

const stack = useStack();

/** Stand-in values: only the names of the variables matter where they are used. */
const STAND_IN: EnvironmentSources = {
  stage: 'dev',
  logLevel: 'WARN',
  tableName: 'stand-in',
  publicBaseUrl: 'https://srs.example.com',
  tokenUrl: 'https://auth.example.com/oauth2/token',
  accessTokenIssuer: 'https://issuer.example.com',
  retentionEnvironment: {},
  stateMachineArn: (machine) => `arn:aws:states:eu-central-2:000000000000:stateMachine:${machine}`,
  secretValue: (name) => `stand-in ${name}`,
  partnerSecrets: [],
  partnerSecretValue: () => 'stand-in',
  secretsRevision: undefined,
  queueUrl: (name) => `https://sqs.eu-central-2.amazonaws.com/000000000000/${name}`,
  smsSenderId: undefined,
};

/** What every function is given: its table, its address, its stage, its logs, the access tokens' issuer. */
const EVERY_FUNCTION = [
  'ACCESS_TOKEN_ISSUER',
  'ACCESS_TOKEN_JWKS_URL',
  'LOG_LEVEL',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_SERVICE_NAME',
  'PUBLIC_BASE_URL',
  'STAGE',
  'TABLE_NAME',
  'TOKEN_URL',
];

/**
 * Each function the local stage runs (its routes', its state machine's tasks', the event sources')
 * and what it is given besides EVERY_FUNCTION's: the state machine it starts or answers, the keys
 * and secrets it holds, the webhook queues it sends to. config/local.json names no partner secret.
 */
const GIVEN_BESIDES: Record<string, string[]> = {
  'api-docs': [],
  'demo-portal': ['DEMO_PORTAL_CLIENT_ID', 'DEMO_PORTAL_CLIENT_SECRET', 'DEMO_PORTAL_COOKIE_KEY'],
  'identification-data': [],
  'identification-get': [],
  'identification-resend-sms': [],
  'identification-start': ['ORDER_TOKEN_PRIVATE_JWK', 'STATE_MACHINE_ARN'],
  'isp-callback': ['STATE_MACHINE_ARN'],
  'isp-jwks': ['ORDER_TOKEN_PUBLIC_JWKS'],
  'method-choice-page': ['ORDER_TOKEN_PRIVATE_JWK', 'STATE_MACHINE_ARN'],
  'oauth-introspect': ['ORDER_TOKEN_PUBLIC_JWKS'],
  'providers-list': [],
  'task-await-callback': ['STATE_MACHINE_ARN'],
  'task-expire-order': [],
  'task-record-failure': [],
  'task-register-person': ['SERIAL_NUMBER_KEY'],
  'task-send-terms-sms': [],
  'terms-acceptance-relay': ['STATE_MACHINE_ARN'],
  'terms-page': ['STATE_MACHINE_ARN'],
  'test-isp-simulator': ['TEST_ISP_PRIVATE_JWK'],
  'usage-get': [],
  verify: [],
  'webhook-deliver': ['WEBHOOK_DLQ_URL', 'WEBHOOK_QUEUE_URL'],
  'webhook-fanout': ['WEBHOOK_DLQ_URL', 'WEBHOOK_QUEUE_URL'],
  webhooks: ['WEBHOOK_DLQ_URL', 'WEBHOOK_QUEUE_URL'],
};

describe('the embedded stack’s function environment', () => {
  it('gives each function the variables it is to have, and the process the functions read holds their values', () => {
    const given = stack().functionEnvironments;

    expect(
      Object.fromEntries([...given].map(([handler, env]) => [handler, Object.keys(env).sort()])),
    ).toEqual(
      Object.fromEntries(
        Object.entries(GIVEN_BESIDES).map(([handler, besides]) => [
          handler,
          [...EVERY_FUNCTION, ...besides].sort(),
        ]),
      ),
    );
    for (const [handler, env] of given)
      for (const [name, value] of Object.entries(env))
        expect([handler, name, process.env[name]]).toEqual([handler, name, value]);
  });

  it('with the emulations’ values: the local stage, its URLs, its queue and the key set it publishes', async () => {
    const { baseUrl } = stack();
    expect(process.env).toMatchObject({
      STAGE: 'local',
      TABLE_NAME: 'smart-registration',
      PUBLIC_BASE_URL: baseUrl,
      TOKEN_URL: `${baseUrl}/oauth2/token`,
      ACCESS_TOKEN_ISSUER: baseUrl,
      ACCESS_TOKEN_JWKS_URL: `${baseUrl}/.well-known/jwks.json`,
      STATE_MACHINE_ARN: 'arn:aws:states:local:000000000000:stateMachine:identification',
      POWERTOOLS_SERVICE_NAME: 'smart-registration',
      POWERTOOLS_METRICS_NAMESPACE: 'SmartRegistration/local',
      WEBHOOK_QUEUE_URL: stack().sqs.list()['webhook-deliveries']?.url,
      WEBHOOK_DLQ_URL: stack().sqs.list()['webhook-dead-letters']?.url,
    });
    // The published set: the public half of the key the start call signs with, and only that.
    const published = JSON.parse(process.env.ORDER_TOKEN_PUBLIC_JWKS ?? '{}') as { keys: { d?: string }[] };
    const served = await call<{ keys: unknown[] }>(stack(), 'GET', '/isp/v1/jwks.json');
    expect(served.status).toBe(200);
    expect(served.body.keys).toEqual(published.keys);
    expect(published.keys.map((k) => k.d)).toEqual([undefined]);
  });

  it('refuses to start when two functions would get one variable with different values', () => {
    let signingKeys = 0;
    expect(() =>
      localFunctionEnvironments(['identification-start', 'method-choice-page'], {
        ...STAND_IN,
        secretValue: (name) => (name === 'orderTokenPrivateJwk' ? `key ${++signingKeys}` : name),
      }),
    ).toThrow(
      'ORDER_TOKEN_PRIVATE_JWK differs between the functions identification-start and method-choice-page (lib/function-environment.ts): the embedded stack runs both in one process and cannot give each its own',
    );
  });
});
