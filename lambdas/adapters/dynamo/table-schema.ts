/**
 * The single table's key schema, read by the CDK table (lib/) and by the embedded DynamoDB
 * (local/), so both create the same table. Key design, one entity per partition:
 *
 * | entity              | PK                          | SK        | GSI1PK            | GSI1SK                  |
 * |---------------------|-----------------------------|-----------|-------------------|-------------------------|
 * | registration        | REG#<msisdn digits>         | REG       |                   |                         |
 * | identification order| ORDER#<refId>               | ORDER     | SP#<clientId>     | ORDER#<createdAt>#<refId>|
 * | SP setup            | SP#<clientId>               | SETUP     | SETUPS            | <clientId>              |
 * | claimed identity    | CLAIMED#<claimedIdentity>   | CLAIMED   |                   |                         |
 * | ISP (catalogue)     | CATALOGUE                   | ISP#<issuer> |                |                         |
 * | idempotency record  | IDEMP#<clientId>#<sha256(key)> | IDEMP  |                   |                         |
 * | ISP message jti     | JTI#<issuer>#<jti>          | JTI       |                   |                         |
 * | terms link token    | TERMS#<sha256(token)>       | TERMS     |                   |                         |
 * | evidence (one/order)| EVIDENCE#<refId>            | EVIDENCE  |                   |                         |
 * | rate-limit window   | RESEND#<refId>              | WINDOW#<hour> |               |                         |
 * | AML access record   | AML#<refId>                 | ACCESS#<at>#<id> | AMLLOG     | <at>#<id>               |
 * | usage event         | USAGE#<clientId>#<YYYY-MM>  | EVENT#<refId>#<event> |       |                         |
 * | verify counter      | USAGE#<clientId>#<YYYY-MM>  | VERIFY#<claimedIdentity>#<shard> | |                      |
 *
 * A month's usage of one SP is one partition: its billable identification events (one item per
 * refId and event, no person data) and its verify counters (aggregated, sharded so that no single
 * item takes every verify call). SP setups are listed on GSI1 `SETUPS` for the monthly statements.
 *
 * Every request path is a GetItem or a Query on a key. `ttl` (epoch seconds) lets DynamoDB
 * delete expired idempotency records, jtis and terms tokens; code checks expiry itself because
 * TTL deletes late (and the embedded DynamoDB never does).
 */

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
  },
] as const;

export const TTL_ATTRIBUTE = 'ttl';

/** The GSI1 partition that lists every AML access record by time (for the operator). */
export const AML_LOG_PARTITION = 'AMLLOG';
/** The GSI1 partition that lists every SP setup (for the operator's monthly statements). */
export const SETUPS_PARTITION = 'SETUPS';

export const keys = {
  registration: (msisdn: string) => ({ PK: `REG#${msisdn}`, SK: 'REG' }),
  order: (refId: string) => ({ PK: `ORDER#${refId}`, SK: 'ORDER' }),
  spSetup: (clientId: string) => ({ PK: `SP#${clientId}`, SK: 'SETUP' }),
  spSetupListed: (clientId: string) => ({ GSI1PK: SETUPS_PARTITION, GSI1SK: clientId }),
  claimedIdentity: (id: string) => ({ PK: `CLAIMED#${id}`, SK: 'CLAIMED' }),
  catalogue: () => ({ PK: 'CATALOGUE' }),
  isp: (issuer: string) => ({ PK: 'CATALOGUE', SK: `ISP#${issuer}` }),
  idempotency: (clientId: string, keyHash: string) => ({ PK: `IDEMP#${clientId}#${keyHash}`, SK: 'IDEMP' }),
  jti: (issuer: string, jti: string) => ({ PK: `JTI#${issuer}#${jti}`, SK: 'JTI' }),
  termsToken: (tokenHash: string) => ({ PK: `TERMS#${tokenHash}`, SK: 'TERMS' }),
  /** Keyed by the order: one evidence per order, written once (the evidenceId is an attribute). */
  evidence: (refId: string) => ({ PK: `EVIDENCE#${refId}`, SK: 'EVIDENCE' }),
  /** One access to an order's AML identification data; all of them also under GSI1 `AMLLOG`, by time. */
  amlAccesses: (refId: string) => ({ PK: `AML#${refId}` }),
  amlAccess: (refId: string, at: string, id: string) => ({
    PK: `AML#${refId}`,
    SK: `ACCESS#${at}#${id}`,
    GSI1PK: AML_LOG_PARTITION,
    GSI1SK: `${at}#${id}`,
  }),
  /** One SP's usage in one month: billable events and verify counters. */
  usage: (clientId: string, month: string) => ({ PK: `USAGE#${clientId}#${month}` }),
  usageEvent: (clientId: string, month: string, refId: string, event: string) => ({
    PK: `USAGE#${clientId}#${month}`,
    SK: `EVENT#${refId}#${event}`,
  }),
  verifyCounter: (clientId: string, month: string, claimedIdentity: string, shard: number) => ({
    PK: `USAGE#${clientId}#${month}`,
    SK: `VERIFY#${claimedIdentity}#${shard}`,
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
