/**
 * Opening an order with its partner: sign the order token the partner gets, ask the partner's
 * adapter to open the order, and answer the order's partner fields. Used by the start call and by
 * the person's method choice.
 */
import type { MethodDecision } from '../core/catalogue.js';
import { IspUnavailable, PartnerMisconfigured } from '../core/errors.js';
import type { Order, PersonData } from '../core/order.js';
import { problems } from '../core/problems.js';
import type { IspAdapterFor, OpenedOrder, OrderTokenSigner } from './ports/partner.js';

export interface OpenWithPartnerDeps {
  adapterFor: IspAdapterFor;
  signOrderToken: OrderTokenSigner;
  now?: () => Date;
}

/**
 * Opens the order with the chosen partner (at the start call, or when the person chose the method)
 * and answers the order's partner fields. Writes nothing: a failing partner leaves nothing behind.
 */
export async function openWithPartner(
  deps: OpenWithPartnerDeps,
  input: {
    refId: string;
    decision: Extract<MethodDecision, { ok: true }>;
    method: string;
    person: PersonData;
    serviceBaseUrl: string;
  },
) {
  const now = deps.now ?? (() => new Date());
  const { decision } = input;
  const adapter = deps.adapterFor(decision.isp.adapter);
  if (!adapter) throw new Error(`No ISP adapter named ${decision.isp.adapter}`);
  const createdAt = now();
  const expiresAt = new Date(createdAt.getTime() + decision.isp.orderValiditySeconds * 1000);
  const orderToken = await deps.signOrderToken({
    issuer: input.serviceBaseUrl,
    audience: decision.isp.issuer,
    refId: input.refId,
    method: input.method,
    loa: decision.loa,
    expiresAt,
    now: createdAt,
  });
  let opened: OpenedOrder;
  try {
    opened = await adapter.openOrder({
      refId: input.refId,
      isp: decision.isp,
      method: input.method,
      loa: decision.loa,
      jurisdictions: decision.jurisdictions,
      person: input.person,
      expiresAt,
      serviceBaseUrl: input.serviceBaseUrl,
      orderToken,
    });
  } catch (err) {
    if (err instanceof IspUnavailable) {
      throw err.retryable
        ? problems.serviceUnavailable(`${decision.isp.issuer} is not available; try again later.`, 30)
        : problems.badGateway(`${decision.isp.issuer} could not open the identification order.`);
    }
    // Our configuration, which no retry by the caller mends: 503 without Retry-After, and the
    // setting named in the log only (the adapter's line), not to the caller.
    if (err instanceof PartnerMisconfigured)
      throw problems.serviceUnavailable(
        `${decision.isp.issuer} cannot be used on this service at the moment: its configuration here is wrong.`,
      );
    throw err;
  }
  const fields = {
    issuer: decision.isp.issuer,
    adapter: adapter.name,
    method: input.method,
    loa: decision.loa,
    jurisdictions: decision.jurisdictions,
    offline: decision.offline,
    ispOrderId: opened.ispOrderId,
    targetURL: opened.targetURL,
    expiresAt: expiresAt.toISOString(),
    timeoutSeconds: decision.isp.timeoutSeconds,
  } satisfies Partial<Order>;
  return { fields, openedAt: now() };
}
