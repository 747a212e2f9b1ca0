/**
 * The identification state machine (statemachines/identification.asl.json) run by the embedded
 * Step Functions emulation on each of its paths, with the real handlers and the real table.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../local/config.js';
import { acceptTerms, evidenceFor, sendEvent, sendEvidence, termsLinkFromOutbox } from '../support/isp.js';
import {
  call,
  type LocalStack,
  startOrder,
  startStack,
  tokenFor,
  useStack,
  waitFor,
} from '../support/stack.js';

type Status = {
  statuses: { status: string; kind: string | null; reason: string | null }[];
  evidenceId: string | null;
};

const start = async (stack: LocalStack, token: string, mobile: string) =>
  (await startOrder(stack, token, { mobile })).refId;

const statusOf = async (stack: LocalStack, token: string, refId: string) =>
  (await call<Status>(stack, 'GET', `/api/identifications/${refId}`, { token })).body;
const lastStatus = (s: Status) => s.statuses[s.statuses.length - 1];

async function acceptTermsFromSms(stack: LocalStack, mobile: string) {
  const link = await waitFor(
    async () => termsLinkFromOutbox(stack, mobile),
    (l) => l !== undefined,
  );
  expect((await fetch(link as string)).status).toBe(200);
  expect((await acceptTerms(link as string)).status).toBe(200);
}

describe('the identification lifecycle on the local state machine', () => {
  let token: string;

  const stack = useStack({ rateLimits: false });
  beforeAll(async () => {
    token = await tokenFor(stack());
  });

  it('runs the happy path: evidence, SMS, acceptance, registration, execution succeeded', async () => {
    const mobile = '+41790000001';
    const refId = await start(stack(), token, mobile);

    expect((await sendEvent(stack(), refId, 'waiting-for-doc')).status).toBe(200);
    expect((await sendEvent(stack(), refId, 'done')).status).toBe(200);
    expect((await sendEvidence(stack(), refId, evidenceFor({ mobile, method: 'test' }))).status).toBe(200);
    await acceptTermsFromSms(stack(), mobile);

    const execution = await stack().stepFunctions.settled(refId);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.states).toEqual([
      'MethodChosen',
      'WaitForEvidence',
      'SendTermsSms',
      'WaitForTerms',
      'RegisterPerson',
      'Registered',
    ]);
    const status = await statusOf(stack(), token, refId);
    expect(status.statuses.map((s) => s.status)).toEqual([
      'created',
      'initialized',
      'waiting-for-doc',
      'done',
      'data-ready',
      'terms-accepted',
    ]);
    expect(status.evidenceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await stack().repository.getRegistration('41790000001')).toMatchObject({
      evidenceId: status.evidenceId,
      loa: 3,
      givenName: 'Hans',
    });
  });

  for (const [i, kind] of (['user', 'isp', 'unsuccessful'] as const).entries()) {
    it(`ends in cancelled/${kind} when the ISP reports that cancellation, and the execution stops`, async () => {
      const refId = await start(stack(), token, `+4179000010${i}`);
      const res = await sendEvent(stack(), refId, 'cancelled', { kind, reason: `reason-${kind}` });
      expect(res.status).toBe(200);

      const execution = await stack().stepFunctions.settled(refId);
      expect(execution.status).toBe('SUCCEEDED');
      expect(execution.states.at(-1)).toBe('Cancelled');
      expect(lastStatus(await statusOf(stack(), token, refId))).toMatchObject({
        status: 'cancelled',
        kind,
        reason: `reason-${kind}`,
      });
    });
  }

  it('cancels while waiting for the terms: the execution leaves WaitForTerms', async () => {
    const mobile = '+41790000201';
    const refId = await start(stack(), token, mobile);
    expect((await sendEvidence(stack(), refId, evidenceFor({ mobile, method: 'test' }))).status).toBe(200);
    await waitFor(
      async () => termsLinkFromOutbox(stack(), mobile),
      (l) => l !== undefined,
    );
    expect((await sendEvent(stack(), refId, 'cancelled', { kind: 'user' })).status).toBe(200);

    const execution = await stack().stepFunctions.settled(refId);
    expect(execution.states).toContain('WaitForTerms');
    expect(execution.states.at(-1)).toBe('Cancelled');
  });
});

describe('timeouts, retries and failures of the state machine', () => {
  it('expires an order whose ISP does not answer within the method timeout', async () => {
    const config = loadConfig();
    const fast = {
      ...config,
      isps: config.isps.map((i) => (i.issuer === 'Test-ISP' ? { ...i, timeoutSeconds: 1 } : i)),
    };
    const stack = await startStack({ config: fast, rateLimits: false });
    try {
      const token = await tokenFor(stack);
      const refId = await start(stack, token, '+41790000301');

      const execution = await stack.stepFunctions.settled(refId);
      expect(execution.states).toEqual([
        'MethodChosen',
        'WaitForEvidence',
        'ExpireOrder',
        'AcceptedInTime',
        'Expired',
      ]);
      expect(lastStatus(await statusOf(stack, token, refId))).toMatchObject({
        status: 'cancelled',
        kind: 'expired',
      });
    } finally {
      await stack.close();
    }
  });

  it('retries a transiently failing step and then succeeds', async () => {
    let attempts = 0;
    const realSendSms = (await import('../../lambdas/handlers/task-send-terms-sms.js')).handler;
    const stack = await startStack({
      rateLimits: false,
      stepFunctions: {
        retryIntervalMs: 5,
        taskOverrides: {
          SendTermsSms: async (event, context) => {
            attempts += 1;
            if (attempts < 3) {
              const err = new Error('SMS gateway hiccup');
              err.name = 'TransientError';
              throw err;
            }
            return realSendSms(event as never, context);
          },
        },
      },
    });
    try {
      const token = await tokenFor(stack);
      const mobile = '+41790000401';
      const refId = await start(stack, token, mobile);
      expect((await sendEvidence(stack, refId, evidenceFor({ mobile, method: 'test' }))).status).toBe(200);
      await acceptTermsFromSms(stack, mobile);

      const execution = await stack.stepFunctions.settled(refId);
      expect(attempts).toBe(3);
      expect(execution.status).toBe('SUCCEEDED');
      expect(stack.outbox.list().filter((m) => m.phoneNumber === mobile)).toHaveLength(1);
    } finally {
      await stack.close();
    }
  });

  it('records a failure on the order when a step fails for good (Catch → RecordFailure)', async () => {
    const stack = await startStack({
      rateLimits: false,
      stepFunctions: {
        retryIntervalMs: 5,
        taskOverrides: {
          RegisterPerson: async () => {
            const err = new Error('registration store broken');
            err.name = 'RegistrationBroken';
            throw err;
          },
        },
      },
    });
    try {
      const token = await tokenFor(stack);
      const mobile = '+41790000501';
      const refId = await start(stack, token, mobile);
      expect((await sendEvidence(stack, refId, evidenceFor({ mobile, method: 'test' }))).status).toBe(200);
      await acceptTermsFromSms(stack, mobile);

      const execution = await stack.stepFunctions.settled(refId);
      expect(execution.status).toBe('FAILED');
      expect(execution.states.slice(-2)).toEqual(['RecordFailure', 'Failed']);
      expect(lastStatus(await statusOf(stack, token, refId))).toMatchObject({
        status: 'failed',
        reason: 'RegistrationBroken',
      });
      expect(await stack.repository.getRegistration('41790000501')).toBeUndefined();
    } finally {
      await stack.close();
    }
  });
});
