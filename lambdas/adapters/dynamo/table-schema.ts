/**
 * The single table's key schema, read by the CDK table (lib/) and by the embedded DynamoDB
 * (local/), so both create the same table. Key design, one entity per partition:
 *
 * | entity              | PK                          | SK        | GSI1PK            | GSI1SK                  |
 * |---------------------|-----------------------------|-----------|-------------------|-------------------------|
 * | registration        | REG#<msisdn digits>         | REG       |                   |                         |
 * | identification order| ORDER#<refId>               | ORDER     | SP#<clientId>     | ORDER#<createdAt>#<refId>|
 * | SP setup            | SP#<clientId>               | SETUP     | SETUPS            | <clientId>              |
 * | claimed identity    | CLAIMED#<claimedIdentity>   | CLAIMED   | CLAIMEDIDS        | <claimedIdentity>       |
 * | ISP (catalogue)     | CATALOGUE                   | ISP#<issuer> |                |                         |
 * | idempotency record  | IDEMP#<clientId>#<sha256(key)> | IDEMP  |                   |                         |
 * | ISP message jti     | JTI#<issuer>#<jti>          | JTI       |                   |                         |
 * | terms link token    | TERMS#<sha256(token)>       | TERMS     |                   |                         |
 * | evidence (one/order)| EVIDENCE#<refId>            | EVIDENCE  |                   |                         |
 * | rate-limit window   | RESEND#<refId>              | WINDOW#<hour> |               |                         |
 * | AML access record   | AML#<refId>                 | ACCESS#<at>#<id> | AMLLOG     | <at>#<id>               |
 * | terms of use version| TERMSOFUSE#<version>        | TERMSOFUSE |                  |                         |
 * | current terms of use| TERMSOFUSE                  | CURRENT   |                   |                         |
 * | usage event         | USAGE#<clientId>#<YYYY-MM>  | EVENT#<refId>#<event> |       |                         |
 * | verify counter      | USAGE#<clientId>#<YYYY-MM>  | VERIFY#<claimedIdentity>#<shard> | |                      |
 * | erasure record      | ERASURE#<id>                | ERASURE   | ERASURES          | <at>#<id>               |
 * | webhook endpoint    | SP#<clientId>               | WEBHOOK#<id> |                |                         |
 * | webhook delivery    | WEBHOOK#<endpointId>        | DELIVERY#<messageId> | WEBHOOK#<endpointId> | <createdAt>#<messageId> |
 *
 * A month's usage of one SP is one partition: its billable identification events (one item per
 * refId and event, no person data) and its verify counters (aggregated, sharded so that no single
 * item takes every verify call). SP setups are listed on GSI1 `SETUPS` for the monthly statements,
 * claimed identities on GSI1 `CLAIMEDIDS` so that seeding removes the ones the configuration no
 * longer has.
 *
 * GSI2 (keys only) lists the items that hold a person's mobile number under `GSI2PK` =
 * `MOBILE#<msisdn digits>`, `GSI2SK` = the item's own PK: the orders placed for the number and the
 * start call's idempotency records of those orders. Erasure finds them with one Query (the
 * registration is keyed by the number itself); nothing on a request path reads GSI2.
 *
 * An SP's webhook endpoints share its setup's partition (one Query lists them, and another SP's id
 * is simply not found); deliveries are listed newest first per endpoint on GSI1.
 *
 * Every request path is a GetItem or a Query on a key. `ttl` (epoch seconds) lets DynamoDB delete
 * expired items; what expires when is the retention policy (lambdas/core/retention.ts,
 * docs/retention.md). Code checks expiry itself where it matters, because TTL deletes late (and
 * locally only the embedded stack's emulation deletes, local/time-to-live.ts).
 */

import { Problem } from '../../core/problems.js';
import { unicodePattern, unicodeRegExp } from '../../core/unicode-pattern.js';

export const TABLE_KEYS = {
  partitionKey: { name: 'PK', type: 'S' },
  sortKey: { name: 'SK', type: 'S' },
} as const;

export const GLOBAL_INDEXES = [
  {
    indexName: 'GSI1',
    partitionKey: { name: 'GSI1PK', type: 'S' },
    sortKey: { name: 'GSI1SK', type: 'S' },
    projection: 'ALL',
    /** Queried by the functions (they get IAM access to it). */
    readByFunctions: true,
  },
  {
    // The items that hold a mobile number, for erasure (the operator's): keys only, so that an
    // order's writes after the first do not write the index again (its keys do not change).
    indexName: 'GSI2',
    partitionKey: { name: 'GSI2PK', type: 'S' },
    sortKey: { name: 'GSI2SK', type: 'S' },
    projection: 'KEYS_ONLY',
    readByFunctions: false,
  },
] as const;

