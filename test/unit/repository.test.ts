/**
 * The repository's SDK calls where their shape is the contract: the verify path is one GetItem,
 * request paths never scan, queries follow every page, and errors reach the use cases as they
 * should (a failed condition as ConditionFailed, whatever SDK copy raised it; anything else
 * unchanged). What each storage port promises is proven against the embedded DynamoDB in
 * test/integration/storage-ports.test.ts.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createRepository, type Repository } from '../../lambdas/adapters/dynamo/repository.js';
import { ConditionFailed } from '../../lambdas/core/errors.js';
import type { AmlAccessRecord } from '../../lambdas/usecases/ports/aml-access-log.js';
import { bankIsp, order, REF_ID, registration, testIsp, videoIsp } from './fixtures.js';

const TABLE = 'srs-test-table';
const NOW = new Date('2025-03-01T10:00:00.000Z');

const ddb = mockClient(DynamoDBDocumentClient);

/** A throttling error: anything but a failed condition must reach the caller unchanged. */
const throttled = () =>
  Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
    name: 'ProvisionedThroughputExceededException',
  });

let repo: Repository;

beforeEach(() => {
  ddb.reset();
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-2' }));
  repo = createRepository(client, TABLE);
});

describe('Repository', () => {
  it('answers the verify call’s read with one GetItem on the registration key', async () => {
    const reg = registration();
    ddb.on(GetCommand).resolves({ Item: { PK: 'REG#41791234567', SK: 'REG', ...reg } });

    const read = await repo.getRegistration('41791234567');

    expect(ddb).toHaveReceivedCommandExactlyOnceWith(GetCommand, {
      TableName: TABLE,
      Key: { PK: 'REG#41791234567', SK: 'REG' },
    });
    expect(ddb.calls()).toHaveLength(1);
    expect(read).toStrictEqual(reg);
  });

  it('never scans the table on a request path', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(QueryCommand).resolves({});

    await repo.getRegistration('41791234567');
    await repo.getOrder(REF_ID);
    await repo.getSpSetup('bank-client');
    await repo.getIsp('Test-ISP');
    await repo.listIsps();

    const names = ddb.calls().map((c) => (c.args[0] as object).constructor.name);
    expect(names).toEqual(['GetCommand', 'GetCommand', 'GetCommand', 'GetCommand', 'QueryCommand']);
  });

  it('lists the ISPs across every page of the query', async () => {
    // Prepare: three pages.
    const page2Key = { PK: 'CATALOGUE', SK: 'ISP#Test-ISP' };
    const page3Key = { PK: 'CATALOGUE', SK: 'ISP#Video-ISP' };
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [
          { PK: 'CATALOGUE', SK: 'ISP#Bank-ISP', ...bankIsp() },
          { PK: 'CATALOGUE', SK: 'ISP#Test-ISP', ...testIsp() },
        ],
        LastEvaluatedKey: page2Key,
      })
      .resolvesOnce({
        Items: [{ PK: 'CATALOGUE', SK: 'ISP#Video-ISP', ...videoIsp() }],
        LastEvaluatedKey: page3Key,
      })
      .resolvesOnce({ Items: [] });

    // Act
    const isps = await repo.listIsps();

    // Assess
    expect(isps).toStrictEqual([bankIsp(), testIsp(), videoIsp()]);
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 3);
    expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: page2Key });
    expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 3, { ExclusiveStartKey: page3Key });
  });

  it('lists the AML access records across every page of the query', async () => {
    const record = (id: string): AmlAccessRecord => ({
      id,
      at: NOW.toISOString(),
      refId: REF_ID,
      clientId: 'bank-client',
      issuer: 'Bank-ISP',
      outcome: 'granted',
    });
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [record('a')], LastEvaluatedKey: { PK: 'x', SK: 'y' } })
      .resolvesOnce({ Items: [record('b')] });

    const ids: string[] = [];
    for await (const r of repo.amlAccessRecords({ since: NOW.toISOString() })) ids.push(r.id);

    expect(ids).toEqual(['a', 'b']);
    expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: { PK: 'x', SK: 'y' } });
  });

  it('recognises a failed condition by its name too (another SDK copy in the bundle)', async () => {
    ddb.on(PutCommand).rejects(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' }));

    await expect(repo.createOrder(order())).rejects.toBeInstanceOf(ConditionFailed);
    await expect(repo.saveOrder(order({ version: 2 }))).rejects.toThrow(
      new ConditionFailed(`Order ${REF_ID} was changed concurrently`),
    );
  });

  it('passes any other error through unchanged', async () => {
    const error = throttled();
    ddb.on(PutCommand).rejects(error);
    ddb.on(DeleteCommand).rejects(error);
    ddb.on(UpdateCommand).rejects(error);

    await expect(repo.createOrder(order())).rejects.toBe(error);
    await expect(repo.saveOrder(order({ version: 2 }))).rejects.toBe(error);
    await expect(
      repo.lockIdempotency('c', 'h', {
        fingerprint: 'fp',
        reservation: { refId: 'r' },
        now: NOW,
        lockSeconds: 30,
        retainSeconds: 60,
      }),
    ).rejects.toBe(error);
    await expect(repo.releaseIdempotency('c', 'h', 'fp')).rejects.toBe(error);
    await expect(repo.releaseIdempotency('c', 'h', 'fp', true)).rejects.toBe(error);
    await expect(repo.rememberJti('Test-ISP', 'jti', NOW, NOW)).rejects.toBe(error);
  });
});
