/**
 * The embedded stack gives its functions the environment the CDK stack gives them: it reads the one
 * definition (lib/function-environment.ts) with the emulations' values, so a variable added there
 * for a function reaches it locally too. Checked here against the definition's variable names (with
 * stand-in values, as the benchmark gives a bundle) and against the values the emulations serve.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aslTaskHandlers } from '../../lambdas/asl-tasks.js';
import { partnerSecretVariables } from '../../lambdas/core/service-config.js';
import { EVENT_SOURCE_FUNCTIONS } from '../../lambdas/event-sources.js';
import { handlerNames, routesOfStage } from '../../lambdas/routes.js';
import { type EnvironmentSources, functionEnvironment } from '../../lib/function-environment.js';
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

/** The functions the local stage runs, from the definitions: its routes, the ASL's tasks, the event sources. */
function functionsOfTheLocalStage(): string[] {
  const asl = JSON.parse(
    readFileSync(new URL('../../statemachines/identification.asl.json', import.meta.url), 'utf8'),
  ) as object;
  return [
    ...new Set([
      ...handlerNames(routesOfStage('local')),
      ...aslTaskHandlers(asl).map((t) => t.handler),
      ...EVENT_SOURCE_FUNCTIONS.map((f) => f.handler),
    ]),
  ].sort();
}

describe('the embedded stack’s function environment', () => {
  it('gives every function each variable lib/function-environment.ts gives it, in the process the functions read', () => {
    const functions = functionsOfTheLocalStage();
    expect([...stack().functionEnvironments.keys()].sort()).toEqual(functions);
    for (const handler of functions) {
      const names = Object.keys(
        functionEnvironment(handler, { ...STAND_IN, partnerSecrets: partnerSecretVariables(stack().config) }),
      ).sort();
      const given = stack().functionEnvironments.get(handler) ?? {};
      expect([handler, Object.keys(given).sort()]).toEqual([handler, names]);
      for (const name of names)
        expect([handler, name, process.env[name]]).toEqual([handler, name, given[name]]);
    }
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
