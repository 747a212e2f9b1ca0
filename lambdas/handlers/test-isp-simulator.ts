/**
 * The Test-ISP simulator (test stages only): the white paper's "Define Identity" form.
 *
 *   GET  /test-isp/orders/{refId}      the form, prefilled from the order
 *   POST /test-isp/orders/{refId}      the form submitted (application/x-www-form-urlencoded)
 *   POST /test-isp/api/orders/{refId}  the same as JSON, for automated SP tests
 *
 * It reads the order to prefill the form, and changes it only the way a real partner can: it signs
 * status events and evidence with the Test-ISP's private key and posts them over HTTP to the ISP
 * callback routes, so every check of those routes applies. It never writes the table.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { JWK } from 'jose';
import { orderTableStores } from '../adapters/aws-clients.js';
import { requiredEnv, requiredPublicBaseUrl } from '../adapters/env.js';
import { testIspAdapter } from '../adapters/isp/test-isp-adapter.js';
import { type IspMessageKind, signIspMessage } from '../adapters/isp-message.js';
import { currentStatus, isOpened, type OpenedOrder } from '../core/order.js';
import { toFieldErrors } from '../core/parse.js';
import { type FieldError, problems } from '../core/problems.js';
import { isRefId } from '../core/ref-id-format.js';
import {
  defaultPerson,
  describeMessage,
  type PlannedMessage,
  planMessages,
  resolvePerson,
} from '../core/test-isp.js';
import { html, httpHandler, json } from '../http/handler.js';
import { pageErrorAnswer, refuseUnroutedRequest } from '../http/page-error-answer.js';
import { formBody, jsonBody, singleFormFields } from '../http/request.js';
import {
  type DeliveryRow,
  defineIdentityPage,
  FORM_FIELDS,
  type FormValues,
  notFoundPage,
  resultPage,
} from '../http/test-isp-pages.js';

requiredPublicBaseUrl(); // at cold start: a deployment without it fails here

const repository = orderTableStores();
/**
 * The Test-ISP's private key. Read per submission rather than at cold start: a local stack started
 * later in the same process (tests) generates a new key pair while this module stays loaded.
 */
const signingKey = () => JSON.parse(requiredEnv('TEST_ISP_PRIVATE_JWK')) as JWK;

/**
 * What the form and the JSON API accept, and zod with it: loaded by the requests that carry a body.
 * A GET of the form validates only the refId, so a cold start by it evaluates no zod.
 */
const requestSchemas = () => import('../core/test-isp-schemas.js');

const MAX_FORM_BYTES = 16 * 1024;
const CALLBACK_TIMEOUT_MS = 10_000;

/** The order, if it is one the Test-ISP handles; anything else is indistinguishable from none. */
async function simulatedOrder(event: APIGatewayProxyEvent): Promise<OpenedOrder | undefined> {
  const refId = event.pathParameters?.refId;
  if (!isRefId(refId)) return undefined;
  const order = await repository.getOrder(refId);
  return order && isOpened(order) && order.adapter === testIspAdapter.name ? order : undefined;
}

// ---------------------------------------------------------------- sending, as a partner does

interface Delivered {
  message: PlannedMessage;
  url: string;
  status: number;
  outcome?: string;
  detail?: string;
}

interface Delivery {
  delivered: Delivered[];
  /** Messages not sent because an earlier one was refused or could not be delivered. */
  notSent: PlannedMessage[];
  /** Why the callback could not be reached at all, if it could not. */
  unreachable?: string;
}

const CALLBACK_PATHS: Record<IspMessageKind, string> = {
  event: '/isp/v1/events',
  evidence: '/isp/v1/evidence',
};

async function deliver(order: OpenedOrder, messages: PlannedMessage[], baseUrl: string): Promise<Delivery> {
  const delivered: Delivered[] = [];
  const key = signingKey();
  for (const [i, message] of messages.entries()) {
    const url = `${baseUrl}${CALLBACK_PATHS[message.kind]}`;
    const jws = await signIspMessage(message.kind, { iss: order.issuer, ...message.claims }, key);
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/jose', accept: 'application/json' },
        body: jws,
        signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
      });
    } catch (err) {
      const cause = (err as Error).name === 'TimeoutError' ? 'timed out' : 'connection failed';
      return { delivered, notSent: messages.slice(i), unreachable: `${url}: ${cause}` };
    }
    const body = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    delivered.push({
      message,
      url,
      status: res.status,
      ...(res.ok
        ? { outcome: text(body?.outcome) }
        : { outcome: text(body?.title), detail: text(body?.detail) }),
    });
    // A partner whose message was refused does not go on as if it had been accepted.
    if (!res.ok) return { delivered, notSent: messages.slice(i + 1) };
  }
  return { delivered, notSent: [] };
}

