/**
 * The Test-ISP simulator (the white paper's "Define Identity" form and its JSON twin) on the
 * embedded stack: it drives orders only through the signed ISP callbacks, as a real partner would.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, paperStartBody, tokenFor, useStack, waitFor } from '../support/stack.js';
import { DEFINE_IDENTITY_FIELDS } from '../support/white-paper.js';

interface OrderState {
  refId: string;
  evidenceId: string | null;
  statuses: { status: string; date: string; reason: string | null; kind: string | null }[];
}
interface ApiAnswer {
  refId: string;
  sent: { kind: string; event?: string; status: number; outcome?: string; detail?: string }[];
  notSent?: { kind: string }[];
  orderStatus: string;
}

const FORM_CONTENT_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };

const lastStatus = (s: OrderState) => s.statuses[s.statuses.length - 1];
const inFiveYears = () => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear() + 5, d.getUTCMonth(), d.getUTCDate()))
    .toISOString()
    .slice(0, 10);
};

/** label text → the value of the control it labels, read from the server-rendered page. */
function labelledControls(page: string): Map<string, { tag: string; value: string | undefined }> {
  const controls = new Map<string, { tag: string; value: string | undefined }>();
  for (const [, forId, label] of page.matchAll(/<label for="([^"]+)">([^<]*)<\/label>/g)) {
    const input = new RegExp(`<input id="${forId}"[^>]*?value="([^"]*)"`).exec(page);
    const select = new RegExp(`<select id="${forId}"[\\s\\S]*?</select>`).exec(page);
    const selected = select ? /<option value="([^"]+)" selected>/.exec(select[0]) : null;
    controls.set(label as string, {
      tag: input ? 'input' : select ? 'select' : 'none',
      value: input?.[1] ?? selected?.[1],
    });
  }
  return controls;
}

