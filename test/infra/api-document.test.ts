/**
 * The API document a deployed stage serves lists what that stage deploys: the routes of the
 * synthesized template's API, no more and no fewer. The docs function is run with the environment
 * the template gives it, so the stage it knows is the one the stack deployed.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/routes.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { proxyEvent } from '../support/lambda-events.js';
import { captureLogs } from '../support/logs.js';
import {
  apiMethodsOf,
  type CfnResource,
  logicalIdOf,
  resourcesOf,
  type Synth,
  synthStage,
} from './helpers.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

/** The plain-string variables the template gives the docs function (references are left out). */
function docsFunctionEnvironment(s: Synth): Record<string, string> {
  const fn = s.stateless.functions.get('api-docs');
  if (!fn) throw new Error('The stage has no api-docs function');
  const resource = resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function')[
    logicalIdOf(s.stateless, fn)
  ] as CfnResource;
  const variables = (resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  return Object.fromEntries(
    Object.entries(variables).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** `METHOD /path` of every operation of the document the stage's docs function answers. */
async function documentedOperations(s: Synth): Promise<string[]> {
  // PUBLIC_BASE_URL is the stage's URL, a reference in the template: a stand-in here.
  process.env = { ...saved, PUBLIC_BASE_URL: 'https://api.example.com', ...docsFunctionEnvironment(s) };
  // Imported once its environment is set, as Lambda does: it checks PUBLIC_BASE_URL at cold start.
  const { handler } = await import('../../lambdas/handlers/api-docs.js');
  const event = proxyEvent({
    resource: '/openapi.json',
    path: '/openapi.json',
    httpMethod: 'GET',
    headers: { Host: 'api.example.com', 'X-Forwarded-Proto': 'https' },
    requestContext: {
      requestId: 'req-docs',
      stage: s.config.stage,
    } as APIGatewayProxyEvent['requestContext'],
  });
  let result: APIGatewayProxyResult | undefined;
  // The function's log line is not what these tests read.
  await captureLogs(async () => {
    result = (await handler(event, lambdaContext('api-docs', 'req-docs', 10_000))) as APIGatewayProxyResult;
  });
  if (!result) throw new Error('The docs function answered nothing');
  expect(result.statusCode).toBe(200);
  const doc = JSON.parse(result.body) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths)
    .flatMap(([path, operations]) => Object.keys(operations).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
}

describe('the API document a stage serves', () => {
  it('in production lists exactly the routes the production API deploys: no Test-ISP simulator, no demo portal', async () => {
    const s = synthStage('prod');

    const documented = await documentedOperations(s);

    expect(documented).toEqual([...apiMethodsOf(s).keys()].sort());
    expect(documented.filter((op) => /\/(test-isp|demo-portal)\b/.test(op))).toEqual([]);
  });

  it('on a test stage lists exactly the routes the test API deploys, the Test-ISP simulator among them', async () => {
    const s = synthStage('test');

    const documented = await documentedOperations(s);

    expect(documented).toEqual([...apiMethodsOf(s).keys()].sort());
    expect(documented).toContain('POST /test-isp/api/orders/{refId}');
    expect(documented).toContain('GET /demo-portal');
  });

  it('production deploys fewer routes than the route table has (so the first test compares something)', () => {
    const s = synthStage('prod');

    expect(apiMethodsOf(s).size).toBeLessThan(ROUTES.length);
    expect(apiMethodsOf(s).size).toBeGreaterThan(10);
  });
});
