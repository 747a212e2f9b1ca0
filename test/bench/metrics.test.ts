/**
 * The capacity arithmetic the cost figures rest on (bench/metrics.ts), with exact values worked
 * out by hand from DynamoDB's rules: reads per 4 KB (halved when eventually consistent), writes per
 * 1 KB (the larger of the old and the new item), the same units again in a global secondary index
 * the item is (or was) in, one unit for a write whose condition failed. Against the embedded
 * DynamoDB, metered as the benchmark meters it. And the modelled Lambda duration (bench/cost.ts).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { costModel, loadPrices, modelledDurationMs } from '../../bench/cost.js';
import type { LifecycleFigures } from '../../bench/lifecycle.js';
import { LocalMetrics } from '../../bench/metrics.js';
import { documentClient } from '../../bench/verify-overhead.js';
import { type EmbeddedDynamo, startDynamo } from '../../local/dynamodb.js';

const TABLE = 'metrics-test';
/**
 * An item of about `kb` KB: its attribute names and values add up to 2 + 2 + 4 bytes of names,
 * the two key values (`pk`, `SK`: short), and the `data` string of `kb * 1024 - 40` bytes.
 */
const sized = (pk: string, kb: number, extra: Record<string, string> = {}) => ({
  PK: pk,
  SK: 'SK',
  data: 'x'.repeat(kb * 1024 - 40),
  ...extra,
});
const indexed = { GSI1PK: 'SP#a', GSI1SK: '2026-01-01' };

let dynamo: EmbeddedDynamo;
let db: DynamoDBDocumentClient;
const metrics = new LocalMetrics();

beforeAll(async () => {
  dynamo = await startDynamo({ tableName: TABLE, metrics });
  db = documentClient(dynamo.endpoint);
});

afterAll(async () => {
  db?.destroy();
  await dynamo?.close();
});

beforeEach(() => metrics.reset());

const total = () => metrics.snapshot().dynamoTotal;

