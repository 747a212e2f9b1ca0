/**
 * A start with an Idempotency-Key whose request dies (the process is killed) or fails after it
 * wrote its order and before it completed the key: the SP's retry with the same key answers that
 * order and opens no other. The fault run found this after its SIGKILL (issue 11): the lock
 * lapsed, the retry took the key over and opened a second order, the first was never answered.
 *
 * The start use case runs on the embedded stack's table (real conditional writes); the partner and
 * the workflow are stand-ins, so that the kill can happen at an exact point: a workflow start that
 * never returns is a process that died there — nothing after it runs.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../lambdas/core/idempotency.js';
import type { Order } from '../../lambdas/core/order.js';
import type { StartIdentificationRequest } from '../../lambdas/core/schemas.js';
import type { IspAdapter } from '../../lambdas/usecases/ports/partner.js';
import {
  type StartIdentificationDeps,
  type StartIdentificationResult,
  startIdentification,
} from '../../lambdas/usecases/start-identification.js';
import { paperStartBody, useStack, waitFor } from '../support/stack.js';

const CLIENT = 'demo-portal';
const BASE_URL = 'http://127.0.0.1:3102';
const T0 = new Date('2026-11-30T01:00:00.000Z');
/** Past the key's 60-second lock: what the SP's retry after a crash sees. */
const AFTER_LOCK = new Date(T0.getTime() + 61_000);

const stack = useStack();

/** A partner that opens one order per refId (as a partner does for a repeated Idempotency-Key). */
function partner(): IspAdapter & { opened: string[] } {
  const opened: string[] = [];
  return {
    name: 'test-isp',
    opened,
    openOrder: async ({ refId }) => {
      opened.push(refId);
      return { ispOrderId: `isp-${refId}`, targetURL: `https://partner.example/start/${refId}` };
    },
  };
}

/** Workflow starts, by refId; `dieOnFirst` freezes the first start forever (the process was killed). */
function workflow(behaviour: 'dieOnFirst' | 'failOnFirst' | 'ok') {
  const started: string[] = [];
  let calls = 0;
  return {
    started,
    start: async (order: Order) => {
      calls += 1;
      if (calls === 1 && behaviour === 'dieOnFirst') return new Promise<void>(() => undefined);
      if (calls === 1 && behaviour === 'failOnFirst') throw new Error('StartExecution failed');
      started.push(order.refId);
    },
  };
}

function deps(adapter: IspAdapter, flow: ReturnType<typeof workflow>, at: Date): StartIdentificationDeps {
  return {
    repository: stack().repository,
    adapterFor: () => adapter,
    workflow: flow,
    signOrderToken: async () => 'order-token',
    now: () => at,
  };
}

/** A start of one person (a mobile number of its own, so that its orders can be counted). */
function request(mobile: string, chooseMethod = false) {
  const body = paperStartBody({ mobile });
  if (chooseMethod) {
    delete body.issuer;
    delete body.method;
  }
  return body as unknown as StartIdentificationRequest;
}

