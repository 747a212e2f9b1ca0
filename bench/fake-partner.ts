/**
 * An identification partner for the fault run, on 127.0.0.1: its order API (what the generic HTTP
 * adapter calls) and its side of the callbacks (signed status events and evidence, as
 * docs/isp-integration.md asks partners to send them). Its faults are the partner's own: the order
 * API answers 5xx or too late, and messages arrive twice or out of order. It retries a delivery
 * as the integration guide says (5xx, 429, network errors; each retry re-signed with a new jti).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { signIspMessage } from '../lambdas/adapters/isp-message.js';
import type { IspEvidenceClaims } from '../lambdas/core/evidence.js';

export const FAULT_PARTNER = 'Fault-Partner';
export const FAULT_PARTNER_METHOD = 'bank';
export const FAULT_PARTNER_TOKEN_ENV = 'FAULT_PARTNER_TOKEN';
/** Per attempt of the adapter; a "too late" fault answers after it. */
export const FAULT_PARTNER_TIMEOUT_MS = 2000;

interface ReceivedOrder {
  refId: string;
  firstName: string;
  lastName: string;
  dob: string;
  mobile: string;
  callbackUrl: string;
}

export type PartnerPlan = 'accept' | 'cancel';
type Message =
  | { kind: 'event'; claims: Record<string, unknown> }
  | { kind: 'evidence'; claims: Record<string, unknown> };

export interface DeliveryAnswer {
  kind: string;
  status: number;
  outcome?: string;
}

/** A request to a fake partner's order API, its body read whole. */
export interface PartnerRequest {
  path: string;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * A fake partner's order API on 127.0.0.1 (what the generic HTTP adapter calls): each request's
 * body is read whole, then `answer` answers it. The fault run's partner below and the scripted
 * partners of test/integration/http-adapter.test.ts and method-choice.test.ts are built on it.
 */
export class PartnerOrderApi {
  private server: Server | undefined;
  url = '';

  constructor(private readonly answer: (req: PartnerRequest, res: ServerResponse) => void) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () =>
        this.answer(
          { path: req.url ?? '', headers: req.headers, text: Buffer.concat(chunks).toString('utf8') },
          res,
        ),
      );
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** A JSON answer, unless the adapter gave up on the request already (its timeout). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

export class FakePartner {
  readonly token = randomUUID();
  readonly injected = new Map<string, number>();
  /** Same Idempotency-Key seen again: the adapter retried. */
  adapterRetries = 0;
  /** Messages sent again because the service answered 5xx/429 or could not be reached. */
  redeliveries = 0;
  /** How the service answered each delivered message (applied, duplicate, stale, or the HTTP status). */
  readonly answers = new Map<string, number>();
  private readonly orders = new Map<string, ReceivedOrder>();
  private readonly api = new PartnerOrderApi((req, res) => this.openOrder(req.headers, req.text, res));
  private privateJwk: JWK | undefined;
  publicJwk: JWK | undefined;
  url = '';

  constructor(
    private readonly rate: number,
    private readonly random: () => number,
    /** No delivery is retried after this (epoch ms). */
    private readonly deliveryDeadline: () => number,
  ) {}

  private fault(name: string): boolean {
    if (this.random() >= this.rate) return false;
    this.injected.set(name, (this.injected.get(name) ?? 0) + 1);
    return true;
  }

  private count(answer: string): void {
    this.answers.set(answer, (this.answers.get(answer) ?? 0) + 1);
  }

  async start(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    this.privateJwk = { ...(await exportJWK(privateKey)), kid: 'fault-partner-1', alg: 'ES256' };
    this.publicJwk = { ...(await exportJWK(publicKey)), kid: 'fault-partner-1', alg: 'ES256', use: 'sig' };
    this.url = await this.api.start();
  }

  async stop(): Promise<void> {
    await this.api.stop();
  }

