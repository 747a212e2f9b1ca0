/** The AML access log: one record per access to an order's identification data, written once. */
import { amlAccessExpiry } from '../../core/retention.js';
import type { AmlAccessFilter, AmlAccessLog, AmlAccessRecord } from '../../usecases/ports/aml-access-log.js';
import { absentIfIllFormed, entity, type Table } from './table.js';
import { AML_LOG_PARTITION, keyPart, keys, TTL_ATTRIBUTE } from './table-schema.js';
import { createItem } from './table-writes.js';

export function amlAccessItems(table: Table): AmlAccessLog {
  return {
    /** Records an access; written once, never changed, kept as the retention policy says. */
    async recordAmlAccess(record: AmlAccessRecord): Promise<void> {
      await createItem(
        table,
        {
          ...keys.amlAccess(record.refId, record.at, record.id),
          ...record,
          [TTL_ATTRIBUTE]: amlAccessExpiry(record.at, table.retention),
        },
        `AML access record ${record.id} exists`,
      );
    },

    /**
     * The access records, oldest first: of one order (its partition), or of all orders (GSI1
     * `AMLLOG`), optionally from a point in time on. Pages through the whole result.
     */
    async *amlAccessRecords(filter: AmlAccessFilter = {}): AsyncGenerator<AmlAccessRecord> {
      const byOrder = filter.refId !== undefined;
      // An order id that cannot be a key has no records.
      const partition = await absentIfIllFormed(async () =>
        byOrder ? keys.amlAccesses(filter.refId as string).PK : AML_LOG_PARTITION,
      );
      if (partition === undefined) return;
      const since = filter.since !== undefined;
      for await (const item of table.queryAll({
        ...(byOrder ? {} : { IndexName: 'GSI1' }),
        KeyConditionExpression: since ? '#pk = :pk AND #sk >= :from' : '#pk = :pk',
        ExpressionAttributeNames: {
          '#pk': byOrder ? 'PK' : 'GSI1PK',
          ...(since ? { '#sk': byOrder ? 'SK' : 'GSI1SK' } : {}),
        },
        ExpressionAttributeValues: {
          ':pk': partition,
          ...(since ? { ':from': `${byOrder ? 'ACCESS#' : ''}${keyPart(filter.since as string)}` } : {}),
        },
      }))
        yield entity<AmlAccessRecord>(item) as AmlAccessRecord;
    },
  };
}
