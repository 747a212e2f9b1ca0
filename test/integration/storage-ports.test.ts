/**
 * The contract of the storage ports (lambdas/usecases/ports/), proven by behaviour against the
 * embedded DynamoDB (dynalite, the table created from the same schema as in AWS): what each port
 * promises the use cases — a stale version is refused, a replayed jti is refused, a held or
 * completed idempotency key is refused, evidence and terms links are written once — and not the
 * text of the conditions that keep the promise.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../lambdas/adapters/dynamo/table-schema.js';
import { ConditionFailed } from '../../lambdas/core/errors.js';
import { applyEvent, type Order } from '../../lambdas/core/order.js';
import { DEFAULT_TERMS_OF_USE } from '../../lambdas/core/terms-of-use.js';
import { usageRecordsOf } from '../../lambdas/core/usage.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEndpoint } from '../../lambdas/core/webhooks.js';
import type { AmlAccessRecord } from '../../lambdas/usecases/ports/aml-access-log.js';
import type { IdempotencyReservation } from '../../lambdas/usecases/ports/idempotency.js';
import type { StoredEvidence } from '../../lambdas/usecases/ports/orders.js';
import type { StoredDelivery } from '../../lambdas/usecases/ports/webhooks.js';
import { startTableStore, type TableStore } from '../support/table.js';
import { order, pendingDelivery, registration, spSetup, statusEntry, T0, testIsp } from '../unit/fixtures.js';

let table: TableStore;
let store: TableStore['store'];

beforeAll(async () => {
  table = await startTableStore();
  store = table.store;
});

afterAll(async () => table.close());

/** A fresh order (own refId, SP and mobile number), so that tests share the table without meeting. */
function freshOrder(overrides: Partial<Order> = {}): Order {
  const suffix = String(Math.floor(Math.random() * 1e7)).padStart(7, '0');
  return order({ refId: randomUUID(), clientId: `sp-${randomUUID()}`, ...personWith(suffix), ...overrides });
}
const personWith = (suffix: string) => ({ person: { ...order().person, mobile: `+4179${suffix}` } });

const rawItem = (key: Record<string, string>) => table.rawItem(key);
const epoch = (iso: string | Date) => Math.floor(new Date(iso).getTime() / 1000);

describe('OrderStore', () => {
  it('creates an order once and reads it back as written', async () => {
    const o = freshOrder();

    await store.createOrder(o);

    await expect(store.getOrder(o.refId)).resolves.toStrictEqual(o);
    await expect(store.createOrder({ ...o, state: 'another' })).rejects.toBeInstanceOf(ConditionFailed);
    await expect(store.getOrder(o.refId)).resolves.toStrictEqual(o);
  });

  it('saves a transition made on the version read', async () => {
    const o = freshOrder();
    await store.createOrder(o);
    const next = applyEvent(o, { type: 'initialized', source: 'service' }, T0);
    if (next.outcome !== 'applied') throw new Error('fixture: transition not applied');

    await store.saveOrder(next.order);

    await expect(store.getOrder(o.refId)).resolves.toStrictEqual(next.order);
  });

  it('refuses a stale version: of two writers that read the same version, the second is refused', async () => {
    // Prepare: both read version 1.
    const o = freshOrder();
    await store.createOrder(o);
    const first = { ...o, state: 'first writer', version: o.version + 1 };
    const second = { ...o, state: 'second writer', version: o.version + 1 };

    // Act
    await store.saveOrder(first);
    const lost = store.saveOrder(second);

    // Assess: the second is refused and changed nothing.
    await expect(lost).rejects.toBeInstanceOf(ConditionFailed);
    await expect(store.getOrder(o.refId)).resolves.toStrictEqual(first);
  });

  it('refuses to save a version that skips one, and to save an order that was never created', async () => {
    const o = freshOrder();
    await store.createOrder(o);

    await expect(store.saveOrder({ ...o, version: o.version + 2 })).rejects.toBeInstanceOf(ConditionFailed);
    await expect(store.saveOrder(freshOrder({ version: 2 }))).rejects.toBeInstanceOf(ConditionFailed);
    await expect(store.getOrder(o.refId)).resolves.toStrictEqual(o);
  });

  it('finds no order for an unknown refId, nor for one that cannot be a key', async () => {
    await expect(store.getOrder(randomUUID())).resolves.toBeUndefined();
    await expect(store.getOrder('x'.repeat(2000))).resolves.toBeUndefined();
    await expect(store.getOrder('a#b')).resolves.toBeUndefined();
  });

  it('stores an order under its keys, listed per SP by creation, expiring as the retention policy says', async () => {
    const o = freshOrder();

    await store.createOrder(o);

    expect(await rawItem(keys.order(o.refId))).toMatchObject({
      PK: `ORDER#${o.refId}`,
      SK: 'ORDER',
      GSI1PK: `SP#${o.clientId}`,
      GSI1SK: `ORDER#2025-03-01T10:00:00.000Z#${o.refId}`,
      // Open: created + 1 h partner timeout + 14 days terms window + 30 days.
      ttl: epoch(T0) + 3600 + 14 * 86400 + 30 * 86400,
    });
  });
});