function sentView(d: Delivered) {
  return {
    kind: d.message.kind,
    ...(d.message.kind === 'event' ? { event: d.message.claims.event } : {}),
    ...(d.message.kind === 'event' && d.message.claims.kind ? { cancelKind: d.message.claims.kind } : {}),
    status: d.status,
    ...(d.outcome ? { outcome: d.outcome } : {}),
    ...(d.detail ? { detail: d.detail } : {}),
  };
}

// ---------------------------------------------------------------- the form

function formValuesOf(event: APIGatewayProxyEvent): { values: FormValues; repeated: FieldError[] } {
  const form = formBody(event, MAX_FORM_BYTES);
  const { values, repeated } = singleFormFields(
    form,
    FORM_FIELDS.map(({ name }) => name),
  );
  return {
    values: values as FormValues,
    repeated: repeated.map((field) => ({ field, message: 'Given more than once.' })),
  };
}

function initialValues(order: OpenedOrder): FormValues {
  return { ...defaultPerson(order, new Date()), status: 'data-ready', reason: '' };
}

function groupErrors(errors: FieldError[]): Record<string, string[]> {
  const byField: Record<string, string[]> = {};
  for (const e of errors) {
    const field = e.field.split('.')[0] ?? e.field;
    byField[field] = [...(byField[field] ?? []), e.message];
  }
  return byField;
}

async function submitForm(event: APIGatewayProxyEvent, order: OpenedOrder) {
  const { values, repeated } = formValuesOf(event);
  const { SimulatorForm } = await requestSchemas();
  const parsed = SimulatorForm.safeParse(
    Object.fromEntries(FORM_FIELDS.map(({ name }) => [name, values[name] ?? ''])),
  );
  if (!parsed.success || repeated.length) {
    const errors = [...repeated, ...(parsed.success ? [] : toFieldErrors(parsed.error))];
    return html(400, defineIdentityPage(order, values, groupErrors(errors)));
  }
  const { status, reason, ...person } = parsed.data;
  const now = new Date();
  const baseUrl = requiredPublicBaseUrl();
  const delivery = await deliver(order, planMessages(order, status, person, now, reason), baseUrl);
  const reread = await repository.getOrder(order.refId);
  const after = reread && isOpened(reread) ? reread : order;
  const rows: DeliveryRow[] = delivery.delivered.map((d) => ({
    message: describeMessage(d.message),
    url: d.url,
    status: d.status,
    ...(d.outcome ? { outcome: d.outcome } : {}),
    ...(d.detail ? { detail: d.detail } : {}),
  }));
  return html(
    delivery.unreachable ? 502 : 200,
    resultPage({
      order: after,
      chosen: status,
      rows,
      notSent: delivery.notSent.map(describeMessage),
      ...(delivery.unreachable ? { unreachable: delivery.unreachable } : {}),
      formUrl: `${baseUrl}/test-isp/orders/${order.refId}`,
    }),
  );
}

// ---------------------------------------------------------------- the JSON API

async function submitApi(event: APIGatewayProxyEvent) {
  // Validate the body before looking anything up, as every API route does.
  const { SimulatorApiRequest } = await requestSchemas();
  const request = jsonBody(event, SimulatorApiRequest);
  const order = await simulatedOrder(event);
  if (!order) throw problems.notFound('The Test-ISP has no identification order with this refId.');
  const now = new Date();
  const person = resolvePerson(order, request.person, now);
  const messages = planMessages(order, request.status, person, now, request.reason);
  const delivery = await deliver(order, messages, requiredPublicBaseUrl());
  if (delivery.unreachable) {
    throw problems.badGateway(
      `The service's ISP callback could not be reached (${delivery.unreachable}); ${delivery.delivered.length} of ${messages.length} messages were delivered.`,
    );
  }
  const reread = await repository.getOrder(order.refId);
  const after = reread && isOpened(reread) ? reread : order;
  return json(200, {
    refId: order.refId,
    sent: delivery.delivered.map(sentView),
    ...(delivery.notSent.length
      ? { notSent: delivery.notSent.map((m) => ({ kind: m.kind, message: describeMessage(m) })) }
      : {}),
    orderStatus: currentStatus(after),
  });
}

export const handler = httpHandler(
  'test-isp-simulator',
  async (event) => {
    if (event.resource.startsWith('/test-isp/api/')) return submitApi(event);
    const order = await simulatedOrder(event);
    if (!order) return html(404, notFoundPage());
    if (event.httpMethod === 'POST') return submitForm(event, order);
    return html(200, defineIdentityPage(order, initialValues(order)));
  },
  { pageErrors: pageErrorAnswer, unroutedPageRequests: refuseUnroutedRequest },
);
