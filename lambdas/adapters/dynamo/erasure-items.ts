import { succeeded } from '../../core/errors.js';
import type { Order } from '../../core/order.js';
import { normaliseMsisdn } from '../../core/registration.js';
import { erasureRecordExpiry } from '../../core/retention.js';
import type { ErasureRecord, ErasureStore } from '../../usecases/ports/erasure.js';
import { absentIfIllFormed, type Table } from './table.js';
import { keys, TTL_ATTRIBUTE } from './table-schema.js';
import { conditionalUpdate, createItem, deleteItem, putItem } from './table-writes.js';

const ORDER_PK_PREFIX = 'ORDER#';
/** Written once every order carries its GSI2 keys (`index-orders`, or a table created with GSI2). */
const ORDERS_INDEXED_MARKER = { PK: 'META#ORDERS_INDEXED', SK: 'META' };

export function erasureItems(table: Table): Omit<ErasureStore, 'deleteRegistration'> & {
  indexOrdersByMobile(): Promise<number>;
  ordersIndexedByMobile(): Promise<boolean>;
} {
  const ordersIndexed = async () => (await table.getItem(() => ORDERS_INDEXED_MARKER, true)) !== undefined;
  return {
    /**
     * Every order placed for this mobile number (E.164), by any SP: one Query on GSI2 for the
     * keys of the items held under the number, then each order read by its key (consistently, so
     * that the open-order check sees the latest state).
     */
    async ordersOfMobile(mobile: string): Promise<Order[]> {
      const listed = await absentIfIllFormed(async () => keys.itemsOfMobile(normaliseMsisdn(mobile)));
      if (!listed) return [];
      const orderKeys = new Map<string, Record<string, string>>();
      for await (const item of table.queryAll({
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': listed.GSI2PK },
      })) {
        if (String(item.PK).startsWith(ORDER_PK_PREFIX))
          orderKeys.set(String(item.PK), { PK: String(item.PK), SK: String(item.SK) });
      }
      // Until `index-orders` has run, orders written before GSI2 are in no index: found by a Scan
      // on the number, as before GSI2, so that an erasure is complete either way.
      if (!(await ordersIndexed())) {
        for await (const item of table.scanAll({
          FilterExpression: 'begins_with(PK, :order) AND #person.#mobile = :mobile',
          ExpressionAttributeNames: { '#person': 'person', '#mobile': 'mobile' },
          ExpressionAttributeValues: { ':order': ORDER_PK_PREFIX, ':mobile': mobile },
          ProjectionExpression: 'PK, SK',
        }))
          orderKeys.set(String(item.PK), { PK: String(item.PK), SK: String(item.SK) });
      }
      const orders: Order[] = [];
      for (const key of orderKeys.values()) {
        const order = await table.getItem<Order>(() => key, true);
        if (order) orders.push(order);
      }
      return orders;
    },

    /**
     * Orders written before GSI2 existed carry no GSI2 keys: this gives them theirs (the operator's
     * one-time `npm run admin -- index-orders` after upgrading; a Scan, never on a request path).
     * An order written since is left alone. Then marks the table indexed (erasure stops scanning).
     * Answers how many orders it indexed.
     */
    async indexOrdersByMobile(): Promise<number> {
      let indexed = 0;
      for await (const item of table.scanAll({
        FilterExpression: 'begins_with(PK, :order) AND attribute_not_exists(GSI2PK)',
        ExpressionAttributeValues: { ':order': ORDER_PK_PREFIX },
        ProjectionExpression: 'PK, SK, person.mobile',
      })) {
        const mobile = (item.person as { mobile?: unknown } | undefined)?.mobile;
        if (typeof mobile !== 'string') continue;
        const key = { PK: String(item.PK), SK: String(item.SK) };
        const listed = keys.heldForMobile(normaliseMsisdn(mobile), key.PK);
        const done = await succeeded(
          conditionalUpdate(
            table,
            key,
            'SET GSI2PK = :pk, GSI2SK = :sk',
            {
              condition: 'attribute_exists(PK) AND attribute_not_exists(GSI2PK)',
              values: { ':pk': listed.GSI2PK, ':sk': listed.GSI2SK },
            },
            'Order was deleted or indexed meanwhile',
          ),
        );
        if (done) indexed += 1;
      }
      await putItem(table, { ...ORDERS_INDEXED_MARKER, at: new Date().toISOString() });
      return indexed;
    },

    /** Whether the table is marked as having every order in GSI2 (see indexOrdersByMobile). */
    ordersIndexedByMobile: ordersIndexed,

    /** Deletes an order, its evidence (the partner's JWS with it) or a registration; false if there was none. */
    async deleteOrder(refId: string): Promise<boolean> {
      return deleteItem(table, keys.order(refId));
    },

    async deleteEvidence(refId: string): Promise<boolean> {
      return deleteItem(table, keys.evidence(refId));
    },

    async deleteTermsLink(tokenHash: string): Promise<boolean> {
      return deleteItem(table, keys.termsToken(tokenHash));
    },

    async deleteIdempotency(clientId: string, keyHash: string): Promise<boolean> {
      return deleteItem(table, keys.idempotency(clientId, keyHash));
    },

    async recordErasure(record: ErasureRecord): Promise<void> {
      await createItem(
        table,
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