describe('EvidenceStore', () => {
  const evidenceOf = (o: Order, jws = 'eyJhbGciOiJFUzI1NiJ9.e30.sig'): StoredEvidence => ({
    refId: o.refId,
    evidenceId: randomUUID(),
    issuer: 'Test-ISP',
    jws,
    sha256: 'abc123',
    importedAt: T0.toISOString(),
    claims: { method: 'test' } as StoredEvidence['claims'],
  });

  it('writes evidence once per order: another import for the order is refused and the first stays', async () => {
    const o = freshOrder();
    const first = evidenceOf(o);

    await store.createEvidence(first, o);

    await expect(store.createEvidence(evidenceOf(o, 'other.jws.sig'), o)).rejects.toBeInstanceOf(
      ConditionFailed,
    );
    await expect(store.getEvidence(o.refId)).resolves.toStrictEqual(first);
  });

  it('keeps evidence a registration rests on for the registration’s validity and ten years more', async () => {
    const o = freshOrder();
    await store.createEvidence(evidenceOf(o), o);
    const before = await rawItem(keys.evidence(o.refId));

    await store.retainEvidence(o.refId, '2030-01-10T08:00:00.000Z');

    // Pending: expires 30 days after the order's end; retained: as long as the registration + 10 years.
    expect(before?.ttl).toBe(epoch(T0) + 3600 + 14 * 86400 + 30 * 86400);
    expect((await rawItem(keys.evidence(o.refId)))?.ttl).toBeGreaterThan(epoch('2040-01-01T00:00:00Z'));
  });

  it('refuses to retain evidence that does not exist, and creates none', async () => {
    const refId = randomUUID();

    await expect(store.retainEvidence(refId, '2030-01-10T08:00:00.000Z')).rejects.toBeInstanceOf(
      ConditionFailed,
    );
    await expect(store.getEvidence(refId)).resolves.toBeUndefined();
  });
});

describe('TermsLinkStore', () => {
  const link = (expiresAt = '2025-03-02T10:00:00.000Z') => ({
    tokenHash: randomUUID(),
    refId: randomUUID(),
    language: 'en',
    createdAt: T0.toISOString(),
    expiresAt,
  });

  it('creates a link once', async () => {
    const l = link();

    await store.createTermsLink(l);

    await expect(store.createTermsLink({ ...l, refId: randomUUID() })).rejects.toBeInstanceOf(
      ConditionFailed,
    );
    await expect(store.getTermsLink(l.tokenHash)).resolves.toStrictEqual(l);
  });

  it('lets a link be used once: the second use is refused', async () => {
    const l = link();
    await store.createTermsLink(l);

    await store.useTermsLink(l.tokenHash, T0);

    await expect(store.useTermsLink(l.tokenHash, T0)).rejects.toBeInstanceOf(ConditionFailed);
    await expect(store.getTermsLink(l.tokenHash)).resolves.toStrictEqual({ ...l, usedAt: T0.toISOString() });
  });

  it('refuses to use an expired link and an unknown one', async () => {
    const l = link('2025-03-01T10:00:00.000Z');
    await store.createTermsLink(l);

    // Expired at the very moment of its expiry.
    await expect(store.useTermsLink(l.tokenHash, T0)).rejects.toBeInstanceOf(ConditionFailed);
    await expect(store.useTermsLink(randomUUID(), T0)).rejects.toBeInstanceOf(ConditionFailed);
    await expect(store.getTermsLink(l.tokenHash)).resolves.toStrictEqual(l);
  });
});