const uniqueMobile = () => `+4179${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

async function start(d: StartIdentificationDeps, body: StartIdentificationRequest, key: string) {
  return startIdentification(d, {
    clientId: CLIENT,
    request: body,
    idempotencyKey: key,
    serviceBaseUrl: BASE_URL,
    allowLoopbackHttp: true,
  });
}

describe('a start whose request died or failed after writing its order', () => {
  it('killed between the order and the key: the retry after the lock lapsed answers that order, opens no other, and starts its lifecycle', async () => {
    // Prepare: the first request writes its order and dies before completing the key.
    const mobile = uniqueMobile();
    const key = `crash-${randomUUID()}`;
    const adapter = partner();
    const flow = workflow('dieOnFirst');
    void start(deps(adapter, flow, T0), request(mobile), key);
    const [written] = await waitFor(
      () => stack().repository.ordersOfMobile(mobile),
      (orders) => orders.length === 1,
    );

    // Act: the SP retries with the same key once the dead request's lock has lapsed.
    const retry = await start(deps(adapter, flow, AFTER_LOCK), request(mobile), key);
    const again = await start(deps(adapter, flow, AFTER_LOCK), request(mobile), key);

    // Assess
    expect(retry).toEqual({
      statusCode: 201,
      replayed: false,
      body: {
        refId: written?.refId,
        error: null,
        targetURL: `https://partner.example/start/${written?.refId}`,
        expiresAt: written?.expiresAt,
      },
    });
    expect((await stack().repository.ordersOfMobile(mobile)).map((o) => o.refId)).toEqual([written?.refId]);
    expect(flow.started).toEqual([written?.refId]);
    expect(adapter.opened).toEqual([written?.refId]);
    expect(again).toEqual({ ...retry, replayed: true } satisfies StartIdentificationResult);
  });

  it('killed the same way with the six fields: the retry answers the same method choice link', async () => {
    const mobile = uniqueMobile();
    const key = `crash-choice-${randomUUID()}`;
    const flow = workflow('dieOnFirst');
    void start(deps(partner(), flow, T0), request(mobile, true), key);
    const [written] = await waitFor(
      () => stack().repository.ordersOfMobile(mobile),
      (orders) => orders.length === 1,
    );

    const retry = await start(deps(partner(), flow, AFTER_LOCK), request(mobile, true), key);

    const link = new URL(retry.body.targetURL);
    expect(retry.body.refId).toBe(written?.refId);
    expect(link.pathname).toBe(`/method-choice/${written?.refId}`);
    // The link's secret is the one the order was written with.
    expect(sha256(link.searchParams.get('token') ?? '')).toBe(written?.methodChoice?.tokenHash);
    expect(await stack().repository.ordersOfMobile(mobile)).toHaveLength(1);
    expect(flow.started).toEqual([written?.refId]);
  });

  it('failing after writing its order: the immediate retry answers that order and opens no other', async () => {
    // Prepare: the lifecycle's start fails once (the SP gets an error) after the order is written.
    const mobile = uniqueMobile();
    const key = `fail-${randomUUID()}`;
    const adapter = partner();
    const flow = workflow('failOnFirst');
    await expect(start(deps(adapter, flow, T0), request(mobile), key)).rejects.toThrow(
      'StartExecution failed',
    );
    const [written] = await stack().repository.ordersOfMobile(mobile);

    // Act: the SP retries at once.
    const retry = await start(deps(adapter, flow, T0), request(mobile), key);

    // Assess
    expect(retry.statusCode).toBe(201);
    expect(retry.body.refId).toBe(written?.refId);
    expect((await stack().repository.ordersOfMobile(mobile)).map((o) => o.refId)).toEqual([written?.refId]);
    expect(flow.started).toEqual([written?.refId]);
  });

  it('failing before writing anything: the retry opens the order once', async () => {
    const mobile = uniqueMobile();
    const key = `partner-down-${randomUUID()}`;
    let down = true;
    const adapter = partner();
    const flaky: IspAdapter = {
      name: adapter.name,
      openOrder: async (input) => {
        if (down) throw new Error('partner down');
        return adapter.openOrder(input);
      },
    };
    const flow = workflow('ok');
    await expect(start(deps(flaky, flow, T0), request(mobile), key)).rejects.toThrow('partner down');
    expect(await stack().repository.ordersOfMobile(mobile)).toEqual([]);
    down = false;

    const retry = await start(deps(flaky, flow, T0), request(mobile), key);

    expect(retry.statusCode).toBe(201);
    expect((await stack().repository.ordersOfMobile(mobile)).map((o) => o.refId)).toEqual([retry.body.refId]);
    expect(flow.started).toEqual([retry.body.refId]);
  });

  it('a different body with the key of a request that died is a request of its own', async () => {
    const mobile = uniqueMobile();
    const key = `crash-other-${randomUUID()}`;
    const flow = workflow('dieOnFirst');
    void start(deps(partner(), flow, T0), request(mobile), key);
    const [written] = await waitFor(
      () => stack().repository.ordersOfMobile(mobile),
      (orders) => orders.length === 1,
    );

    const other = await start(deps(partner(), flow, AFTER_LOCK), request(mobile, true), key);

    expect(other.statusCode).toBe(201);
    expect(other.body.refId).not.toBe(written?.refId);
    expect(other.body.targetURL).toContain(`/method-choice/${other.body.refId}`);
  });
});