  private openOrder(headers: Record<string, unknown>, text: string, res: ServerResponse): void {
    if (headers.authorization !== `Bearer ${this.token}`) return void res.writeHead(401).end();
    const order = JSON.parse(text) as ReceivedOrder;
    const key = String(headers['idempotency-key']);
    if (this.orders.has(key)) this.adapterRetries += 1;
    // The partner keeps the order even when its answer is lost: the retry gets the same one.
    this.orders.set(key, order);
    if (this.fault('partner order API 5xx')) {
      return void sendJson(res, this.random() < 0.5 ? 500 : 503, '{"error":"unavailable"}');
    }
    const answer = () =>
      sendJson(
        res,
        201,
        JSON.stringify({
          orderId: `FP-${order.refId}`,
          redirectUrl: `https://fault-partner.example/ident/${order.refId}`,
        }),
      );
    if (this.fault('partner order API too slow')) setTimeout(answer, FAULT_PARTNER_TIMEOUT_MS + 500);
    else answer();
  }

  /** Identifies the person of an order the partner received (or reports the cancellation). */
  async identify(refId: string, plan: PartnerPlan): Promise<DeliveryAnswer[]> {
    const order = this.orders.get(refId);
    if (!order) throw new Error(`the partner has no order ${refId}`);
    const messages: Message[] =
      plan === 'accept'
        ? [
            { kind: 'event', claims: { event: 'waiting-for-doc' } },
            { kind: 'event', claims: { event: 'done' } },
            { kind: 'evidence', claims: { evidence: evidenceOf(order) } },
          ]
        : [
            { kind: 'event', claims: { event: 'waiting-for-doc' } },
            { kind: 'event', claims: { event: 'cancelled', kind: 'user', reason: 'The person gave up.' } },
          ];
    if (this.fault('messages out of order')) messages.reverse();
    const answers: DeliveryAnswer[] = [];
    for (const message of messages) {
      const copies = this.fault('message delivered twice') ? 2 : 1;
      answers.push(
        ...(await Promise.all(Array.from({ length: copies }, () => this.deliver(order, message)))),
      );
    }
    return answers;
  }

  /** One message, retried on 5xx, 429 and network errors with backoff, each time signed anew. */
  private async deliver(order: ReceivedOrder, message: Message): Promise<DeliveryAnswer> {
    const path = message.kind === 'event' ? 'events' : 'evidence';
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        this.redeliveries += 1;
        await new Promise((r) => setTimeout(r, Math.min(4000, 250 * 2 ** (attempt - 1))));
      }
      const jws = await signIspMessage(
        message.kind,
        { iss: FAULT_PARTNER, refId: order.refId, ...message.claims },
        this.privateJwk as JWK,
      );
      let status: number;
      let outcome: string | undefined;
      try {
        const res = await fetch(`${order.callbackUrl}/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/jose' },
          body: jws,
          signal: AbortSignal.timeout(15_000),
        });
        status = res.status;
        const text = await res.text();
        if (status === 200) outcome = (JSON.parse(text) as { outcome: string }).outcome;
      } catch {
        status = 0;
      }
      const retryable = status === 0 || status === 429 || status >= 500;
      if (!retryable || Date.now() > this.deliveryDeadline()) {
        this.count(outcome ?? String(status));
        const kind = message.kind === 'event' ? String(message.claims.event) : 'evidence';
        return { kind, status, ...(outcome ? { outcome } : {}) };
      }
    }
  }
}

function evidenceOf(order: ReceivedOrder): IspEvidenceClaims['evidence'] {
  const now = new Date().toISOString();
  return {
    method: FAULT_PARTNER_METHOD,
    loa: 4,
    jurisdictions: ['EIDAS'],
    mobile: order.mobile,
    vetter: 'Fault-Partner operator',
    identified_at: now,
    verified_claims: {
      verification: {
        trust_framework: 'eidas',
        time: now,
        evidence: [
          {
            type: 'document',
            document_details: {
              type: 'idcard',
              document_number: 'C1234567',
              issuer: { country: 'CH' },
              date_of_expiry: '2031-12-31',
            },
          },
        ],
      },
      claims: {
        given_name: order.firstName,
        family_name: order.lastName,
        birthdate: order.dob,
        place_of_birth: { locality: 'Bern', country: 'CH' },
        nationalities: ['CH'],
      },
    },
  };
}