describe('WindowCounters', () => {
  it('counts up per name, subject and window', async () => {
    const subject = randomUUID();

    const counts = [
      await store.incrementCounter('RESEND', subject, 100, 9e9),
      await store.incrementCounter('RESEND', subject, 100, 9e9),
      await store.incrementCounter('RESEND', subject, 100, 9e9),
      await store.incrementCounter('RESEND', subject, 101, 9e9),
    ];

    expect(counts).toEqual([1, 2, 3, 1]);
  });
});

describe('RegistrationStore', () => {
  it('stores one registration per person: a newer identification replaces it', async () => {
    const msisdn = `4179${Math.floor(Math.random() * 1e7)}`;
    const first = registration({ msisdn });
    const newer = registration({ msisdn, refId: randomUUID(), loa: 3, jurisdictions: ['EIDAS'] });

    await store.putRegistration(first);
    await store.putRegistration(newer);

    await expect(store.getRegistration(msisdn)).resolves.toStrictEqual(newer);
    await expect(store.getRegistration('41790000001')).resolves.toBeUndefined();
    // Expires when its validity ends.
    expect((await rawItem(keys.registration(msisdn)))?.ttl).toBe(epoch(newer.validUntil));
  });
});

describe('ConfigReader and ConfigWriter', () => {
  it('reads back SP setups, claimed identities and partners as written', async () => {
    const clientId = `sp-${randomUUID()}`;
    const sp = spSetup({ clientId });
    const isp = { ...testIsp(), issuer: `ISP-${randomUUID()}` };
    const ci = { claimedIdentity: `ci-${randomUUID()}`, clientId, jurisdictions: ['EIDAS' as const] };

    await store.putSpSetup(sp);
    await store.putIsp(isp);
    await store.putClaimedIdentity(ci);

    await expect(store.getSpSetup(clientId)).resolves.toStrictEqual(sp);
    await expect(store.getIsp(isp.issuer)).resolves.toStrictEqual(isp);
    await expect(store.getClaimedIdentity(ci.claimedIdentity)).resolves.toStrictEqual(ci);
    expect(await store.listIsps()).toContainEqual(isp);
    expect(await store.listSpSetups()).toContainEqual(sp);
  });

  it('lists the claimed identities written and forgets a deleted one, the others kept', async () => {
    const kept = {
      claimedIdentity: `ci-${randomUUID()}`,
      clientId: 'sp-a',
      jurisdictions: ['ZERTES' as const],
    };
    const dropped = {
      claimedIdentity: `ci-${randomUUID()}`,
      clientId: 'sp-a',
      jurisdictions: ['EIDAS' as const],
    };
    await store.putClaimedIdentity(kept);
    await store.putClaimedIdentity(dropped);
    expect(await store.listClaimedIdentities()).toEqual(expect.arrayContaining([kept, dropped]));

    await store.deleteClaimedIdentity(dropped.claimedIdentity);
    await store.deleteClaimedIdentity(dropped.claimedIdentity);

    await expect(store.getClaimedIdentity(dropped.claimedIdentity)).resolves.toBeUndefined();
    await expect(store.getClaimedIdentity(kept.claimedIdentity)).resolves.toStrictEqual(kept);
    const listed = await store.listClaimedIdentities();
    expect(listed).toContainEqual(kept);
    expect(listed).not.toContainEqual(dropped);
  });

  it('publishes a terms-of-use version once: the same text again is fine, another text is refused', async () => {
    const version = `v-${randomUUID()}`;
    const terms = { ...DEFAULT_TERMS_OF_USE, version };
    const changed = {
      ...terms,
      documents: { ...terms.documents, en: { ...terms.documents.en, title: 'Changed' } },
    };

    await store.publishTermsOfUse(terms);
    await store.publishTermsOfUse(terms);

    await expect(store.publishTermsOfUse(changed)).rejects.toBeInstanceOf(ConditionFailed);
    await expect(store.getTermsOfUse(version)).resolves.toStrictEqual(terms);
    await expect(store.getCurrentTermsOfUse()).resolves.toStrictEqual(terms);
  });
});