export const TTL_ATTRIBUTE = 'ttl';

/** The GSI1 partition that lists every AML access record by time (for the operator). */
export const AML_LOG_PARTITION = 'AMLLOG';
/** The GSI1 partition that lists every SP setup (for the operator's monthly statements). */
export const SETUPS_PARTITION = 'SETUPS';
/** The GSI1 partition that lists every seeded claimed identity (seeding converges it to the config). */
export const CLAIMED_IDENTITIES_PARTITION = 'CLAIMEDIDS';

/**
 * The most a value may take up inside a key, in UTF-8 bytes. DynamoDB refuses a partition key over
 * 2,048 bytes and a sort key over 1,024 (a ValidationException, a 500 if it got that far); with at
 * most two values per key this keeps every key well inside both limits, and it is above every value
 * the service writes (ids, hashes, issuer and client names of at most 128 characters).
 */
export const MAX_KEY_PART_BYTES = 256;

/**
 * A value that cannot be part of a key: empty, too long, or with characters no key the service
 * writes contains — the `#` that separates a key's parts (it could make one key alias another),
 * control and format characters, and lone surrogates (they do not survive UTF-8).
 * The repository answers a read by such a key as "no such item" (it cannot have been written) and
 * refuses a write with it as a bad request, so that caller input never reaches DynamoDB's own limits.
 */
export class InvalidKeyPart extends Problem {
  constructor() {
    super({
      status: 400,
      slug: 'validation',
      title: 'Invalid request',
      detail: 'An identifier in the request is too long or contains characters it may not contain.',
    });
    this.name = 'InvalidKeyPart';
  }
}

/**
 * No `#` and no character of Unicode's category C (controls, format characters, lone surrogates,
 * private use, unassigned). Printable ASCII without `#` is decided without the Unicode pattern, which
 * is built for any other value (unicode-pattern.ts): a literal's `\p{C}` would be built when V8
 * parses the bundle and again at its first test, in every function with the table, although nearly
 * every key part (ids, UUIDs, client ids) is ASCII.
 */
const KEY_PART = /* @__PURE__ */ unicodePattern(/^[\x20-\x22\x24-\x7E]+$/, () =>
  unicodeRegExp('^[^#\\p{C}]+$'),
);

/** The value itself, if it may be part of a key; InvalidKeyPart otherwise. */
export function keyPart(value: string): string {
  if (
    typeof value !== 'string' ||
    !KEY_PART.test(value) ||
    Buffer.byteLength(value, 'utf8') > MAX_KEY_PART_BYTES
  ) {
    throw new InvalidKeyPart();
  }
  return value;
}

/** `PREFIX#part#part…`, every variable part checked by keyPart. */
const key = (prefix: string, ...parts: string[]) => [prefix, ...parts.map(keyPart)].join('#');

/** An order item's sort key: the change feed's consumers select orders by it. */
export const ORDER_SK = 'ORDER';

