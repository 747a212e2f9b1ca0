/**
 * Registrations of one SP's webhook endpoints that run at once, on the embedded table. Found by
 * probing POST /api/webhooks with parallel requests: each passed the duplicate and limit checks
 * before the others wrote, so 8 registrations of one URL stored 3 endpoints (every message then
 * went out three times) and 20 of distinct URLs stored 13 against the limit of 10.
 *
 * Every registration here reads the SP's endpoints for its checks before any of them writes (a
 * barrier in the store), the interleaving that let them all through.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ENDPOINTS_PER_SP, WEBHOOK_EVENT_TYPES } from '../../lambdas/core/webhooks.js';
import type { WebhookStore } from '../../lambdas/usecases/ports/webhooks.js';
import { createWebhook, type WebhookDeps } from '../../lambdas/usecases/webhooks.js';
import { startTableStore, type TableStore } from '../support/table.js';
import { T0 } from '../unit/fixtures.js';

let table: TableStore;

beforeAll(async () => {
  table = await startTableStore();
});

afterAll(async () => table.close());

/** The store, with the first `parties` endpoint listings held until all of them have been made. */
function checksBeforeWrites(store: WebhookStore, parties: number): WebhookStore {
  let arrived = 0;
  let release: () => void = () => {};
  const allArrived = new Promise<void>((resolve) => {
    release = resolve;
  });
  return Object.assign(Object.create(store) as WebhookStore, {
    listWebhooks: async (clientId: string) => {
      const listed = await store.listWebhooks(clientId);
      if (arrived >= parties) return listed;
      arrived += 1;
      if (arrived === parties) release();
      await allArrived;
      return listed;
    },
  });
}

function depsOn(repository: WebhookStore): WebhookDeps {
  return {
    repository,
    transport: {
      post: async () => ({ ok: true, statusCode: 204 }),
      resolve: async () => ['192.0.43.10'],
    },
    signer: { newSecret: () => `whsec_${randomUUID()}`, sign: () => 'v1,signature' },
    queue: { enqueue: async () => {}, deadLetter: async () => {} },
    policy: { allowLoopbackHttp: false },
    newId: () => randomUUID(),
    clock: () => T0,
  };
}

const slugOf = (r: PromiseSettledResult<unknown>) =>
  r.status === 'rejected' ? (r.reason as { status?: number; slug?: string }) : undefined;

describe('webhook registrations of one SP at once', () => {
  it('store one endpoint per URL at most, and every registration answered 201 is the one stored', async () => {
    const clientId = `sp-${randomUUID()}`;
    const url = 'https://sp.example/hooks';
    const deps = depsOn(checksBeforeWrites(table.store, 4));

    const results = await Promise.allSettled(
      [1, 2, 3, 4].map(() => createWebhook(deps, clientId, { url, events: [...WEBHOOK_EVENT_TYPES] })),
    );

    const stored = await table.store.listWebhooks(clientId);
    expect(stored.filter((e) => e.url === url).length).toBeLessThanOrEqual(1);
    const registered = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []));
    expect(registered).toEqual(stored.map((e) => e.id));
    for (const refused of results.filter((r) => r.status === 'rejected'))
      expect(slugOf(refused)).toMatchObject({ status: 409, slug: 'webhook-exists' });
  });

  it(`never store more than ${MAX_ENDPOINTS_PER_SP} endpoints, and every one answered 201 is stored`, async () => {
    const clientId = `sp-${randomUUID()}`;
    for (let i = 0; i < MAX_ENDPOINTS_PER_SP - 1; i++)
      await createWebhook(depsOn(table.store), clientId, { url: `https://sp.example/early-${i}` });
    const deps = depsOn(checksBeforeWrites(table.store, 4));

    const results = await Promise.allSettled(
      [1, 2, 3, 4].map((i) => createWebhook(deps, clientId, { url: `https://sp.example/late-${i}` })),
    );

    const stored = await table.store.listWebhooks(clientId);
    expect(stored.length).toBeLessThanOrEqual(MAX_ENDPOINTS_PER_SP);
    const registered = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []));
    expect(stored.filter((e) => e.url.includes('/late-')).map((e) => e.id)).toEqual(
      expect.arrayContaining(registered),
    );
    expect(stored.length).toBe(MAX_ENDPOINTS_PER_SP - 1 + registered.length);
    for (const refused of results.filter((r) => r.status === 'rejected'))
      expect(slugOf(refused)).toMatchObject({ status: 409, slug: 'webhook-limit' });
  });
});