describe('IdempotencyStore', () => {
  const LOCK = 60;
  const RETAIN = 86_400;
  const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
  /** The order a lock reserves. */
  const REF = '5c327977-a154-4747-b99d-c0733f7007c5';
  /** One request taking `key` at `now` with the lock and retention above. */
  const lock = (
    key: string,
    fingerprint: string,
    now: Date,
    { clientId = 'sp', reservation = { refId: REF } as IdempotencyReservation } = {},
  ) =>
    store.lockIdempotency(clientId, key, {
      fingerprint,
      reservation,
      now,
      lockSeconds: LOCK,
      retainSeconds: RETAIN,
    });
  /** The request holding `key` completing it at `now` with a 201 and `body`, kept for the retention above. */
  const complete = (key: string, fingerprint: string, now: Date, body = '{}') =>
    store.completeIdempotency('sp', key, { fingerprint, statusCode: 201, body, now, retainSeconds: RETAIN });

  it('lets one request hold a key: another request is refused while the lock holds', async () => {
    const key = randomUUID();

    await lock(key, 'fp-1', T0);

    await expect(lock(key, 'fp-2', later(10))).rejects.toBeInstanceOf(ConditionFailed);
    await expect(store.getIdempotency('sp', key, later(10))).resolves.toStrictEqual({
      state: 'in-progress',
      fingerprint: 'fp-1',
      lockedUntil: epoch(T0) + LOCK,
      refId: REF,
    });
  });

  it('hands a lapsed lock (a crashed request) to the next request', async () => {
    const key = randomUUID();
    await lock(key, 'fp-1', T0);

    await lock(key, 'fp-2', later(LOCK + 1));

    expect((await store.getIdempotency('sp', key, later(LOCK + 1)))?.fingerprint).toBe('fp-2');
  });

  it('refuses a completed key to any request, with the same body or another, and answers the stored response', async () => {
    const key = randomUUID();
    await lock(key, 'fp-1', T0);
    await complete(key, 'fp-1', T0, '{"refId":"r"}');

    for (const fingerprint of ['fp-1', 'fp-other-body']) {
      await expect(lock(key, fingerprint, later(LOCK + 1))).rejects.toBeInstanceOf(ConditionFailed);
    }
    await expect(store.getIdempotency('sp', key, later(LOCK + 1))).resolves.toStrictEqual({
      state: 'completed',
      fingerprint: 'fp-1',
      statusCode: 201,
      body: '{"refId":"r"}',
    });
  });

  it('keys are per SP: another SP’s request with the same key is its own', async () => {
    const key = randomUUID();
    await lock(key, 'fp-1', T0, { clientId: 'sp-a' });

    await lock(key, 'fp-1', T0, { clientId: 'sp-b' });

    expect(await store.getIdempotency('sp-b', key, T0)).toMatchObject({ state: 'in-progress' });
  });

  it('forgets a record past its retention (TTL deletes late): the key is free again', async () => {
    const key = randomUUID();
    await lock(key, 'fp-1', T0);
    await complete(key, 'fp-1', T0);

    await expect(store.getIdempotency('sp', key, later(RETAIN + 1))).resolves.toBeUndefined();
    await lock(key, 'fp-2', later(RETAIN + 1));
    expect((await store.getIdempotency('sp', key, later(RETAIN + 1)))?.fingerprint).toBe('fp-2');
  });

  it('releases a key only for the request that holds it', async () => {
    const key = randomUUID();
    await lock(key, 'fp-1', T0);

    await store.releaseIdempotency('sp', key, 'fp-other');
    const stillHeld = await store.getIdempotency('sp', key, T0);
    await store.releaseIdempotency('sp', key, 'fp-1');

    expect(stillHeld?.fingerprint).toBe('fp-1');
    await expect(store.getIdempotency('sp', key, T0)).resolves.toBeUndefined();
  });

  it('releases a key whose request may have written its order by letting the lock lapse: the reservation stays for the retry', async () => {
    const key = randomUUID();
    await lock(key, 'fp-1', T0, { reservation: { refId: REF, methodChoiceToken: 'secret' } });

    await store.releaseIdempotency('sp', key, 'fp-1', true);

    // The retry, a second later (long before the lock would have lapsed), takes the key and finds the order.
    const kept = await store.getIdempotency('sp', key, later(1));
    expect(kept).toMatchObject({ state: 'in-progress', refId: REF, methodChoiceToken: 'secret' });
    await lock(key, 'fp-1', later(1));
    expect(await store.getIdempotency('sp', key, later(1))).toMatchObject({
      lockedUntil: epoch(later(1)) + LOCK,
    });
  });

  it('never releases a completed key', async () => {
    const key = randomUUID();
    await lock(key, 'fp-1', T0);
    await complete(key, 'fp-1', T0);

    await store.releaseIdempotency('sp', key, 'fp-1');

    expect(await store.getIdempotency('sp', key, T0)).toMatchObject({ state: 'completed' });
  });
});

