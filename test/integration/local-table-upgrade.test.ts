/**
 * The local stack opens a data folder an earlier version wrote by copying its table into one with
 * the current schema (dynalite cannot add an index in place). The items are dumped to the folder
 * before the old table is deleted, so that a kill in the middle loses nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  dumpItems,
  embeddedDocumentClient,
  readDump,
  startDynamo,
  UPGRADE_DUMP_FILE,
} from '../../local/dynamodb.js';
import { openEarlierTable } from '../support/earlier-table.js';

const TABLE = 'srs-upgrade';

/** Items of about 20 KB: 60 of them are more than one Scan page (1 MB) and more than 2 batches (25). */
const bigItems = Array.from({ length: 60 }, (_, i) => ({
  PK: `ORDER#${String(i).padStart(3, '0')}`,
  SK: 'ORDER',
  note: `${i}`.repeat(20_000 / String(i).length),
  n: i,
}));

async function readTable(endpoint: string) {
  const db = embeddedDocumentClient(endpoint);
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  const { Table } = await db.send(new DescribeTableCommand({ TableName: TABLE }));
  db.destroy();
  return {
    items: items.sort((a, b) => String(a.PK).localeCompare(String(b.PK))),
    indexes: (Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort(),
  };
}

describe('a local data folder from an earlier version', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'srs-upgrade-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is copied whole into the current schema — more than one scan page and batch — and leaves no dump', async () => {
    // Prepare
    const earlier = await openEarlierTable(dataDir, TABLE);
    for (const Item of bigItems) await earlier.db.send(new PutCommand({ TableName: TABLE, Item }));
    await earlier.close();

    // Act
    const dynamo = await startDynamo({ dataDir, tableName: TABLE });
    try {
      // Assess
      expect(dynamo.tableUpgraded).toBe(true);
      const { items, indexes } = await readTable(dynamo.endpoint);
      expect(indexes).toEqual(['GSI1', 'GSI2']);
      expect(items).toEqual(bigItems);
      expect(existsSync(join(dataDir, UPGRADE_DUMP_FILE))).toBe(false);
    } finally {
      await dynamo.close();
    }

    // A second start finds the table current and changes nothing.
    const again = await startDynamo({ dataDir, tableName: TABLE });
    try {
      expect(again.tableUpgraded).toBe(false);
      expect((await readTable(again.endpoint)).items).toEqual(bigItems);
    } finally {
      await again.close();
    }
  });

  it('that was being upgraded when the process died is finished from the dump, binary values included', async () => {
    // Prepare: the state after the old table was dumped, deleted and created anew, two items copied
    const items = [
      { PK: { S: 'ORDER#1' }, SK: { S: 'ORDER' }, n: { N: '1' } },
      { PK: { S: 'ORDER#2' }, SK: { S: 'ORDER' }, n: { N: '2' } },
      { PK: { S: 'ORDER#3' }, SK: { S: 'ORDER' }, digest: { B: { $base64: 'AAEC/w==' } } },
    ];
    writeFileSync(join(dataDir, UPGRADE_DUMP_FILE), JSON.stringify(items));
    const half = await openEarlierTable(dataDir, TABLE, true);
    await half.db.send(new PutCommand({ TableName: TABLE, Item: { PK: 'ORDER#1', SK: 'ORDER', n: 1 } }));
    await half.close();

    // Act
    const dynamo = await startDynamo({ dataDir, tableName: TABLE });
    try {
      // Assess
      expect(dynamo.tableUpgraded).toBe(true);
      expect((await readTable(dynamo.endpoint)).items).toEqual([
        { PK: 'ORDER#1', SK: 'ORDER', n: 1 },
        { PK: 'ORDER#2', SK: 'ORDER', n: 2 },
        { PK: 'ORDER#3', SK: 'ORDER', digest: new Uint8Array([0, 1, 2, 255]) },
      ]);
      expect(existsSync(join(dataDir, UPGRADE_DUMP_FILE))).toBe(false);
    } finally {
      await dynamo.close();
    }
  });

  it('keeps binary values through its dump file: written as base64, read back as bytes', () => {
    // Prepare
    const path = join(dataDir, UPGRADE_DUMP_FILE);
    const items: Record<string, AttributeValue>[] = [
      { PK: { S: 'ORDER#1' }, SK: { S: 'ORDER' }, digest: { B: new Uint8Array([0, 1, 2, 255]) } },
      { PK: { S: 'ORDER#2' }, SK: { S: 'ORDER' }, parts: { BS: [new Uint8Array([7]), new Uint8Array([])] } },
      { PK: { S: 'ORDER#3' }, SK: { S: 'ORDER' }, note: { M: { $base64: { S: 'a map key, not bytes' } } } },
    ];

    // Act
    dumpItems(path, items);

    // Assess
    expect(JSON.parse(readFileSync(path, 'utf8'))[0].digest).toEqual({ B: { $base64: 'AAEC/w==' } });
    expect(readDump(path)).toEqual(items);
    expect(existsSync(`${path}.partial`)).toBe(false);
  });
});
