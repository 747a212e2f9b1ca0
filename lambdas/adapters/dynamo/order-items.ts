/**
 * An identification order and the items that hang on it: the order (a `version` condition for each
 * transition), the partner's evidence (written once), the terms links (used once) and the order's
 * rate-limit windows.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Order } from '../../core/order.js';
import { normaliseMsisdn } from '../../core/registration.js';
import {
  orderExpiry,
  pendingEvidenceExpiry,
  type RetentionPolicy,
  registeredEvidenceExpiry,
} from '../../core/retention.js';
import type {
  EvidenceStore,
  OrderStore,
  StoredEvidence,
  TermsLink,
  TermsLinkStore,
  WindowCounters,
} from '../../usecases/ports/orders.js';
import { epochSeconds, type Table } from './table.js';
import { keys, TTL_ATTRIBUTE } from './table-schema.js';
import { conditionalUpdate, createItem, putNextVersion } from './table-writes.js';

/**
 * An order as stored: listed per SP, oldest first, on GSI1, and under the person's mobile number on
 * GSI2 (for erasure); expires as the retention policy says.
 */
function orderItem(order: Order, retention: RetentionPolicy): Record<string, unknown> {
  const key = keys.order(order.refId);
  return {
    ...key,
    ...keys.ordersOfSp(order.clientId, order.createdAt, order.refId),
    ...keys.heldForMobile(normaliseMsisdn(order.person.mobile), key.PK),
    ...order,
    [TTL_ATTRIBUTE]: orderExpiry(order, retention),
  };
}

export function orderItems(table: Table): OrderStore & EvidenceStore & TermsLinkStore & WindowCounters {
  return {
    async getOrder(refId: string): Promise<Order | undefined> {
      return table.getItem<Order>(() => keys.order(refId), true);
    },

    async createOrder(order: Order): Promise<void> {
      await createItem(table, orderItem(order, table.retention), `Order ${order.refId} already exists`);
    },

    /** Writes the order if nobody else wrote it since `order.version - 1` was read. */
    async saveOrder(order: Order): Promise<void> {
      await putNextVersion(
        table,
        { ...orderItem(order, table.retention), version: order.version },
        `Order ${order.refId} was changed concurrently`,
      );
    },

    /**
     * Evidence is immutable: one per order, written once. Until a registration rests on it, it
     * expires with an order that ends without one.
     */
    async createEvidence(evidence: StoredEvidence, order: Order): Promise<void> {
      await createItem(
        table,
        {
          ...keys.evidence(evidence.refId),
          ...evidence,
          [TTL_ATTRIBUTE]: pendingEvidenceExpiry(order, table.retention),
        },
        `Evidence for ${evidence.refId} exists`,
      );
    },

    /** A registration rests on this evidence: keep it for the registration's validity and the legal period. */
    async retainEvidence(refId: string, registrationValidUntil: string): Promise<void> {
      await conditionalUpdate(
        table,
        keys.evidence(refId),
        'SET #ttl = :ttl',
        {
          condition: 'attribute_exists(PK)',
          names: { '#ttl': TTL_ATTRIBUTE },
          values: { ':ttl': registeredEvidenceExpiry(registrationValidUntil, table.retention) },
        },
        `No evidence for ${refId}`,
      );
    },

    async getEvidence(refId: string): Promise<StoredEvidence | undefined> {
      return table.getItem<StoredEvidence>(() => keys.evidence(refId), true);
    },

    async createTermsLink(link: TermsLink): Promise<void> {
      await createItem(
        table,
        {
          ...keys.termsToken(link.tokenHash),
          ...link,
          [TTL_ATTRIBUTE]: epochSeconds(new Date(link.expiresAt)) + 86400,
        },
        'Terms link exists',
      );
    },

    async getTermsLink(tokenHash: string): Promise<TermsLink | undefined> {
      return table.getItem<TermsLink>(() => keys.termsToken(tokenHash), true);
    },

    /** Single use: only the first caller gets to use the link. */
    async useTermsLink(tokenHash: string, now: Date): Promise<void> {
      await conditionalUpdate(
        table,
        keys.termsToken(tokenHash),
        'SET usedAt = :now',
        {
          condition: 'attribute_exists(PK) AND attribute_not_exists(usedAt) AND expiresAt > :nowIso',
          values: { ':now': now.toISOString(), ':nowIso': now.toISOString() },
        },
        'Terms link is used, expired or unknown',
      );
    },

    /** Counter used by rate limits that live in the data (e.g. SMS resend). */
    async incrementCounter(
      name: string,
      subject: string,
      windowStart: number,
      ttlEpoch: number,
    ): Promise<number> {
      const out = await table.db.send(
        new UpdateCommand({
          TableName: table.name,
          Key: keys.counterWindow(name, subject, windowStart),
          UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
          ExpressionAttributeNames: { '#count': 'count', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':one': 1, ':ttl': ttlEpoch },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.count ?? 0);
    },
  };
}