describe('ReplayGuard', () => {
  const until = new Date(T0.getTime() + 300_000);

  it('refuses a replayed jti of the same partner until it expires', async () => {
    const jti = randomUUID();

    await store.rememberJti('Test-ISP', jti, until, T0);

    await expect(store.rememberJti('Test-ISP', jti, until, T0)).rejects.toBeInstanceOf(ConditionFailed);
    await expect(
      store.rememberJti('Test-ISP', jti, until, new Date(until.getTime() - 1000)),
    ).rejects.toBeInstanceOf(ConditionFailed);
    // Past its expiry the id may come again (the message's iat window has closed by then anyway).
    await store.rememberJti(
      'Test-ISP',
      jti,
      new Date(until.getTime() + 300_000),
      new Date(until.getTime() + 1000),
    );
  });

  it('keeps each partner’s ids apart', async () => {
    const jti = randomUUID();
    await store.rememberJti('Test-ISP', jti, until, T0);

    await expect(store.rememberJti('BankIdent-Demo', jti, until, T0)).resolves.toBeUndefined();
  });
});

describe('AmlAccessLog', () => {
  const record = (
    refId: string,
    at: string,
    outcome: 'granted' | 'refused' = 'granted',
  ): AmlAccessRecord => ({
    id: randomUUID(),
    at,
    refId,
    clientId: 'bank-client',
    issuer: 'BankIdent-Demo',
    outcome,
  });
  async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const item of items) out.push(item);
    return out;
  }

  it('lists one order’s records oldest first, from a point in time on if asked', async () => {
    const refId = randomUUID();
    const late = record(refId, '2026-03-02T10:00:00.000Z', 'refused');
    const early = record(refId, '2026-03-01T10:00:00.000Z');
    const other = record(randomUUID(), '2026-03-01T11:00:00.000Z');

    for (const r of [late, early, other]) await store.recordAmlAccess(r);

    await expect(all(store.amlAccessRecords({ refId }))).resolves.toStrictEqual([early, late]);
    await expect(
      all(store.amlAccessRecords({ refId, since: '2026-03-02T00:00:00.000Z' })),
    ).resolves.toStrictEqual([late]);
  });

  it('lists every order’s records by time', async () => {
    const since = '2031-01-01T00:00:00.000Z';
    const a = record(randomUUID(), '2031-01-01T00:00:01.000Z');
    const b = record(randomUUID(), '2031-01-01T00:00:02.000Z');

    await store.recordAmlAccess(b);
    await store.recordAmlAccess(a);

    await expect(all(store.amlAccessRecords({ since }))).resolves.toStrictEqual([a, b]);
  });

  it('writes a record once, and finds none for an order id that cannot be a key', async () => {
    const r = record(randomUUID(), '2026-03-01T10:00:00.000Z');
    await store.recordAmlAccess(r);

    await expect(store.recordAmlAccess({ ...r, outcome: 'refused' })).rejects.toBeInstanceOf(ConditionFailed);
    await expect(all(store.amlAccessRecords({ refId: r.refId }))).resolves.toStrictEqual([r]);
    await expect(all(store.amlAccessRecords({ refId: 'a#b' }))).resolves.toStrictEqual([]);
  });
});

describe('UsageLog', () => {
  it('stores each billable event once, however often it is written', async () => {
    const o = freshOrder({
      statuses: [statusEntry('created', 0), statusEntry('initialized', 1), statusEntry('done', 10)],
    });
    const records = usageRecordsOf(o);

    await store.putUsageRecords(records);
    await store.putUsageRecords(records);

    const { events } = await store.usageOf(o.clientId, '2025-03');
    expect(events).toHaveLength(records.length);
    expect(events).toEqual(expect.arrayContaining(records));
  });

  it('adds verify counts up across calls and shards', async () => {
    const clientId = `sp-${randomUUID()}`;
    const key = { clientId, month: '2025-03', claimedIdentity: 'ci' };

    await store.addVerifyCounts({ ...key, shard: 0 }, { calls: 2, positive: 1, negative: 1 });
    await store.addVerifyCounts({ ...key, shard: 0 }, { calls: 1, positive: 1, negative: 0 });
    await store.addVerifyCounts({ ...key, shard: 3 }, { calls: 5, positive: 0, negative: 5 });

    const { verify, events } = await store.usageOf(clientId, '2025-03');
    expect(events).toEqual([]);
    expect(verify.map(({ calls, positive, negative }) => ({ calls, positive, negative }))).toEqual([
      { calls: 3, positive: 2, negative: 1 },
      { calls: 5, positive: 0, negative: 5 },
    ]);
    await expect(store.usageOf(clientId, '2025-04')).resolves.toEqual({ events: [], verify: [] });
  });
});