export const keys = {
  registration: (msisdn: string) => ({ PK: key('REG', msisdn), SK: 'REG' }),
  order: (refId: string) => ({ PK: key('ORDER', refId), SK: ORDER_SK }),
  /** Where an SP's orders are listed on GSI1, oldest first. */
  ordersOfSp: (clientId: string, createdAt: string, refId: string) => ({
    GSI1PK: key('SP', clientId),
    GSI1SK: key('ORDER', createdAt, refId),
  }),
  spSetup: (clientId: string) => ({ PK: key('SP', clientId), SK: 'SETUP' }),
  spSetupListed: (clientId: string) => ({ GSI1PK: SETUPS_PARTITION, GSI1SK: keyPart(clientId) }),
  /** An item that holds this mobile number (digits), listed for erasure on GSI2. */
  heldForMobile: (msisdn: string, itemPk: string) => ({ GSI2PK: key('MOBILE', msisdn), GSI2SK: itemPk }),
  /** The items listed for erasure under a mobile number (digits). */
  itemsOfMobile: (msisdn: string) => ({ GSI2PK: key('MOBILE', msisdn) }),
  claimedIdentity: (id: string) => ({ PK: key('CLAIMED', id), SK: 'CLAIMED' }),
  claimedIdentityListed: (id: string) => ({ GSI1PK: CLAIMED_IDENTITIES_PARTITION, GSI1SK: keyPart(id) }),
  catalogue: () => ({ PK: 'CATALOGUE' }),
  isp: (issuer: string) => ({ PK: 'CATALOGUE', SK: key('ISP', issuer) }),
  idempotency: (clientId: string, keyHash: string) => ({ PK: key('IDEMP', clientId, keyHash), SK: 'IDEMP' }),
  jti: (issuer: string, jti: string) => ({ PK: key('JTI', issuer, jti), SK: 'JTI' }),
  termsToken: (tokenHash: string) => ({ PK: key('TERMS', tokenHash), SK: 'TERMS' }),
  /** Keyed by the order: one evidence per order, written once (the evidenceId is an attribute). */
  evidence: (refId: string) => ({ PK: key('EVIDENCE', refId), SK: 'EVIDENCE' }),
  /** A published terms-of-use version, never changed once written. */
  termsOfUse: (version: string) => ({ PK: key('TERMSOFUSE', version), SK: 'TERMSOFUSE' }),
  /** The version new acceptances get (a copy of it, so the terms page costs one read). */
  currentTermsOfUse: () => ({ PK: 'TERMSOFUSE', SK: 'CURRENT' }),
  /** One access to an order's AML identification data; all of them also under GSI1 `AMLLOG`, by time. */
  amlAccesses: (refId: string) => ({ PK: key('AML', refId) }),
  amlAccess: (refId: string, at: string, id: string) => ({
    PK: key('AML', refId),
    SK: key('ACCESS', at, id),
    GSI1PK: AML_LOG_PARTITION,
    GSI1SK: `${keyPart(at)}#${keyPart(id)}`,
  }),
  /** A counter window of a rate limit that lives in the data: `RESEND#<refId>`, `WINDOW#<hour>`. */
  counterWindow: (name: string, subject: string, windowStart: number) => ({
    PK: key(keyPart(name), subject),
    SK: `WINDOW#${windowStart}`,
  }),
  /** One SP's usage in one month: billable events and verify counters. */
  usage: (clientId: string, month: string) => ({ PK: key('USAGE', clientId, month) }),
  usageEvent: (clientId: string, month: string, refId: string, event: string) => ({
    PK: key('USAGE', clientId, month),
    SK: key('EVENT', refId, event),
  }),
  /** A record that an erasure happened (no person data); listed by time on GSI1 `ERASURES`. */
  erasure: (at: string, id: string) => ({
    PK: `ERASURE#${id}`,
    SK: 'ERASURE',
    GSI1PK: 'ERASURES',
    GSI1SK: `${at}#${id}`,
  }),
  verifyCounter: (clientId: string, month: string, claimedIdentity: string, shard: number) => ({
    PK: key('USAGE', clientId, month),
    SK: key('VERIFY', claimedIdentity, String(shard)),
  }),
  /** An SP's webhook endpoints, in its setup's partition. */
  webhooks: (clientId: string) => ({ PK: key('SP', clientId), SKPrefix: 'WEBHOOK#' }),
  webhook: (clientId: string, id: string) => ({ PK: key('SP', clientId), SK: key('WEBHOOK', id) }),
  /** An endpoint's deliveries, newest first on GSI1. */
  deliveries: (endpointId: string) => ({ GSI1PK: key('WEBHOOK', endpointId) }),
  delivery: (endpointId: string, messageId: string) => ({
    PK: key('WEBHOOK', endpointId),
    SK: key('DELIVERY', messageId),
  }),
} as const;

/** CreateTable input for the embedded DynamoDB, derived from the definitions above. */
export function createTableInput(tableName: string) {
  const attributeNames = new Set<string>([TABLE_KEYS.partitionKey.name, TABLE_KEYS.sortKey.name]);
  for (const gsi of GLOBAL_INDEXES) {
    attributeNames.add(gsi.partitionKey.name);
    attributeNames.add(gsi.sortKey.name);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attributeNames].map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey.name, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sortKey.name, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: GLOBAL_INDEXES.map((gsi) => ({
      IndexName: gsi.indexName,
      KeySchema: [
        { AttributeName: gsi.partitionKey.name, KeyType: 'HASH' as const },
        { AttributeName: gsi.sortKey.name, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: gsi.projection },
    })),
  };
}
