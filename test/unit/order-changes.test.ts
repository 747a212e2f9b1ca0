/** The change feed's records read as order changes (lambdas/adapters/dynamo/order-changes.ts). */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { orderChangeOf } from '../../lambdas/adapters/dynamo/order-changes.js';
import { order, REF_ID, statusEntry } from './fixtures.js';

const image = (item: object) => marshall(item) as Record<string, AttributeValue>;
const record = (keys: object, images: { NewImage?: object; OldImage?: object }): DynamoDBRecord => ({
  dynamodb: {
    Keys: image(keys),
    ...(images.NewImage ? { NewImage: image(images.NewImage) } : {}),
    ...(images.OldImage ? { OldImage: image(images.OldImage) } : {}),
    SequenceNumber: '1',
  },
});
const orderKey = { PK: `ORDER#${REF_ID}`, SK: 'ORDER' };

describe('orderChangeOf', () => {
  it('reads an order item’s old and new images as the order before and after', () => {
    const before = order();
    const after = order({ statuses: [statusEntry('created', 0), statusEntry('initialized', 1)] });
    expect(
      orderChangeOf(
        record(orderKey, { OldImage: { ...orderKey, ...before }, NewImage: { ...orderKey, ...after } }),
      ),
    ).toStrictEqual({
      before: { ...orderKey, ...before },
      after: { ...orderKey, ...after },
    });
  });

  it('reads a new order (no old image) as one without a before', () => {
    expect(
      orderChangeOf(record(orderKey, { NewImage: { ...orderKey, ...order() } }))?.before,
    ).toBeUndefined();
  });

  it('is no order change for another kind of item or a deleted order', () => {
    const webhook = { PK: 'CLIENT#demo-portal', SK: 'WEBHOOK#w-1' };
    expect(
      orderChangeOf(record(webhook, { NewImage: { ...webhook, url: 'https://sp.example' } })),
    ).toBeUndefined();
    expect(orderChangeOf(record(orderKey, { OldImage: { ...orderKey, ...order() } }))).toBeUndefined();
  });
});