describe('ErasureStore', () => {
  it('finds every order of a mobile number, by any SP, and deletes what exists', async () => {
    const a = freshOrder();
    const b = freshOrder({ person: a.person });
    const someoneElse = freshOrder();
    for (const o of [a, b, someoneElse]) await store.createOrder(o);

    const found = await store.ordersOfMobile(a.person.mobile);

    expect(found.map((o) => o.refId).sort()).toEqual([a.refId, b.refId].sort());
    await expect(store.deleteOrder(a.refId)).resolves.toBe(true);
    await expect(store.deleteOrder(a.refId)).resolves.toBe(false);
    await expect(store.getOrder(a.refId)).resolves.toBeUndefined();
    await expect(store.getOrder(someoneElse.refId)).resolves.toStrictEqual(someoneElse);
  });
});

describe('WebhookStore', () => {
  const endpoint = (clientId = `sp-${randomUUID()}`): WebhookEndpoint => ({
    id: randomUUID(),
    clientId,
    url: 'https://sp.example/hooks',
    events: [...WEBHOOK_EVENT_TYPES],
    createdAt: T0.toISOString(),
    secrets: [{ secret: 'whsec_first', createdAt: T0.toISOString() }],
  });
  const delivery = (endpointId: string): StoredDelivery =>
    pendingDelivery({ messageId: randomUUID(), endpointId });

  it('keeps each SP’s endpoints apart, creates one once and deletes only what exists', async () => {
    const mine = endpoint();
    const theirs = endpoint();
    await store.createWebhook(mine);
    await store.createWebhook(theirs);

    await expect(store.createWebhook({ ...mine, url: 'https://other.example/' })).rejects.toBeInstanceOf(
      ConditionFailed,
    );
    await expect(store.listWebhooks(mine.clientId)).resolves.toStrictEqual([mine]);
    await expect(store.getWebhook(theirs.clientId, mine.id)).resolves.toBeUndefined();
    await store.deleteWebhook(mine.clientId, mine.id);
    await expect(store.deleteWebhook(mine.clientId, mine.id)).rejects.toBeInstanceOf(ConditionFailed);
    await expect(store.listWebhooks(mine.clientId)).resolves.toStrictEqual([]);
  });

  it('lets one of two rotations of an endpoint’s secret win', async () => {
    const e = endpoint();
    await store.createWebhook(e);
    const rotated = (secret: string) => ({
      ...e,
      secrets: [
        { secret, createdAt: T0.toISOString() },
        { secret: 'whsec_first', createdAt: T0.toISOString(), expiresAt: T0.toISOString() },
      ],
    });

    await store.replaceWebhookSecrets(rotated('whsec_a'), 'whsec_first');

    await expect(store.replaceWebhookSecrets(rotated('whsec_b'), 'whsec_first')).rejects.toBeInstanceOf(
      ConditionFailed,
    );
    expect((await store.getWebhook(e.clientId, e.id))?.secrets[0]?.secret).toBe('whsec_a');
  });

  it('creates a delivery once and refuses a stale version: one attempt at a time writes it', async () => {
    const d = delivery(randomUUID());

    await expect(store.createDelivery(d)).resolves.toBe(true);
    await expect(store.createDelivery({ ...d, payload: '{"again":true}' })).resolves.toBe(false);
    await store.saveDelivery({ ...d, attempts: 1, version: 2 });

    await expect(
      store.saveDelivery({ ...d, attempts: 1, state: 'failed', version: 2 }),
    ).rejects.toBeInstanceOf(ConditionFailed);
    await expect(store.getDelivery(d.endpointId, d.messageId)).resolves.toStrictEqual({
      ...d,
      attempts: 1,
      version: 2,
    });
  });

  it('lists an endpoint’s deliveries newest first, up to the limit', async () => {
    const endpointId = randomUUID();
    const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000).toISOString();
    const [first, second, third] = [1, 2, 3].map((m) => ({ ...delivery(endpointId), createdAt: at(m) }));
    for (const d of [second, third, first]) await store.createDelivery(d as StoredDelivery);

    const listed = await store.listDeliveries(endpointId, 2);

    expect(listed.map((d) => d.createdAt)).toEqual([at(3), at(2)]);
    expect(listed[0]).not.toHaveProperty('version');
  });
});
