/**
 * The deployed stage on MiniStack (`npm run test:deploy`): the synthesized templates, the real
 * Lambda bundles behind API Gateway with the Cognito authorizer, Step Functions with task tokens,
 * DynamoDB, SNS and Secrets Manager — the journey over HTTP as an SP, a person and a partner see
 * it, and the execution history through the Step Functions API. Everything is torn down after.
 *
 * What an emulator cannot show (expiry timeouts, WAF, throttling, the nodejs24.x runtime) is
 * covered by the embedded stack's tests and the template assertions: docs/deploy.md.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepository } from '../../lambdas/adapters/dynamo/repository.js';
import { buildOpenApi } from '../../lambdas/http/openapi.js';
import { routesOfStage } from '../../lambdas/routes.js';
import { acceptTerms as recordAcceptance } from '../../lambdas/usecases/terms-acceptance.js';
import {
  deployToEmulator,
  EMULATOR_REGION,
  type EmulatorDeployment,
  readerEnvironment,
} from '../../scripts/emulator/deploy.js';
import { type RunningMiniStack, startMiniStack } from '../../scripts/emulator/ministack.js';
import { acceptTerms, formValues, TERMS_LINK } from '../support/isp.js';
import { forDeployedStack, patternOf, sectionSteps, walkthroughRun } from '../support/readme.js';
import { type ApiResponse, call, startOrder, waitFor } from '../support/stack.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

let emulator: RunningMiniStack | undefined;
let deployment: EmulatorDeployment;
let api: { baseUrl: string };
let sfn: SFNClient;

beforeAll(async () => {
  emulator = await startMiniStack();
  deployment = await deployToEmulator(emulator.endpoint);
  api = { baseUrl: deployment.apiUrl };
  sfn = new SFNClient({
    endpoint: deployment.endpoint,
    region: EMULATOR_REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}, 600_000);

afterAll(async () => {
  sfn?.destroy();
  await emulator?.stop();
}, 60_000);

/** A client-credentials token from the emulator's Cognito for a demo client. */
async function tokenFor(name: string, scope?: string): Promise<string> {
  const client = deployment.clients[name];
  if (!client) throw new Error(`no deployed client ${name}`);
  const res = await fetch(deployment.tokenEndpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The terms link of the newest SMS the emulator captured for this number. */
async function termsLinkFor(mobile: string): Promise<string> {
  const url = `${deployment.endpoint}/_ministack/sns/sms-messages?phoneNumber=${encodeURIComponent(mobile)}`;
  const links = await waitFor(
    async () => {
      const body = (await (await fetch(url)).json()) as {
        sms_messages: Record<string, { Message?: string; message?: string }[]>;
      };
      return (body.sms_messages[mobile] ?? []).flatMap(
        (m) => (m.Message ?? m.message ?? '').match(TERMS_LINK)?.[0] ?? [],
      );
    },
    (found) => found.length > 0,
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  return links[links.length - 1] as string;
}

async function executionOf(refId: string, until: (status: ExecutionStatus | undefined) => boolean) {
  const executionArn = `${deployment.stateMachineArn.replace(':stateMachine:', ':execution:')}:${refId}`;
  const described = await waitFor(
    () => sfn.send(new DescribeExecutionCommand({ executionArn })),
    (d) => until(d.status),
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const entered = events.flatMap((e) => e.stateEnteredEventDetails?.name ?? []);
  return { status: described.status, entered };
}

const verify = (msisdn: string, claimedIdentity: string, assuranceLevel: 3 | 4, distinguishedName: string) =>
  call<{ evidenceId: string; vetterMsisdn: string; serialNumber: string }>(api, 'POST', '/api/verify', {
    json: { msisdn, claimedIdentity, assuranceLevel, distinguishedName },
  });

function expectProblem(res: ApiResponse, status: number | number[]): void {
  expect([status].flat()).toContain(res.status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

describe('the deployed stage on MiniStack', () => {
  let portal: string;
  let journey: { refId: string; targetURL: string };
  const mobile = '+41783478228';
  const dn = 'gn=Hans, sn=Müller, cn=Hans Müller, c=CH';

  it('issues tokens at the deployed token endpoint that the Cognito authorizer accepts', async () => {
    portal = await tokenFor('demo-portal');
    const catalogue = await call<{ issuer: string }[]>(
      api,
      'GET',
      '/api/providers?jurisdiction=EIDAS&loa=3',
      {
        token: portal,
        headers: { accept: 'application/vnd.sc.miss.provider.v1+json' },
      },
    );
    expect(catalogue.status).toBe(200);
    expect(catalogue.body.map((p) => p.issuer)).toContain('Test-ISP');
    expectProblem(await call(api, 'GET', '/api/providers'), 401);
  });

  it('takes a person from the start call through the simulator form, the SMS and the terms to a positive verify', async () => {
    expect((await verify('41783478228', 'test-client', 3, dn)).status).toBe(404);
    journey = await startOrder(api, portal, { mobile });
    expect(journey.targetURL.startsWith(deployment.apiUrl)).toBe(true);

    const formPage = await fetch(journey.targetURL);
    expect(formPage.status).toBe(200);
    const form = formValues(await formPage.text());
    expect(form.get('mobile')).toBe(mobile);
    form.set('lastName', 'Müller');
    form.set('status', 'data-ready');
    const submitted = await fetch(journey.targetURL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(submitted.status).toBe(200);

    const link = await termsLinkFor(mobile);
    expect(link.startsWith(deployment.apiUrl)).toBe(true);
    expect((await fetch(link)).status).toBe(200);
    expect((await acceptTerms(link)).status).toBe(200);

    const positive = await waitFor(
      () => verify('41783478228', 'test-client', 3, dn),
      (r) => r.status === 200,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(positive.body).toEqual({
      evidenceId: expect.any(String),
      vetterMsisdn: '41783478228',
      serialNumber: expect.stringMatching(/^SRS-[A-Z0-9_-]+$/),
    });
    // Negative: the Test-ISP identifies at LoA 3, and another number is nobody's.
    expect((await verify('41783478228', 'test-client', 4, dn)).status).toBe(404);
    expect((await verify('41790000000', 'test-client', 3, dn)).status).toBe(404);

    const status = await call<{ statuses: { status: string }[]; evidenceId: string }>(
      api,
      'GET',
      `/api/identifications/${journey.refId}`,
      { token: portal },
    );
    expect(status.body.evidenceId).toBe(positive.body.evidenceId);
    expect(status.body.statuses.map((s) => s.status)).toEqual(
      expect.arrayContaining(['created', 'data-ready', 'terms-accepted']),
    );
  });

  it('ran the state machine through the task tokens to the registration', async () => {
    const execution = await executionOf(journey.refId, (s) => s !== 'RUNNING');
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.entered).toEqual(
      expect.arrayContaining([
        'WaitForEvidence',
        'SendTermsSms',
        'WaitForTerms',
        'RegisterPerson',
        'Registered',
      ]),
    );
  });

  it('keeps one SP out of another SP’s identification, and refuses a token without the scope', async () => {
    const bank = await tokenFor('demo-bank');
    expectProblem(await call(api, 'GET', `/api/identifications/${journey.refId}`, { token: bank }), 404);
    // Cognito issues only asked-for scopes: srs/read cannot start. MiniStack answers 401, AWS 403.
    const readOnly = await tokenFor('demo-portal', 'srs/read');
    const refused = await call(api, 'POST', '/api/identifications', {
      token: readOnly,
      json: {
        dob: '1978-02-28',
        firstName: 'Hans',
        lastName: 'Muster',
        mobile,
        issuer: 'Test-ISP',
        method: 'test',
      },
    });
    expectProblem(refused, [401, 403]);
  });

  it('serves the OpenAPI document generated from the schemas, read from the function’s asset, for the deployed API', async () => {
    const res = await fetch(`${api.baseUrl}/openapi.json`);
    expect(res.status).toBe(200);
    const body = await res.text();
    const served = JSON.parse(body) as {
      servers: { url: string }[];
      components: { securitySchemes: { oauth2: { flows: { clientCredentials: { tokenUrl: string } } } } };
    };

    // The addresses are the deployment's (PUBLIC_BASE_URL, TOKEN_URL); the rest is what the
    // generator makes of the stage's routes and schemas, byte for byte.
    const serverUrl = served.servers[0]?.url ?? '';
    const tokenUrl = served.components.securitySchemes.oauth2.flows.clientCredentials.tokenUrl;
    expect(serverUrl).toMatch(/^https?:\/\//);
    expect(body).toBe(JSON.stringify(buildOpenApi(serverUrl, tokenUrl, routesOfStage(deployment.stage))));
  });

  it('answers a method a path does not have with 405 and Allow, from the resource’s ANY mock, before the authorizer', async () => {
    for (const [method, path, allow] of [
      ['GET', '/api/verify', 'POST'],
      ['PATCH', '/api/webhooks', 'GET, POST'],
      ['DELETE', `/api/identifications/${journey.refId}`, 'GET'],
    ] as const) {
      // A body of any type, where the method may carry one: the mock answers whatever comes.
      const body =
        method === 'GET' ? {} : { body: 'not json at all', headers: { 'content-type': 'text/plain' } };
      const res = await call(api, method, path, body);
      expectProblem(res, 405);
      expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
    }
  });

  it('answers a method a page path does not have with a 405 page from the page’s function (ADR 0024)', async () => {
    const res = await call<string>(api, 'PUT', '/terms/some-link-token', {
      body: 'accept=yes',
      headers: {
        'content-type': 'text/plain',
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
        'accept-language': 'it',
      },
    });

    expect(res.status, res.text.slice(0, 300)).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toMatch(/^<!doctype html>\n<html lang="it">/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('answers a path below the pages that no route has with a 404 page from the page’s function (ADR 0027)', async () => {
    for (const path of ['/terms', '/terms/some-link-token/extra', `/method-choice/${journey.refId}/x/y`]) {
      const res = await call<string>(api, 'GET', path, {
        headers: { accept: 'text/html,*/*;q=0.8', 'accept-language': 'fr' },
      });

      expect(res.status, `${path}: ${res.text.slice(0, 300)}`).toBe(404);
      expect(res.headers.get('content-type'), path).toBe('text/html; charset=utf-8');
      expect(res.text, path).toContain('<h1>Page introuvable</h1>');
    }
    // Off the pages, API Gateway's own 404 stays.
    expectProblem(await call(api, 'GET', '/api/nothing-here', { headers: { accept: 'text/html' } }), 404);
  });

  it('hands AML identification data to an SP with a contract (200) and refuses one without (403)', async () => {
    const bank = await tokenFor('demo-bank');
    const banked = await startOrder(api, bank, {
      mobile: '+41791112233',
      issuer: 'BankIdent-Demo',
      method: 'bank',
    });
    const portalOrder = await startOrder(api, portal, {
      mobile: '+41794445566',
      issuer: 'BankIdent-Demo',
      method: 'bank',
    });
    for (const { refId } of [banked, portalOrder]) {
      const simulated = await call(api, 'POST', `/test-isp/api/orders/${refId}`, {
        json: { status: 'data-ready' },
      });
      expect(simulated.status).toBe(200);
    }
    const data = await waitFor(
      () =>
        call<{ refId: string; verified_claims: { claims: { family_name: string } } }>(
          api,
          'GET',
          `/api/identifications/${banked.refId}/identification-data`,
          { token: bank },
        ),
      (r) => r.status !== 409,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(data.status).toBe(200);
    expect(data.body.refId).toBe(banked.refId);
    expect(data.body.verified_claims.claims.family_name).toBe('Muster');
    expectProblem(
      await call(api, 'GET', `/api/identifications/${portalOrder.refId}/identification-data`, {
        token: portal,
      }),
      403,
    );
  });

  it('lets the partner introspect its order token (and not another partner’s)', async () => {
    const order = await startOrder(api, portal, { mobile: '+41795556677' });
    const orderToken = new URL(order.targetURL).searchParams.get('token') as string;
    const introspect = async (client: string) =>
      call<{ active: boolean; refId?: string; aud?: string }>(api, 'POST', '/oauth2/introspect', {
        token: await tokenFor(client, 'srs/introspect'),
        body: new URLSearchParams({ token: orderToken }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const own = await introspect('test-isp');
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ active: true, refId: order.refId, aud: 'Test-ISP' });
    const other = await introspect('bankident-demo');
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ active: false });
  });

  it('pushes every status of a cancelled identification to a registered webhook, signed: stream → fan-out → SQS → delivery', async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      const registered = await call<{ id: string; secret: string }>(api, 'POST', '/api/webhooks', {
        token: portal,
        json: { url: receiver.url },
      });
      expect(registered.status, registered.text).toBe(201);
      const order = await startOrder(api, portal, { mobile: '+41796667790' });
      expect(
        (
          await call(api, 'POST', `/test-isp/api/orders/${order.refId}`, {
            json: { status: 'cancelled-user' },
          })
        ).status,
      ).toBe(200);
      const webhook = new Webhook(registered.body.secret);
      const statuses = await waitFor(
        async () =>
          receiver.received
            .map((m) => webhook.verify(m.body, m.headers) as { data: { refId: string; status: string } })
            .filter((event) => event.data.refId === order.refId)
            .map((event) => event.data.status),
        (s) => s.includes('cancelled'),
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      // Exactly the order's history, in order.
      const history = await call<{ statuses: { status: string }[] }>(
        api,
        'GET',
        `/api/identifications/${order.refId}`,
        { token: portal },
      );
      expect(statuses).toEqual(history.body.statuses.map((s) => s.status));
      expect(statuses[0]).toBe('created');
      const log = await call<{ state: string }[]>(
        api,
        'GET',
        `/api/webhooks/${registered.body.id}/deliveries`,
        {
          token: portal,
        },
      );
      expect(log.body.map((d) => d.state)).toEqual(statuses.map(() => 'delivered'));
    } finally {
      await receiver.stop();
    }
  });

  it('registers a person whose terms page died after recording the acceptance: stream → terms-acceptance-relay → the terms wait', async () => {
    const mobile = '+41796667791';
    const order = await startOrder(api, portal, { mobile });
    const simulated = await call(api, 'POST', `/test-isp/api/orders/${order.refId}`, {
      json: { status: 'data-ready' },
    });
    expect(simulated.status, simulated.text).toBe(200);
    const link = await termsLinkFor(mobile);
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: deployment.endpoint,
        region: EMULATOR_REGION,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    try {
      const repository = createRepository(db, deployment.tableName);
      await waitFor(
        () => repository.getOrder(order.refId),
        (o) => o?.waitTokens?.terms !== undefined,
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      // What the terms page does, in a request that dies before telling the state machine.
      const dying = {
        succeed: async (): Promise<boolean> => {
          throw new Error('the function died before telling the state machine');
        },
        fail: async (): Promise<boolean> => false,
      };
      await expect(
        recordAcceptance(
          { repository, callbacks: dying },
          new URL(link).pathname.split('/').at(-1) as string,
        ),
      ).rejects.toThrow('the function died');
    } finally {
      db.destroy();
    }

    const execution = await executionOf(order.refId, (s) => s !== 'RUNNING');
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.entered).toEqual(
      expect.arrayContaining(['WaitForTerms', 'RegisterPerson', 'Registered']),
    );
    expect(execution.entered).not.toContain('ExpireOrder');
  });

  it('ends a cancelled identification as cancelled, in the status and in the execution', async () => {
    const order = await startOrder(api, portal, { mobile: '+41796667788' });
    const simulated = await call(api, 'POST', `/test-isp/api/orders/${order.refId}`, {
      json: { status: 'cancelled-user' },
    });
    expect(simulated.status).toBe(200);
    const execution = await executionOf(order.refId, (s) => s !== 'RUNNING');
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.entered).toContain('Cancelled');
    expect(execution.entered).not.toContain('RegisterPerson');
    const status = await call<{ statuses: { status: string; kind: string | null }[] }>(
      api,
      'GET',
      `/api/identifications/${order.refId}`,
      { token: portal },
    );
    expect(status.body.statuses.at(-1)).toMatchObject({ status: 'cancelled', kind: 'user' });
  });
});

describe("the README's walkthrough against the deployed stack", () => {
  it('runs as written with the substitutions the README lists, with what deploy:local prints, and prints what it shows', async () => {
    const steps = sectionSteps('## Walkthrough (curl)').map((step) => ({
      ...step,
      command: forDeployedStack(step.command),
    }));
    // Every local address was substituted: nothing of it reaches the local stack (none runs here).
    for (const step of steps) expect(step.command).not.toContain('127.0.0.1:3000');

    const printed = await walkthroughRun(
      steps,
      { baseUrl: deployment.apiUrl },
      readerEnvironment(deployment),
    );

    steps.forEach((step, i) => {
      if (step.shown === undefined) return;
      expect(printed[i], `step ${i}:\n${step.command}`).toMatch(patternOf(step.shown, deployment.apiUrl));
    });
    expect(JSON.parse(printed.at(-1) as string)).toEqual({
      evidenceId: expect.any(String),
      vetterMsisdn: expect.stringMatching(/^4179\d{7}$/),
      serialNumber: expect.stringMatching(/^SRS-/),
    });
  }, 120_000);
});