describe('Test-ISP simulator', () => {
  let token: string;

  const stack = useStack({ rateLimits: false });
  beforeAll(async () => {
    token = await tokenFor(stack());
  });

  async function startOrder(mobile: string): Promise<{ refId: string; targetURL: string }> {
    const res = await call<{ refId: string; targetURL: string }>(stack(), 'POST', '/api/identifications', {
      token,
      json: paperStartBody({ mobile }),
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function orderState(refId: string): Promise<OrderState> {
    const res = await call<OrderState>(stack(), 'GET', `/api/identifications/${refId}`, { token });
    expect(res.status).toBe(200);
    return res.body;
  }

  const form = (mobile: string, overrides: Record<string, string> = {}) =>
    new URLSearchParams({
      firstName: 'Richard',
      lastName: 'Smith',
      email: 'richard.smith@example.com',
      mobile,
      dob: '1978-02-28',
      placeOfBirth: 'Bern',
      nationality: 'CH',
      idCardNumber: 'C1234567',
      validUntil: inFiveYears(),
      status: 'data-ready',
      ...overrides,
    }).toString();

  describe('the Define Identity form', () => {
    it('is the order’s target URL and shows every field with a label, prefilled from the order', async () => {
      const { refId, targetURL } = await startOrder('+41773333240');

      const res = await fetch(targetURL);
      const page = await res.text();

      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page).not.toMatch(/<script|<link /i);
      const controls = labelledControls(page);
      for (const label of DEFINE_IDENTITY_FIELDS) {
        expect(controls.get(label)?.tag, `control labelled ${label}`).not.toBe('none');
      }
      expect(Object.fromEntries([...controls].map(([label, c]) => [label, c.value]))).toMatchObject({
        FirstName: 'Hans',
        LastName: 'Muster',
        'Email Address': 'hans.muster@swisscom.com',
        'Mobile phone number': '+41773333240',
        'Date of birth': '1978-02-28',
        'Place of birth': 'Bern',
        Nationality: 'CH',
        'ID card number': 'C1234567',
        'Valid until': inFiveYears(),
        'Status of identity': 'data-ready',
      });
      for (const option of [
        'Waiting for doc',
        'Identification done',
        'Data ready',
        'Cancelled by user',
        'Cancelled by ISP',
        'Unsuccessful',
      ]) {
        expect(page).toContain(`>${option}</option>`);
      }
      expect(page).toContain('Test-ISP');
      expect(page).toContain('<dd>test</dd>');
      expect(page).toContain('<dd>initialized</dd>');
      expect(page).toContain(refId);
    });

    it('submitted with "Data ready" drives the order to data-ready and the terms SMS is sent', async () => {
      const mobile = '+41773333241';
      const { refId } = await startOrder(mobile);

      const res = await call(stack(), 'POST', `/test-isp/orders/${refId}`, {
        body: form(mobile),
        headers: FORM_CONTENT_TYPE,
      });

      expect(res.status).toBe(200);
      expect(res.text).toMatch(
        /event done<\/td><td class="url">[^<]*\/isp\/v1\/events<\/td><td>200<\/td><td>applied/,
      );
      expect(res.text).toMatch(
        /evidence<\/td><td class="url">[^<]*\/isp\/v1\/evidence<\/td><td>200<\/td><td>applied/,
      );
      expect(res.text).toContain(`href="${stack().baseUrl}/test-isp/orders/${refId}"`);
      const state = await waitFor(
        () => orderState(refId),
        (s) => lastStatus(s)?.status === 'data-ready',
      );
      expect(state.statuses.map((s) => s.status)).toEqual(['created', 'initialized', 'done', 'data-ready']);
      expect(state.evidenceId).toMatch(/^[0-9a-f-]{36}$/);
      const stored = await stack().repository.getEvidence(refId);
      expect(stored?.claims).toMatchObject({
        mobile,
        vetter: 'Test-ISP simulator',
        verified_claims: { claims: { given_name: 'Richard', family_name: 'Smith', nationalities: ['CH'] } },
      });
      const sms = await waitFor(
        async () =>
          stack()
            .outbox.list()
            .filter((m) => m.phoneNumber === mobile),
        (list) => list.length > 0,
      );
      expect(sms[0]?.message).toMatch(/\/terms\/[\w-]+/);
    });

    it('re-renders invalid input with status 400, names each field, and sends nothing', async () => {
      const mobile = '+41773333242';
      const { refId } = await startOrder(mobile);
      const before = await orderState(refId);

      const res = await call(stack(), 'POST', `/test-isp/orders/${refId}`, {
        body: form(mobile, { mobile: '0773333242', firstName: '', nationality: 'Switzerland' }),
        headers: FORM_CONTENT_TYPE,
      });

      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.text).toContain('Nothing was sent');
      expect(res.text).toMatch(/<li>Mobile phone number: Must be an E\.164 number/);
      expect(res.text).toMatch(/<li>FirstName: Required\.<\/li>/);
      expect(res.text).toMatch(/<li>Nationality: Must be an ISO 3166-1 alpha-2/);
      expect(res.text).toMatch(/<input id="f-mobile"[^>]*value="0773333242"[^>]*aria-invalid="true"/);
      expect(await orderState(refId)).toEqual(before);
      expect(await stack().repository.getEvidence(refId)).toBeUndefined();
    });

    it('shows a callback’s refusal as a result: "Identification done" after a cancellation is a 409', async () => {
      const mobile = '+41773333243';
      const { refId } = await startOrder(mobile);
      const cancel = await call(stack(), 'POST', `/test-isp/orders/${refId}`, {
        body: form(mobile, { status: 'cancelled-isp', reason: 'Document not readable' }),
        headers: FORM_CONTENT_TYPE,
      });
      expect(cancel.status).toBe(200);
      const before = await orderState(refId);

      const res = await call(stack(), 'POST', `/test-isp/orders/${refId}`, {
        body: form(mobile, { status: 'done' }),
        headers: FORM_CONTENT_TYPE,
      });

      expect(res.status).toBe(200);
      expect(res.text).toMatch(/event done<\/td><td class="url">[^<]*<\/td><td>409<\/td>/);
      expect(lastStatus(before)).toMatchObject({
        status: 'cancelled',
        kind: 'isp',
        reason: 'Document not readable',
      });
      expect(await orderState(refId)).toEqual(before);
    });

    it('answers 404 with a page for an unknown refId, on GET and on POST', async () => {
      const refId = randomUUID();

      const get = await call(stack(), 'GET', `/test-isp/orders/${refId}`);
      const post = await call(stack(), 'POST', `/test-isp/orders/${refId}`, {
        body: form('+41773333249'),
        headers: FORM_CONTENT_TYPE,
      });
      const notUuid = await call(stack(), 'GET', '/test-isp/orders/not-a-ref-id');

      expect(get.status).toBe(404);
      expect(get.headers.get('content-type')).toMatch(/^text\/html/);
      expect(get.text).toContain('Not found');
      expect(post.status).toBe(404);
      expect(notUuid.status).toBe(404);
    });

    it('answers 404 for an order of a partner that is not simulated by the Test-ISP', async () => {
      const { refId } = await startOrder('+41773333244');
      const order = await stack().repository.getOrder(refId);
      const foreignRefId = randomUUID();
      // Prepare: a copy of the order as if another adapter had opened it.
      await stack().repository.createOrder({
        ...(order as NonNullable<typeof order>),
        refId: foreignRefId,
        adapter: 'video-partner',
      });

      const res = await call(stack(), 'GET', `/test-isp/orders/${foreignRefId}`);

      expect(res.status).toBe(404);
    });
  });

  describe('the JSON API', () => {
    it('with "cancelled-user" cancels the order with kind user', async () => {
      const { refId } = await startOrder('+41773333245');

      const res = await call<ApiAnswer>(stack(), 'POST', `/test-isp/api/orders/${refId}`, {
        json: { status: 'cancelled-user', reason: 'Person gave up' },
      });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        refId,
        sent: [{ kind: 'event', event: 'cancelled', cancelKind: 'user', status: 200, outcome: 'applied' }],
        orderStatus: 'cancelled',
      });
      const state = await waitFor(
        () => orderState(refId),
        (s) => lastStatus(s)?.status === 'cancelled',
      );
      expect(lastStatus(state)).toMatchObject({
        status: 'cancelled',
        kind: 'user',
        reason: 'Person gave up',
      });
    });

    it('with "data-ready" and no person uses the order’s person data and imports the evidence', async () => {
      const mobile = '+41773333246';
      const { refId } = await startOrder(mobile);

      const res = await call<ApiAnswer>(stack(), 'POST', `/test-isp/api/orders/${refId}`, {
        json: { status: 'data-ready', person: { placeOfBirth: 'Zürich' } },
      });

      expect(res.status).toBe(200);
      expect(res.body.sent).toEqual([
        { kind: 'event', event: 'done', status: 200, outcome: 'applied' },
        { kind: 'evidence', status: 200, outcome: 'applied' },
      ]);
      expect((await stack().repository.getEvidence(refId))?.claims).toMatchObject({
        mobile,
        verified_claims: {
          claims: { given_name: 'Hans', family_name: 'Muster', place_of_birth: { locality: 'Zürich' } },
        },
      });
    });

    it('reports a refused message as a result, not as an error, and sends nothing after it', async () => {
      const { refId } = await startOrder('+41773333247');
      const cancelled = await call(stack(), 'POST', `/test-isp/api/orders/${refId}`, {
        json: { status: 'unsuccessful' },
      });
      expect(cancelled.status).toBe(200);
      const before = await orderState(refId);

      const res = await call<ApiAnswer>(stack(), 'POST', `/test-isp/api/orders/${refId}`, {
        json: { status: 'data-ready' },
      });

      expect(res.status).toBe(200);
      expect(res.body.sent).toEqual([expect.objectContaining({ kind: 'event', event: 'done', status: 409 })]);
      expect(res.body.notSent).toEqual([expect.objectContaining({ kind: 'evidence' })]);
      expect(await orderState(refId)).toEqual(before);
    });

    it('refuses an invalid body with 400 problem+json naming each field, and sends nothing', async () => {
      const { refId } = await startOrder('+41773333248');
      const before = await orderState(refId);

      const res = await call<{ errors: { field: string }[] }>(
        stack(),
        'POST',
        `/test-isp/api/orders/${refId}`,
        {
          json: { status: 'finished', person: { mobile: '0791234567' }, extra: 1 },
        },
      );

      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e) => e.field)).toEqual(
        expect.arrayContaining(['status', 'person.mobile', 'extra']),
      );
      expect(await orderState(refId)).toEqual(before);
    });

    it('answers 404 problem+json for an unknown refId', async () => {
      const res = await call<{ status: number }>(stack(), 'POST', `/test-isp/api/orders/${randomUUID()}`, {
        json: { status: 'done' },
      });

      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body.status).toBe(404);
    });
  });
});
