/** The repository's AML access records: the exact DynamoDB commands (aws-sdk-client-mock). */
import 'aws-sdk-client-mock-vitest/extend';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Repository } from '../../lambdas/adapters/dynamo/repository.js';
import { ConditionFailed } from '../../lambdas/core/errors.js';
import type { AmlAccessRecord } from '../../lambdas/usecases/ports/aml-access-log.js';
import { REF_ID } from './fixtures.js';

const TABLE = 'srs-test-table';
const AT = '2026-03-01T10:00:00.000Z';
const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

const ddb = mockClient(DynamoDBDocumentClient);
let repo: Repository;

beforeEach(() => {
  ddb.reset();
  repo = new Repository(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-2' })), TABLE);
});

const record = (overrides: Partial<AmlAccessRecord> = {}): AmlAccessRecord => ({
  id: ID,
  at: AT,
  refId: REF_ID,
  clientId: 'bank-client',
  issuer: 'Bank-ISP',
  outcome: 'granted',
  ...overrides,
});

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('Repository AML access records', () => {
  it('writes a record once, under the order’s partition and the AMLLOG index, with attribute_not_exists(PK)', async () => {
    ddb.on(PutCommand).resolves({});

    await repo.recordAmlAccess(record());

    expect(ddb).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
      TableName: TABLE,
      Item: {
        PK: `AML#${REF_ID}`,
        SK: `ACCESS#${AT}#${ID}`,
        GSI1PK: 'AMLLOG',
        GSI1SK: `${AT}#${ID}`,
        ...record(),
        // Ten years (of 365.25 days) after the access.
        ttl: Date.parse(AT) / 1000 + 10 * 365.25 * 86400,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
  });

  it('maps a failed condition to ConditionFailed', async () => {
    ddb
      .on(PutCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );

    await expect(repo.recordAmlAccess(record())).rejects.toBeInstanceOf(ConditionFailed);
  });

  it('lists one order’s records with a Query on its partition, without the storage keys', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          PK: `AML#${REF_ID}`,
          SK: `ACCESS#${AT}#${ID}`,
          GSI1PK: 'AMLLOG',
          GSI1SK: `${AT}#${ID}`,
          ...record(),
        },
      ],
    });

    const records = await all(repo.amlAccessRecords({ refId: REF_ID }));

    expect(records).toEqual([record()]);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      TableName: TABLE,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'PK' },
      ExpressionAttributeValues: { ':pk': `AML#${REF_ID}` },
    });
  });

  it('lists one order’s records from a point in time on with a range condition on the sort key', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });

    await all(repo.amlAccessRecords({ refId: REF_ID, since: AT }));

    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      KeyConditionExpression: '#pk = :pk AND #sk >= :from',
      ExpressionAttributeNames: { '#pk': 'PK', '#sk': 'SK' },
      ExpressionAttributeValues: { ':pk': `AML#${REF_ID}`, ':from': `ACCESS#${AT}` },
    });
  });

  it('lists every record through GSI1 AMLLOG, following the pages', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [record({ id: 'a' })], LastEvaluatedKey: { PK: 'x', SK: 'y' } })
      .resolvesOnce({ Items: [record({ id: 'b' })] });

    const records = await all(repo.amlAccessRecords({ since: AT }));

    expect(records.map((r) => r.id)).toEqual(['a', 'b']);
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 1, {
      TableName: TABLE,
      IndexName: 'GSI1',
      KeyConditionExpression: '#pk = :pk AND #sk >= :from',
      ExpressionAttributeNames: { '#pk': 'GSI1PK', '#sk': 'GSI1SK' },
      ExpressionAttributeValues: { ':pk': 'AMLLOG', ':from': AT },
    });
    expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: { PK: 'x', SK: 'y' } });
  });
});