describe('DynamoDB capacity, as the benchmark meters it', () => {
  it('a new 1.5 KB item costs 2 write units; read back, 1 read unit consistent and 0.5 eventually consistent', async () => {
    await db.send(new PutCommand({ TableName: TABLE, Item: sized('ORDER#a', 1.5) }));
    await db.send(
      new GetCommand({ TableName: TABLE, Key: { PK: 'ORDER#a', SK: 'SK' }, ConsistentRead: true }),
    );
    await db.send(new GetCommand({ TableName: TABLE, Key: { PK: 'ORDER#a', SK: 'SK' } }));

    expect(total()).toEqual({ requests: 3, writeUnits: 2, readUnits: 1.5 });
    expect(metrics.snapshot().dynamo).toEqual({
      'PutItem ORDER': { requests: 1, writeUnits: 2, readUnits: 0 },
      'GetItem ORDER': { requests: 2, writeUnits: 0, readUnits: 1.5 },
    });
  });

  it('a 9 KB item costs 9 write units, and 3 read units consistent (per 4 KB, rounded up)', async () => {
    await db.send(new PutCommand({ TableName: TABLE, Item: sized('REG#b', 9) }));
    await db.send(new GetCommand({ TableName: TABLE, Key: { PK: 'REG#b', SK: 'SK' }, ConsistentRead: true }));

    expect(total()).toEqual({ requests: 2, writeUnits: 9, readUnits: 3 });
  });

  it('an item with the index keys costs its units twice: once in the table, once in GSI1', async () => {
    await db.send(new PutCommand({ TableName: TABLE, Item: sized('ORDER#c', 1.5, indexed) }));

    expect(total()).toEqual({ requests: 1, writeUnits: 4, readUnits: 0 });
  });

  it('replacing a 2.5 KB item with a 1 KB one costs the larger, 3 units, again in the index it leaves', async () => {
    await db.send(new PutCommand({ TableName: TABLE, Item: sized('ORDER#d', 2.5, indexed) }));
    metrics.reset();

    await db.send(new PutCommand({ TableName: TABLE, Item: sized('ORDER#d', 1) }));

    expect(total()).toEqual({ requests: 1, writeUnits: 6, readUnits: 0 });
  });

  it('an update that gives an item the index keys writes the index too; deleting an indexed item as well', async () => {
    await db.send(new PutCommand({ TableName: TABLE, Item: sized('ORDER#e', 2) }));
    metrics.reset();

    await db.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { PK: 'ORDER#e', SK: 'SK' },
        UpdateExpression: 'SET GSI1PK = :pk, GSI1SK = :sk',
        ExpressionAttributeValues: { ':pk': 'SP#a', ':sk': '2026-01-02' },
      }),
    );
    const afterUpdate = total();
    await db.send(new DeleteCommand({ TableName: TABLE, Key: { PK: 'ORDER#e', SK: 'SK' } }));

    // 2 KB plus 26 bytes of index keys: 3 units, twice.
    expect(afterUpdate).toEqual({ requests: 1, writeUnits: 6, readUnits: 0 });
    expect(total()).toEqual({ requests: 2, writeUnits: 12, readUnits: 0 });
  });

  it('a write whose condition fails still costs one write unit', async () => {
    await db.send(new PutCommand({ TableName: TABLE, Item: sized('IDEMP#f', 1) }));
    metrics.reset();

    await expect(
      db.send(
        new PutCommand({
          TableName: TABLE,
          Item: sized('IDEMP#f', 1),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);

    expect(total()).toEqual({ requests: 1, writeUnits: 1, readUnits: 0 });
  });

  it('a query reads the sum of the items it returns, per 4 KB: two 3 KB items, 2 units consistent, 1 eventually consistent', async () => {
    await db.send(new PutCommand({ TableName: TABLE, Item: { ...sized('AML#g', 3), SK: 'one' } }));
    await db.send(new PutCommand({ TableName: TABLE, Item: { ...sized('AML#g', 3), SK: 'two' } }));
    metrics.reset();
    const query = {
      TableName: TABLE,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': 'AML#g' },
    };

    const consistent = await db.send(new QueryCommand({ ...query, ConsistentRead: true }));
    await db.send(new QueryCommand(query));

    expect(consistent.Items).toHaveLength(2);
    expect(metrics.snapshot().dynamo).toEqual({ 'Query AML': { requests: 2, writeUnits: 0, readUnits: 3 } });
  });

  it('gives the caller the answer it asked for: no ConsumedCapacity unless requested', async () => {
    await db.send(new PutCommand({ TableName: TABLE, Item: sized('ORDER#h', 1) }));

    const plain = await db.send(new GetCommand({ TableName: TABLE, Key: { PK: 'ORDER#h', SK: 'SK' } }));
    const asked = await db.send(
      new GetCommand({ TableName: TABLE, Key: { PK: 'ORDER#h', SK: 'SK' }, ReturnConsumedCapacity: 'TOTAL' }),
    );

    expect(plain.ConsumedCapacity).toBeUndefined();
    expect(asked.ConsumedCapacity).toEqual({ TableName: TABLE, CapacityUnits: 0.5 });
  });
});

describe('the functions’ log output', () => {
  it('counts each line a function writes as a log event with its bytes, and keeps it off the output', async () => {
    const counted = new LocalMetrics();
    const release = counted.captureFunctionLogs();
    try {
      await counted.invoke('verify', async () => {
        process.stdout.write('{"level":"INFO","message":"request handled"}\n');
        process.stderr.write('two\nthree\n');
      });
    } finally {
      release();
    }

    // 44 bytes, then 3 and 5: CloudWatch Logs bills each event's bytes (plus its metadata).
    expect(counted.snapshot().functions.verify).toMatchObject({ invocations: 1, logEvents: 3, logBytes: 52 });
  });
});

describe('the modelled Lambda duration', () => {
  it('is the compute time plus each AWS call of the average invocation, one after another', () => {
    // prices.json: computeMs 3, round trips DynamoDB 6, StepFunctions 25, SNS 60.
    const prices = loadPrices();
    const figures = {
      invocations: 4,
      errors: 0,
      totalMs: 0,
      billedMs: 0,
      p50Ms: 0,
      p99Ms: 0,
      dynamo: { requests: 10, readUnits: 0, writeUnits: 0 },
      serviceCalls: { StepFunctions: 4, SNS: 2 },
      logEvents: 0,
      logBytes: 0,
    };

    // 3 + 10/4 × 6 + 4/4 × 25 + 2/4 × 60 = 3 + 15 + 25 + 30
    expect(modelledDurationMs(figures, prices)).toBe(73);
    expect(modelledDurationMs({ ...figures, invocations: 0 }, prices)).toBe(0);
  });
});

describe('the logs and traces of a million verify calls', () => {
  it('prices each line at its bytes plus 26 bytes an event, per GB of 2^30 bytes, and 5 % of the requests traced', () => {
    // 1000 verify calls, each one INFO line of 412.8 bytes on average (what the run measured).
    const verify = {
      invocations: 1000,
      errors: 0,
      totalMs: 9000,
      billedMs: 9000,
      p50Ms: 9,
      p99Ms: 9,
      dynamo: { requests: 1000, readUnits: 500, writeUnits: 0 },
      serviceCalls: {},
      logEvents: 1000,
      logBytes: 412_800,
    };
    const sample = {
      functions: { verify },
      apiRequests: { 'POST /api/verify': { requests: 1000, status: { '2xx': 1000 } } },
      tokenRequests: 0,
      dynamo: {},
      dynamoByFunction: {},
      dynamoTotal: verify.dynamo,
    };
    const lifecycle = {
      table: { completed: 1 },
      metrics: { ...sample, functions: {}, apiRequests: {} },
      executions: { count: 1, succeeded: 1, stateTransitions: 6, transitionsPerExecution: 6 },
      smsSent: 1,
      verifySample: { calls: 1000, failed: 0, metrics: sample },
    } as unknown as LifecycleFigures;

    const { lines } = costModel(lifecycle, loadPrices()).perMillionVerify;

    const cost = (item: string) => lines.find((l) => l.item.startsWith(item))?.cost;
    // (412,800 + 1000 × 26) bytes / 1000 calls × 10^6 / 2^30 × $0.63
    expect(cost('CloudWatch Logs: the functions’ lines')).toBe(0.25745854);
    // (1000 × 420 + 3000 × 26) bytes / 1000 calls × 10^6 / 2^30 × $0.63
    expect(cost('CloudWatch Logs: Lambda platform lines')).toBe(0.29219314);
    // (480 + 1500 + 13 × 26) bytes a request × 10^6 / 2^30 × $0.63
    expect(cost('CloudWatch Logs: API Gateway access and execution logs')).toBe(1.36004761);
    // 5 % of 10^6 requests traced × $5 per million
    expect(cost('X-Ray traces recorded')).toBe(0.25);
    expect(lines.find((l) => l.item.startsWith('CloudWatch Logs: the functions’ lines'))).toMatchObject({
      quantity: 0.4285,
      unit: 'KB',
    });
  });
});

describe('the Lambda invocations of an identification', () => {
  it('counts each function’s measured invocations per completed identification, without verify and the partner’s', () => {
    const figures = (invocations: number) => ({
      invocations,
      errors: 0,
      totalMs: 0,
      billedMs: invocations,
      p50Ms: 1,
      p99Ms: 1,
      dynamo: { requests: 0, readUnits: 0, writeUnits: 0 },
      serviceCalls: {},
      logEvents: 0,
      logBytes: 0,
    });
    const metrics = {
      functions: {
        'terms-acceptance-relay': figures(200),
        'webhook-fanout': figures(424),
        verify: figures(50),
        'test-isp-simulator': figures(600),
      },
      apiRequests: {},
      tokenRequests: 0,
      dynamo: {},
      dynamoByFunction: {},
      dynamoTotal: { requests: 0, readUnits: 0, writeUnits: 0 },
    };
    const lifecycle = {
      table: { completed: 200 },
      metrics,
      executions: { count: 200, succeeded: 200, stateTransitions: 1200, transitionsPerExecution: 6 },
      smsSent: 200,
      verifySample: { calls: 0, failed: 0, metrics: { ...metrics, functions: {} } },
    } as unknown as LifecycleFigures;

    const cost = costModel(lifecycle, loadPrices());

    expect(cost.invocationsPerIdentification).toEqual({
      'terms-acceptance-relay': 1,
      'webhook-fanout': 2.12,
    });
    expect(cost.perIdentification.lines.find((l) => l.item === 'Lambda requests')?.quantity).toBe(3.12);
  });
});
