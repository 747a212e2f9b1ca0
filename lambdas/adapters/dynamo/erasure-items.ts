/** Erasure of a person's data on request: finding their orders, deleting items, recording that it happened. */
import type { Order } from '../../core/order.js';
import { erasureRecordExpiry } from '../../core/retention.js';
import type { ErasureRecord, ErasureStore } from '../../usecases/ports/erasure.js';
import { entity, type Table } from './table.js';
import { keys, TTL_ATTRIBUTE } from './table-schema.js';

export function erasureItems(table: Table): Omit<ErasureStore, 'deleteRegistration'> {
  return {
    /**
     * Every order placed for this mobile number (E.164), by any SP. A Scan with a filter: erasure
     * requests are rare and come from the operator, never from a request path.
     */
    async ordersOfMobile(mobile: string): Promise<Order[]> {
      const orders: Order[] = [];
      for await (const item of table.scanAll({
        FilterExpression: 'begins_with(PK, :order) AND #person.#mobile = :mobile',
        ExpressionAttributeNames: { '#person': 'person', '#mobile': 'mobile' },
        ExpressionAttributeValues: { ':order': 'ORDER#', ':mobile': mobile },
      }))
        orders.push(entity<Order>(item) as Order);
      return orders;
    },

    /** Deletes an order, its evidence (the partner's JWS with it) or a registration; false if there was none. */
    async deleteOrder(refId: string): Promise<boolean> {
      return table.deleteItem(keys.order(refId));
    },

    async deleteEvidence(refId: string): Promise<boolean> {
      return table.deleteItem(keys.evidence(refId));
    },

    async deleteTermsLink(tokenHash: string): Promise<boolean> {
      return table.deleteItem(keys.termsToken(tokenHash));
    },

    async recordErasure(record: ErasureRecord): Promise<void> {
      await table.createItem(
        {
          ...keys.erasure(record.at, record.id),
          ...record,
          [TTL_ATTRIBUTE]: erasureRecordExpiry(record.at, table.retention),
        },
        `Erasure record ${record.id} exists`,
      );
    },
  };
}
