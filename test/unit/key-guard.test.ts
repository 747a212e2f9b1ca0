/**
 * Every value that becomes part of a DynamoDB key is checked before DynamoDB sees it: too long
 * (DynamoDB refuses keys over 2,048/1,024 bytes with an error that would be a 500), a `#` (one key
 * could alias another), control or format characters, lone surrogates. A read by such a key finds
 * nothing, a write is a 400 — and no command is sent.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createRepository, type Repository } from '../../lambdas/adapters/dynamo/repository.js';
import { InvalidKeyPart, keyPart, MAX_KEY_PART_BYTES } from '../../lambdas/adapters/dynamo/table-schema.js';
import { order, registration, testIsp } from './fixtures.js';

const ddb = mockClient(DynamoDBDocumentClient);
let repo: Repository;

/** What DynamoDB itself answers to an over-long key: the error the guard keeps callers from. */
const keyTooLong = () =>
  Object.assign(
    new Error(
      'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of 2048 bytes',
    ),
    {
      name: 'ValidationException',
    },
  );

beforeEach(() => {
  ddb.reset();
  ddb.rejects(keyTooLong());
  repo = createRepository(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-2' })), 't');
});

const HOSTILE: [string, string][] = [
  ['1,100 bytes', 'A'.repeat(1100)],
  ['257 bytes', 'A'.repeat(MAX_KEY_PART_BYTES + 1)],
  ['129 two-byte letters', 'Ü'.repeat(129)],
  ['empty', ''],
  ['a key delimiter', 'Test-ISP#KEYS'],
  ['a control character', 'a\u0000b'],
  ['a line break', 'a\nb'],
  ['a format character', 'a\u200bb'],
  ['a lone surrogate', 'a\ud800b'],
];

describe('the key guard', () => {
  it.each(HOSTILE)('reads by a value with %s find nothing, without asking DynamoDB', async (_, value) => {
    const reads = [
      repo.getOrder(value),
      repo.getRegistration(value),
      repo.getSpSetup(value),
      repo.getClaimedIdentity(value),
      repo.getIsp(value),
      repo.getEvidence(value),
      repo.getTermsLink(value),
      repo.getIdempotency('demo-portal', value),
      repo.getIdempotency(value, 'hash'),
    ];

    const found = await Promise.all(reads);
    const records = [];
    for await (const r of repo.amlAccessRecords({ refId: value })) records.push(r);

    expect(found).toEqual(reads.map(() => undefined));
    expect(records).toEqual([]);
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each(HOSTILE)('writes with a value with %s are a 400, without asking DynamoDB', async (_, value) => {
    const writes = [
      repo.createOrder(order({ refId: value })),
      repo.createOrder(order({ clientId: value })),
      repo.putRegistration(registration({ msisdn: value })),
      repo.putIsp({ ...testIsp(), issuer: value }),
      repo.rememberJti(value, 'jti-12345678', new Date(), new Date()),
      repo.rememberJti('Test-ISP', value, new Date(), new Date()),
      repo.lockIdempotency(value, 'hash', {
        fingerprint: 'fp',
        reservation: { refId: 'ref-1' },
        now: new Date(),
        lockSeconds: 30,
        retainSeconds: 60,
      }),
      repo.incrementCounter('RESEND', value, 1, 2),
    ];

    const outcomes = await Promise.allSettled(writes);

    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(InvalidKeyPart);
      expect(reason).toMatchObject({ status: 400 });
    }
    expect(ddb.calls()).toHaveLength(0);
  });

  it('lets every value the service writes through: ids, hashes, names with spaces and letters of any script', () => {
    const values = [
      '5c327977-a154-4747-b99d-c0733f7007c5',
      '41783478228',
      'a'.repeat(128),
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'Test-ISP',
      'Video Ident Demo',
      'Zürich Ident',
      'Ü'.repeat(128),
      '2026-11-29T22:00:00.000Z',
      'jti:abc.def_ghi-1',
    ];

    expect(values.map(keyPart)).toEqual(values);
  });

  it('takes exactly the values without `#` and without a character of Unicode’s category C, printable ASCII decided without the Unicode pattern', () => {
    // The rule as it reads (table-schema.ts builds this pattern only for a value not of printable ASCII).
    const rule = /^[^#\p{C}]+$/u;
    const accepted = (value: string) => {
      try {
        return keyPart(value) === value;
      } catch (err) {
        if (err instanceof InvalidKeyPart) return false;
        throw err;
      }
    };
    // Every code point of the BMP (and astral ones: a letter, an emoji, private use, unassigned)
    // alone, inside, at the end and doubled.
    const codePoints = [...Array(0x10000).keys(), 0x1d400, 0x1f600, 0xf0000, 0xe0001, 0x10fffd];
    const texts = codePoints.flatMap((p) => {
      const c = String.fromCodePoint(p);
      return [c, `A${c}a`, `Id-${c}`, `${c}${c}`];
    });
    expect(texts.filter((text) => accepted(text) !== rule.test(text))).toEqual([]);
    expect(['a#b', ' ', '~', '\u007f', '\u0085', '\u00a0', '\ue000', '\ud800'].map(accepted)).toEqual([
      false,
      true,
      true,
      false,
      false,
      true,
      false,
      false,
    ]);
  });
});
