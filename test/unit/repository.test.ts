import 'aws-sdk-client-mock-vitest/extend';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
import { Repository } from '../../lambdas/adapters/dynamo/repository.js';
import { ConditionFailed } from '../../lambdas/core/errors.js';
import { applyEvent } from '../../lambdas/core/order.js';
import type { StoredEvidence } from '../../lambdas/usecases/ports/orders.js';
import { bankIsp, bankSp, order, REF_ID, registration, testIsp, videoIsp } from './fixtures.js';

const TABLE = 'srs-test-table';
const NOW = new Date('2025-03-01T10:00:00.000Z');
const NOW_EPOCH = Math.floor(NOW.getTime() / 1000);

const ddb = mockClient(DynamoDBDocumentClient);

const conditionalCheckFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/** A throttling error: anything but a failed condition must reach the caller unchanged. */
const throttled = () =>
  Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
    name: 'ProvisionedThroughputExceededException',
  });

let repo: Repository;

beforeEach(() => {
  ddb.reset();
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-2' }));
  repo = new Repository(client, TABLE);
});

describe('Repository', () => {
  describe('orders', () => {
    it('creates an order once, with its keys, the SP index keys and attribute_not_exists(PK)', async () => {
      // Prepare
      ddb.on(PutCommand).resolves({});
      const o = order();

      // Act
      await repo.createOrder(o);

      // Assess
      expect(ddb).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
        TableName: TABLE,
        Item: {
          PK: `ORDER#${REF_ID}`,
          SK: 'ORDER',
          GSI1PK: 'SP#bank-client',
          GSI1SK: `ORDER#2025-03-01T10:00:00.000Z#${REF_ID}`,
          ...o,
          // Open: T0 + 1 h partner timeout + 14 days terms window + 30 days.
          ttl: Date.parse('2025-03-01T10:00:00Z') / 1000 + 3600 + 14 * 86400 + 30 * 86400,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      });
      expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).not.toHaveProperty('ExpressionAttributeValues');
    });

    it('maps a failed create condition to ConditionFailed', async () => {
      ddb.on(PutCommand).rejects(conditionalCheckFailed());

      await expect(repo.createOrder(order())).rejects.toThrow(ConditionFailed);
      await expect(repo.createOrder(order())).rejects.toThrow(`Order ${REF_ID} already exists`);
    });

    it('recognises the exception by name too (another SDK copy in the bundle)', async () => {
      ddb.on(PutCommand).rejects(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' }));

      await expect(repo.createOrder(order())).rejects.toBeInstanceOf(ConditionFailed);
    });

    it('passes other errors through unchanged', async () => {
      const error = throttled();
      ddb.on(PutCommand).rejects(error);

      await expect(repo.createOrder(order())).rejects.toBe(error);
    });

    it('saves a transition under the condition that the stored version is the one read (version - 1)', async () => {
      // Prepare: the order as read (version 1), then one transition applied in core.
      ddb.on(PutCommand).resolves({});
      const read = order();
      const result = applyEvent(read, { type: 'initialized', source: 'service' }, NOW);
      if (result.outcome !== 'applied') throw new Error('fixture: transition not applied');

      // Act
      await repo.saveOrder(result.order);

      // Assess
      expect(result.order.version).toBe(read.version + 1);
      expect(ddb).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
        TableName: TABLE,
        Item: {
          PK: `ORDER#${REF_ID}`,
          SK: 'ORDER',
          GSI1PK: 'SP#bank-client',
          GSI1SK: `ORDER#2025-03-01T10:00:00.000Z#${REF_ID}`,
          ...result.order,
          ttl: Date.parse('2025-03-01T10:00:00Z') / 1000 + 3600 + 14 * 86400 + 30 * 86400,
        },
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': read.version },
      });
    });

    it('expects version 6 when saving version 7', async () => {
      ddb.on(PutCommand).resolves({});

      await repo.saveOrder(order({ version: 7 }));

      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        ExpressionAttributeValues: { ':expected': 6 },
        Item: expect.objectContaining({ version: 7 }),
      });
    });

    it('maps a lost race on save to ConditionFailed', async () => {
      ddb.on(PutCommand).rejects(conditionalCheckFailed());

      await expect(repo.saveOrder(order({ version: 3 }))).rejects.toThrow(
        new ConditionFailed(`Order ${REF_ID} was changed concurrently`),
      );
    });

    it('reads an order consistently and returns it without storage keys', async () => {
      // Prepare
      const o = order();
      ddb.on(GetCommand).resolves({
        Item: { PK: `ORDER#${REF_ID}`, SK: 'ORDER', GSI1PK: 'SP#bank-client', GSI1SK: 'ORDER#x', ...o },
      });

      // Act
      const read = await repo.getOrder(REF_ID);

      // Assess
      expect(ddb).toHaveReceivedCommandExactlyOnceWith(GetCommand, {
        TableName: TABLE,
        Key: { PK: `ORDER#${REF_ID}`, SK: 'ORDER' },
        ConsistentRead: true,
      });
      expect(read).toStrictEqual(o);
    });

    it('returns undefined for an unknown order', async () => {
      ddb.on(GetCommand).resolves({});

      await expect(repo.getOrder(REF_ID)).resolves.toBeUndefined();
    });
  });

  describe('registrations', () => {
    it('reads a registration by msisdn with one GetItem and strips the keys', async () => {
      const reg = registration();
      ddb.on(GetCommand).resolves({ Item: { PK: 'REG#41791234567', SK: 'REG', ...reg } });

      const read = await repo.getRegistration('41791234567');

      expect(ddb).toHaveReceivedCommandExactlyOnceWith(GetCommand, {
        TableName: TABLE,
        Key: { PK: 'REG#41791234567', SK: 'REG' },
      });
      expect(read).toStrictEqual(reg);
    });

    it('returns undefined for an unregistered number', async () => {
      ddb.on(GetCommand).resolves({ Item: undefined });

      await expect(repo.getRegistration('41790000000')).resolves.toBeUndefined();
    });

    it('writes a registration under its msisdn key, replacing any earlier one', async () => {
      ddb.on(PutCommand).resolves({});
      const reg = registration();

      await repo.putRegistration(reg);

      expect(ddb).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
        TableName: TABLE,
        // Expires when its validity ends.
        Item: { PK: 'REG#41791234567', SK: 'REG', ...reg, ttl: Date.parse('2030-01-10T08:00:00Z') / 1000 },
      });
      expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).not.toHaveProperty('ConditionExpression');
    });
  });

  describe('setup and catalogue', () => {
    it('reads and writes an SP setup under SP#<clientId>/SETUP, listed on GSI1 SETUPS', async () => {
      const sp = bankSp();
      const item = { PK: 'SP#bank-client', SK: 'SETUP', GSI1PK: 'SETUPS', GSI1SK: 'bank-client', ...sp };
      ddb.on(PutCommand).resolves({});
      ddb.on(GetCommand).resolves({ Item: item });

      await repo.putSpSetup(sp);
      const read = await repo.getSpSetup('bank-client');

      expect(ddb).toHaveReceivedCommandWith(PutCommand, { TableName: TABLE, Item: item });
      expect(ddb).toHaveReceivedCommandWith(GetCommand, {
        TableName: TABLE,
        Key: { PK: 'SP#bank-client', SK: 'SETUP' },
      });
      expect(read).toStrictEqual(sp);
    });

    it('reads and writes a claimed identity under CLAIMED#<id>/CLAIMED', async () => {
      const ci = {
        claimedIdentity: 'test-client',
        clientId: 'bank-client',
        jurisdictions: ['EIDAS' as const],
      };
      ddb.on(PutCommand).resolves({});
      ddb.on(GetCommand).resolves({ Item: { PK: 'CLAIMED#test-client', SK: 'CLAIMED', ...ci } });

      await repo.putClaimedIdentity(ci);
      const read = await repo.getClaimedIdentity('test-client');

      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        TableName: TABLE,
        Item: { PK: 'CLAIMED#test-client', SK: 'CLAIMED', ...ci },
      });
      expect(ddb).toHaveReceivedCommandWith(GetCommand, {
        Key: { PK: 'CLAIMED#test-client', SK: 'CLAIMED' },
      });
      expect(read).toStrictEqual(ci);
    });

    it('reads and writes an ISP under CATALOGUE/ISP#<issuer>', async () => {
      const isp = testIsp();
      ddb.on(PutCommand).resolves({});
      ddb.on(GetCommand).resolves({ Item: { PK: 'CATALOGUE', SK: 'ISP#Test-ISP', ...isp } });

      await repo.putIsp(isp);
      const read = await repo.getIsp('Test-ISP');

      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        TableName: TABLE,
        Item: { PK: 'CATALOGUE', SK: 'ISP#Test-ISP', ...isp },
      });
      expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { PK: 'CATALOGUE', SK: 'ISP#Test-ISP' } });
      expect(read).toStrictEqual(isp);
    });

    it('lists the ISPs with a Query on the catalogue partition, following every page', async () => {
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
      expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 1, {
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': 'CATALOGUE' },
        ExclusiveStartKey: undefined,
      });
      expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 2, {
        KeyConditionExpression: 'PK = :pk',
        ExclusiveStartKey: page2Key,
      });
      expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 3, { ExclusiveStartKey: page3Key });
      expect(ddb).not.toHaveReceivedCommand(GetCommand);
    });

    it('lists no ISPs for an empty catalogue with a single Query', async () => {
      ddb.on(QueryCommand).resolves({});

      await expect(repo.listIsps()).resolves.toEqual([]);
      expect(ddb).toHaveReceivedCommandOnce(QueryCommand);
    });
  });

  describe('idempotency', () => {
    it('locks a key with the order it reserves, with attribute_not_exists, or takes over a lapsed lock or a record past its retention', async () => {
      // Prepare
      ddb.on(PutCommand).resolves({});

      // Act
      await repo.lockIdempotency('bank-client', 'hash-abc', 'fp-1', { refId: 'ref-1' }, NOW, 30, 86_400);

      // Assess
      expect(ddb).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
        TableName: TABLE,
        Item: {
          PK: 'IDEMP#bank-client#hash-abc',
          SK: 'IDEMP',
          state: 'in-progress',
          fingerprint: 'fp-1',
          lockedUntil: NOW_EPOCH + 30,
          refId: 'ref-1',
          ttl: NOW_EPOCH + 86_400,
        },
        ConditionExpression:
          'attribute_not_exists(PK) OR (#state = :inProgress AND lockedUntil < :now) OR #ttl < :now',
        ExpressionAttributeNames: { '#state': 'state', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':inProgress': 'in-progress', ':now': NOW_EPOCH },
      });
    });

    it('reports a key held or completed by another request as ConditionFailed', async () => {
      ddb.on(PutCommand).rejects(conditionalCheckFailed());

      await expect(
        repo.lockIdempotency('bank-client', 'hash-abc', 'fp-1', { refId: 'r' }, NOW, 30, 86_400),
      ).rejects.toThrow(new ConditionFailed('Idempotency key is taken'));
    });

    it('passes a throttling error on lock through', async () => {
      const error = throttled();
      ddb.on(PutCommand).rejects(error);

      await expect(repo.lockIdempotency('c', 'h', 'fp', { refId: 'r' }, NOW, 30, 60)).rejects.toBe(error);
    });

    it('completes a key by storing the response, without a condition', async () => {
      ddb.on(PutCommand).resolves({});

      await repo.completeIdempotency('bank-client', 'hash-abc', 'fp-1', 201, '{"refId":"x"}', NOW, 86_400);

      expect(ddb).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
        TableName: TABLE,
        Item: {
          PK: 'IDEMP#bank-client#hash-abc',
          SK: 'IDEMP',
          state: 'completed',
          fingerprint: 'fp-1',
          statusCode: 201,
          body: '{"refId":"x"}',
          ttl: NOW_EPOCH + 86_400,
        },
      });
      expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).not.toHaveProperty('ConditionExpression');
    });

    it('releases a key only if this request still holds it, deleting its record', async () => {
      ddb.on(DeleteCommand).resolves({});

      await repo.releaseIdempotency('bank-client', 'hash-abc', 'fp-1');

      expect(ddb).toHaveReceivedCommandExactlyOnceWith(DeleteCommand, {
        TableName: TABLE,
        Key: { PK: 'IDEMP#bank-client#hash-abc', SK: 'IDEMP' },
        ConditionExpression: '#state = :inProgress AND fingerprint = :fp',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':inProgress': 'in-progress', ':fp': 'fp-1' },
      });
    });

    it('releases a key whose request may have written its order by letting its lock lapse, keeping its reservation', async () => {
      ddb.on(UpdateCommand).resolves({});

      await repo.releaseIdempotency('bank-client', 'hash-abc', 'fp-1', true);

      expect(ddb).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
        TableName: TABLE,
        Key: { PK: 'IDEMP#bank-client#hash-abc', SK: 'IDEMP' },
        UpdateExpression: 'SET lockedUntil = :lapsed',
        ConditionExpression: '#state = :inProgress AND fingerprint = :fp',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':inProgress': 'in-progress', ':fp': 'fp-1', ':lapsed': 0 },
      });
      expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
    });

    it('ignores a release of a key this request no longer holds', async () => {
      ddb.on(DeleteCommand).rejects(conditionalCheckFailed());
      ddb.on(UpdateCommand).rejects(conditionalCheckFailed());

      await expect(repo.releaseIdempotency('bank-client', 'hash-abc', 'fp-1')).resolves.toBeUndefined();
      await expect(repo.releaseIdempotency('bank-client', 'hash-abc', 'fp-1', true)).resolves.toBeUndefined();
    });

    it('passes other errors on release through', async () => {
      const error = throttled();
      ddb.on(DeleteCommand).rejects(error);

      await expect(repo.releaseIdempotency('bank-client', 'hash-abc', 'fp-1')).rejects.toBe(error);
    });

    it('reads a record consistently and strips the keys and ttl', async () => {
      ddb.on(GetCommand).resolves({
        Item: {
          PK: 'IDEMP#bank-client#hash-abc',
          SK: 'IDEMP',
          state: 'in-progress',
          fingerprint: 'fp-1',
          lockedUntil: NOW_EPOCH + 30,
          ttl: NOW_EPOCH + 86_400,
        },
      });

      const record = await repo.getIdempotency('bank-client', 'hash-abc', NOW);

      expect(ddb).toHaveReceivedCommandExactlyOnceWith(GetCommand, {
        TableName: TABLE,
        Key: { PK: 'IDEMP#bank-client#hash-abc', SK: 'IDEMP' },
        ConsistentRead: true,
      });
      expect(record).toStrictEqual({
        state: 'in-progress',
        fingerprint: 'fp-1',
        lockedUntil: NOW_EPOCH + 30,
      });
    });

    it('treats a record past its retention as absent (TTL deletes late)', async () => {
      ddb.on(GetCommand).resolves({
        Item: { PK: 'IDEMP#c#h', SK: 'IDEMP', state: 'completed', fingerprint: 'fp', ttl: NOW_EPOCH - 1 },
      });

      expect(await repo.getIdempotency('c', 'h', NOW)).toBeUndefined();
    });
  });

  describe('replay guard', () => {
    it('remembers a jti unless it exists and has not yet expired', async () => {
      // Prepare
      ddb.on(PutCommand).resolves({});
      const expiresAt = new Date('2025-03-01T10:05:00.900Z');

      // Act
      await repo.rememberJti('Test-ISP', 'jti-123', expiresAt, NOW);

      // Assess
      expect(ddb).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
        TableName: TABLE,
        Item: { PK: 'JTI#Test-ISP#jti-123', SK: 'JTI', issuer: 'Test-ISP', ttl: NOW_EPOCH + 300 },
        ConditionExpression: 'attribute_not_exists(PK) OR #ttl < :now',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':now': NOW_EPOCH },
      });
    });

    it('reports a replayed jti as ConditionFailed', async () => {
      ddb.on(PutCommand).rejects(conditionalCheckFailed());

      await expect(repo.rememberJti('Test-ISP', 'jti-123', NOW, NOW)).rejects.toThrow(
        new ConditionFailed('Message id was seen before'),
      );
    });
  });

  describe('evidence and terms links', () => {
    const evidence = (): StoredEvidence => ({
      refId: REF_ID,
      evidenceId: 'ev-1',
      issuer: 'Test-ISP',
      jws: 'eyJhbGciOiJFUzI1NiJ9.e30.sig',
      sha256: 'abc123',
      importedAt: NOW.toISOString(),
      // The adapter stores the claims as they are; their shape is core's business.
      claims: { method: 'test' } as StoredEvidence['claims'],
    });

    it('writes evidence once per order with attribute_not_exists(PK), expiring with an order that ends unregistered', async () => {
      ddb.on(PutCommand).resolves({});
      const ev = evidence();

      await repo.createEvidence(ev, order());

      // The order (T0 + 1 h partner timeout + 14 days terms window) + 30 days.
      const ttl = Date.parse('2025-03-01T10:00:00Z') / 1000 + 3600 + 14 * 86400 + 30 * 86400;
      expect(ddb).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
        TableName: TABLE,
        Item: { PK: `EVIDENCE#${REF_ID}`, SK: 'EVIDENCE', ...ev, ttl },
        ConditionExpression: 'attribute_not_exists(PK)',
      });
    });

    it('refuses to overwrite evidence (ConditionFailed)', async () => {
      ddb.on(PutCommand).rejects(conditionalCheckFailed());

      await expect(repo.createEvidence(evidence(), order())).rejects.toBeInstanceOf(ConditionFailed);
    });

    it('reads evidence consistently without storage keys', async () => {
      const ev = evidence();
      ddb.on(GetCommand).resolves({ Item: { PK: `EVIDENCE#${REF_ID}`, SK: 'EVIDENCE', ...ev } });

      await expect(repo.getEvidence(REF_ID)).resolves.toStrictEqual(ev);
      expect(ddb).toHaveReceivedCommandWith(GetCommand, {
        Key: { PK: `EVIDENCE#${REF_ID}`, SK: 'EVIDENCE' },
        ConsistentRead: true,
      });
    });

    it('creates a terms link once, kept one day past its expiry', async () => {
      ddb.on(PutCommand).resolves({});
      const link = {
        tokenHash: 'h-1',
        refId: REF_ID,
        language: 'en',
        createdAt: NOW.toISOString(),
        expiresAt: '2025-03-02T10:00:00.000Z',
      };

      await repo.createTermsLink(link);

      expect(ddb).toHaveReceivedCommandExactlyOnceWith(PutCommand, {
        TableName: TABLE,
        Item: { PK: 'TERMS#h-1', SK: 'TERMS', ...link, ttl: NOW_EPOCH + 86_400 + 86_400 },
        ConditionExpression: 'attribute_not_exists(PK)',
      });
    });

    it('uses a terms link only if it exists, is unused and has not expired', async () => {
      ddb.on(UpdateCommand).resolves({});

      await repo.useTermsLink('h-1', NOW);

      expect(ddb).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
        TableName: TABLE,
        Key: { PK: 'TERMS#h-1', SK: 'TERMS' },
        UpdateExpression: 'SET usedAt = :now',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(usedAt) AND expiresAt > :nowIso',
        ExpressionAttributeValues: { ':now': NOW.toISOString(), ':nowIso': NOW.toISOString() },
      });
    });

    it('reports a used, expired or unknown terms link as ConditionFailed', async () => {
      ddb.on(UpdateCommand).rejects(conditionalCheckFailed());

      await expect(repo.useTermsLink('h-1', NOW)).rejects.toThrow(
        new ConditionFailed('Terms link is used, expired or unknown'),
      );
    });
  });

  describe('counters', () => {
    it('increments a window counter atomically and returns the new count', async () => {
      ddb.on(UpdateCommand).resolves({ Attributes: { count: 3 } });

      const count = await repo.incrementCounter('SMS', '41791234567', 1_740_823_200, 1_740_826_800);

      expect(count).toBe(3);
      expect(ddb).toHaveReceivedCommandExactlyOnceWith(UpdateCommand, {
        TableName: TABLE,
        Key: { PK: 'SMS#41791234567', SK: 'WINDOW#1740823200' },
        UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
        ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':ttl': 1_740_826_800 },
        ReturnValues: 'UPDATED_NEW',
      });
    });

    it('returns 0 when DynamoDB returns no attributes', async () => {
      ddb.on(UpdateCommand).resolves({});

      await expect(repo.incrementCounter('X', 'y', 1, 2)).resolves.toBe(0);
    });
  });

  it('never scans the table', async () => {
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
});
