/**
 * Erasure finds a person's orders by key (GSI2, by mobile number), not by reading the table: the
 * items it reads do not grow with the orders of other people. Orders written before GSI2 existed
 * are indexed by `admin index-orders` in AWS, by the local stack itself when it opens a data folder
 * an earlier version wrote; until the marker it writes exists, erasure also scans for them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepository } from '../../lambdas/adapters/dynamo/repository.js';
import { keys } from '../../lambdas/adapters/dynamo/table-schema.js';
import type { Order } from '../../lambdas/core/order.js';
import { erasePerson } from '../../lambdas/usecases/erase-person.js';
import { startDynamo } from '../../local/dynamodb.js';
import { TABLE_NAME } from '../../local/stack.js';
import { openEarlierTable } from '../support/earlier-table.js';
import { startStack } from '../support/stack.js';
import { order, registration, statusEntry } from '../unit/fixtures.js';

const TABLE = 'srs-erasure';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** A document client that counts the items DynamoDB reads for it (Scan and Query: scanned; GetItem: found). */
function countingClient(endpoint: string) {
  const counter = { itemsRead: 0 };
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials });
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const output = result.output as { ScannedCount?: number; Item?: unknown };
      if (typeof output.ScannedCount === 'number') counter.itemsRead += output.ScannedCount;
      else if (output.Item !== undefined) counter.itemsRead += 1;
      return result;
    },
    { step: 'initialize', name: 'countItemsRead' },
  );
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { db, counter };
}

/** An order the person cancelled: erasure does not wait for it. */
const ended: Partial<Order> = {
  statuses: [statusEntry('created', 0), statusEntry('cancelled', 5, { kind: 'user' })],
};

describe('erasure among 1,000 orders of other people', () => {
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  beforeAll(async () => {
    dynamo = await startDynamo({ tableName: TABLE });
  });
  afterAll(async () => dynamo?.close());

  it('reads the person’s items only, and erases them all', async () => {
    // Prepare: 1,000 unrelated orders, two ended orders and a registration of the person
    const { db, counter } = countingClient(dynamo.endpoint);
    const repository = createRepository(db, TABLE);
    const mobile = '+41790007001';
    const others = Array.from({ length: 1000 }, (_, i) =>
      order({
        ...ended,
        refId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        person: { ...order().person, mobile: `+4179100${String(i).padStart(4, '0')}` },
      }),
    );
    for (let i = 0; i < others.length; i += 50)
      await Promise.all(others.slice(i, i + 50).map((o) => repository.createOrder(o)));
    const mine = [
      order({
        ...ended,
        refId: '11111111-1111-4111-8111-111111111111',
        person: { ...order().person, mobile },
      }),
      order({
        ...ended,
        refId: '22222222-2222-4222-8222-222222222222',
        person: { ...order().person, mobile },
      }),
    ];
    for (const o of mine) await repository.createOrder(o);
    await repository.putRegistration(registration({ msisdn: mobile.slice(1) }));
    // The table is marked indexed (every order carries GSI2 keys): erasure uses the index alone
    await expect(repository.indexOrdersByMobile()).resolves.toBe(0);
    counter.itemsRead = 0;

    // Act
    const result = await erasePerson(repository, { mobile });

    // Assess: the marker, the two index entries, the two orders and the registration; not the table
    expect(result).toMatchObject({ outcome: 'erased', record: { erased: { registrations: 1, orders: 2 } } });
    expect(counter.itemsRead).toBeLessThanOrEqual(7);
    for (const o of mine) await expect(repository.getOrder(o.refId)).resolves.toBeUndefined();
    await expect(repository.getOrder(others[0]?.refId as string)).resolves.toBeDefined();
    db.destroy();
  });
});

describe('orders written before GSI2', () => {
  it('are found after `index-orders` (the repository’s indexOrdersByMobile), once', async () => {
    const dynamo = await startDynamo({ tableName: TABLE });
    const { db } = countingClient(dynamo.endpoint);
    try {
      const repository = createRepository(db, TABLE);
      const old = order({
        refId: '33333333-3333-4333-8333-333333333333',
        person: { ...order().person, mobile: '+41790007002' },
      });
      const {
        GSI2PK: _pk,
        GSI2SK: _sk,
        ...withoutIndex
      } = { ...keys.order(old.refId), ...keys.heldForMobile('41790007002', 'x'), ...old };
      await db.send(new PutCommand({ TableName: TABLE, Item: withoutIndex }));
      await expect(repository.ordersIndexedByMobile()).resolves.toBe(false);

      await expect(repository.indexOrdersByMobile()).resolves.toBe(1);
      await expect(repository.indexOrdersByMobile()).resolves.toBe(0);

      await expect(repository.ordersIndexedByMobile()).resolves.toBe(true);
      expect((await repository.ordersOfMobile('+41790007002')).map((o) => o.refId)).toEqual([old.refId]);
      await expect(repository.getOrder(old.refId)).resolves.toStrictEqual(old);
    } finally {
      db.destroy();
      await dynamo.close();
    }
  });

  it('are erased before `index-orders` has run: without the marker erasure also scans for them', async () => {
    // Prepare: an ended order as an earlier version wrote it (no GSI2 keys), one of another person
    const dynamo = await startDynamo({ tableName: TABLE });
    const { db } = countingClient(dynamo.endpoint);
    try {
      const repository = createRepository(db, TABLE);
      const mobile = '+41790007004';
      const old = order({
        ...ended,
        refId: '55555555-5555-4555-8555-555555555555',
        person: { ...order().person, mobile },
      });
      const other = order({ ...ended, refId: '66666666-6666-4666-8666-666666666666' });
      for (const o of [old, other])
        await db.send(new PutCommand({ TableName: TABLE, Item: { ...keys.order(o.refId), ...o } }));
      await db.send(
        new PutCommand({ TableName: TABLE, Item: { ...keys.evidence(old.refId), refId: old.refId } }),
      );

      // Act
      const result = await erasePerson(repository, { mobile });

      // Assess
      expect(result).toMatchObject({ outcome: 'erased', record: { erased: { orders: 1, evidence: 1 } } });
      await expect(repository.getOrder(old.refId)).resolves.toBeUndefined();
      await expect(repository.getEvidence(old.refId)).resolves.toBeUndefined();
      await expect(repository.getOrder(other.refId)).resolves.toStrictEqual(other);
    } finally {
      db.destroy();
      await dynamo.close();
    }
  });

  it('in a local data folder from an earlier version: the stack adds the index and indexes them at start', async () => {
    // Prepare: the table as an earlier version created it (GSI1 only), with one order in it
    const dataDir = mkdtempSync(join(tmpdir(), 'srs-old-table-'));
    try {
      const earlier = await openEarlierTable(dataDir, TABLE_NAME);
      const old = order({
        refId: '44444444-4444-4444-8444-444444444444',
        person: { ...order().person, mobile: '+41790007003' },
      });
      await earlier.db.send(
        new PutCommand({ TableName: TABLE_NAME, Item: { ...keys.order(old.refId), ...old } }),
      );
      await earlier.close();

      // Act
      const stack = await startStack({ dataDir });
      try {
        // Assess
        expect((await stack.repository.ordersOfMobile('+41790007003')).map((o) => o.refId)).toEqual([
          old.refId,
        ]);
        await expect(stack.repository.getOrder(old.refId)).resolves.toStrictEqual(old);
      } finally {
        await stack.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
