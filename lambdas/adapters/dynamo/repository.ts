/**
 * All reads and writes of the single table. Every write is a single-item conditional write:
 * `attribute_not_exists` to create once, a `version` condition for order transitions. It implements
 * the storage ports of the use cases (usecases/ports/); a failed condition is core's ConditionFailed.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { IspConfig, SpSetup } from '../../core/domain.js';
import { ConditionFailed } from '../../core/errors.js';
import type { Order } from '../../core/order.js';
import type { Registration } from '../../core/registration.js';
import {
  amlAccessExpiry,
  erasureRecordExpiry,
  orderExpiry,
  pendingEvidenceExpiry,
  type RetentionPolicy,
  registeredEvidenceExpiry,
  registrationExpiry,
  retentionPolicyFrom,
  usageExpiry,
  verifyCounterExpiry,
  webhookDeliveryExpiry,
} from '../../core/retention.js';
import type { TermsOfUse } from '../../core/terms-of-use.js';
import type { UsageRecord, VerifyCounts } from '../../core/usage.js';
import type { WebhookDelivery, WebhookEndpoint } from '../../core/webhooks.js';
import type { AmlAccessFilter, AmlAccessLog, AmlAccessRecord } from '../../usecases/ports/aml-access-log.js';
import type {
  ClaimedIdentity,
  ConfigReader,
  ConfigWriter,
  TermsOfUseReader,
} from '../../usecases/ports/config.js';
import type { ErasureRecord, ErasureStore } from '../../usecases/ports/erasure.js';
import type {
  IdempotencyRecord,
  IdempotencyReservation,
  IdempotencyStore,
} from '../../usecases/ports/idempotency.js';
import type {
  EvidenceStore,
  OrderStore,
  StoredEvidence,
  TermsLink,
  TermsLinkStore,
  WindowCounters,
} from '../../usecases/ports/orders.js';
import type { RegistrationStore } from '../../usecases/ports/registrations.js';
import type { ReplayGuard } from '../../usecases/ports/replay-guard.js';
import type { UsageLog } from '../../usecases/ports/usage.js';
import type { StoredDelivery, WebhookStore } from '../../usecases/ports/webhooks.js';
import {
  AML_LOG_PARTITION,
  InvalidKeyPart,
  keyPart,
  keys,
  SETUPS_PARTITION,
  TTL_ATTRIBUTE,
} from './table-schema.js';

const epochSeconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** Strips the storage keys off an item. */
function entity<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const { PK: _pk, SK: _sk, GSI1PK: _g1, GSI1SK: _g2, [TTL_ATTRIBUTE]: _ttl, ...rest } = item;
  return rest as T;
}

/** An order as stored: listed per SP, oldest first, on GSI1; expires as the retention policy says. */
function orderItem(order: Order, retention: RetentionPolicy): Record<string, unknown> {
  return {
    ...keys.order(order.refId),
    ...keys.ordersOfSp(order.clientId, order.createdAt, order.refId),
    ...order,
    [TTL_ATTRIBUTE]: orderExpiry(order, retention),
  };
}

/**
 * A read by a key with an ill-formed part (see keyPart) finds nothing: no such key can have been
 * written. Callers answer it as they answer any unknown id, and DynamoDB never sees the value.
 */
async function absentIfIllFormed<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof InvalidKeyPart) return undefined;
    throw err;
  }
}

/** JSON with object keys sorted, so equal content hashes equally whatever the key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

async function conditional<T>(write: Promise<T>, message: string): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (
      err instanceof ConditionalCheckFailedException ||
      (err as Error).name === 'ConditionalCheckFailedException'
    ) {
      throw new ConditionFailed(message);
    }
    throw err;
  }
}

/** The single table behind every storage port. */
export class Repository
  implements
    OrderStore,
    EvidenceStore,
    TermsLinkStore,
    WindowCounters,
    RegistrationStore,
    ConfigReader,
    ConfigWriter,
    TermsOfUseReader,
    IdempotencyStore,
    ReplayGuard,
    AmlAccessLog,
    UsageLog,
    ErasureStore,
    WebhookStore
{
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** When items expire (their `ttl`); defaults with the RETENTION_* environment's overrides. */
    private readonly retention: RetentionPolicy = retentionPolicyFrom(process.env),
  ) {}

  /** The item under a key, built inside so that an ill-formed key part reads as no item. */
  private async getItem<T>(key: () => Record<string, string>, consistent = false): Promise<T | undefined> {
    return absentIfIllFormed(async () => {
      const out = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: key(),
          ...(consistent ? { ConsistentRead: true } : {}),
        }),
      );
      return entity<T>(out.Item);
    });
  }

  private async putItem(item: Record<string, unknown>): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  /** Writes an item that must not exist yet; ConditionFailed with `message` if it does. */
  private async createItem(item: Record<string, unknown>, message: string): Promise<void> {
    await conditional(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
      message,
    );
  }

  // ------------------------------------------------------------ registrations

  async getRegistration(msisdn: string): Promise<Registration | undefined> {
    return this.getItem<Registration>(() => keys.registration(msisdn));
  }

  /** A newer identification of the same person replaces the registration. */
  async putRegistration(reg: Registration): Promise<void> {
    await this.putItem({
      ...keys.registration(reg.msisdn),
      ...reg,
      [TTL_ATTRIBUTE]: registrationExpiry(reg),
    });
  }

  // ------------------------------------------------------------ orders

  async getOrder(refId: string): Promise<Order | undefined> {
    return this.getItem<Order>(() => keys.order(refId), true);
  }

  async createOrder(order: Order): Promise<void> {
    await this.createItem(orderItem(order, this.retention), `Order ${order.refId} already exists`);
  }

  /** Writes the order if nobody else wrote it since `order.version - 1` was read. */
  async saveOrder(order: Order): Promise<void> {
    await conditional(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: orderItem(order, this.retention),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': order.version - 1 },
        }),
      ),
      `Order ${order.refId} was changed concurrently`,
    );
  }

  // ------------------------------------------------------------ setup and catalogue

  async getSpSetup(clientId: string): Promise<SpSetup | undefined> {
    return this.getItem<SpSetup>(() => keys.spSetup(clientId));
  }

  async putSpSetup(sp: SpSetup): Promise<void> {
    await this.putItem({ ...keys.spSetup(sp.clientId), ...keys.spSetupListed(sp.clientId), ...sp });
  }

  /** Every SP setup, by client id (GSI1 `SETUPS`; for the operator, never on a request path). */
  async listSpSetups(): Promise<SpSetup[]> {
    const setups: SpSetup[] = [];
    for await (const item of this.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': SETUPS_PARTITION },
    }))
      setups.push(entity<SpSetup>(item) as SpSetup);
    return setups;
  }

  async getClaimedIdentity(id: string): Promise<ClaimedIdentity | undefined> {
    return this.getItem<ClaimedIdentity>(() => keys.claimedIdentity(id));
  }

  async putClaimedIdentity(ci: ClaimedIdentity): Promise<void> {
    await this.putItem({ ...keys.claimedIdentity(ci.claimedIdentity), ...ci });
  }

  async listIsps(): Promise<IspConfig[]> {
    const isps: IspConfig[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.catalogue().PK },
    }))
      isps.push(entity<IspConfig>(item) as IspConfig);
    return isps;
  }

  async getIsp(issuer: string): Promise<IspConfig | undefined> {
    return this.getItem<IspConfig>(() => keys.isp(issuer));
  }

  async putIsp(isp: IspConfig): Promise<void> {
    await this.putItem({ ...keys.isp(isp.issuer), ...isp });
  }

  // ------------------------------------------------------------ terms of use

  /**
   * Publishes a terms-of-use version and makes it the current one. A version is written once: the
   * same text again changes nothing, another text under a published version is refused
   * (ConditionFailed), so a recorded acceptance always names the text the person saw.
   */
  async publishTermsOfUse(terms: TermsOfUse): Promise<void> {
    const sha256 = createHash('sha256').update(canonicalJson(terms)).digest('hex');
    await conditional(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.termsOfUse(terms.version), ...terms, sha256 },
          ConditionExpression: 'attribute_not_exists(PK) OR sha256 = :sha256',
          ExpressionAttributeValues: { ':sha256': sha256 },
        }),
      ),
      `Terms of use version ${terms.version} is already published with another text: give the new text a new version.`,
    );
    await this.putItem({ ...keys.currentTermsOfUse(), ...terms, sha256 });
  }

  async getCurrentTermsOfUse(): Promise<TermsOfUse | undefined> {
    const item = await this.getItem<TermsOfUse & { sha256?: string }>(() => keys.currentTermsOfUse());
    if (!item) return undefined;
    const { sha256: _sha, ...terms } = item;
    return terms;
  }

  async getTermsOfUse(version: string): Promise<TermsOfUse | undefined> {
    const item = await this.getItem<TermsOfUse & { sha256?: string }>(() => keys.termsOfUse(version));
    if (!item) return undefined;
    const { sha256: _sha, ...terms } = item;
    return terms;
  }

  // ------------------------------------------------------------ idempotency

  /** The record for a key, unless it is past its retention (TTL deletes late, so check here). */
  async getIdempotency(
    clientId: string,
    keyHash: string,
    now = new Date(),
  ): Promise<IdempotencyRecord | undefined> {
    return absentIfIllFormed(async () => {
      const out = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: keys.idempotency(clientId, keyHash),
          ConsistentRead: true,
        }),
      );
      const ttl = out.Item?.[TTL_ATTRIBUTE];
      if (typeof ttl === 'number' && ttl < epochSeconds(now)) return undefined;
      return entity<IdempotencyRecord>(out.Item);
    });
  }

  /**
   * Takes the key for one request. Fails when another request holds it or has completed it; a lock
   * left by a crashed request can be taken over once it has lapsed.
   */
  async lockIdempotency(
    clientId: string,
    keyHash: string,
    fingerprint: string,
    reservation: IdempotencyReservation,
    now: Date,
    lockSeconds: number,
    retainSeconds: number,
  ): Promise<void> {
    const record: IdempotencyRecord = {
      state: 'in-progress',
      fingerprint,
      lockedUntil: epochSeconds(now) + lockSeconds,
      ...reservation,
    };
    await conditional(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.idempotency(clientId, keyHash),
            ...record,
            [TTL_ATTRIBUTE]: epochSeconds(now) + retainSeconds,
          },
          // Free, or a lapsed lock of a crashed request, or a record past its retention.
          ConditionExpression:
            'attribute_not_exists(PK) OR (#state = :inProgress AND lockedUntil < :now) OR #ttl < :now',
          ExpressionAttributeNames: { '#state': 'state', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':inProgress': 'in-progress', ':now': epochSeconds(now) },
        }),
      ),
      'Idempotency key is taken',
    );
  }

  async completeIdempotency(
    clientId: string,
    keyHash: string,
    fingerprint: string,
    statusCode: number,
    body: string,
    now: Date,
    retainSeconds: number,
  ): Promise<void> {
    const record: IdempotencyRecord = { state: 'completed', fingerprint, statusCode, body };
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.idempotency(clientId, keyHash),
          ...record,
          [TTL_ATTRIBUTE]: epochSeconds(now) + retainSeconds,
        },
      }),
    );
  }

  /**
   * Frees the key after a failed request so that the SP can retry with it at once. A request that
   * may have written its order keeps its reservation (the lock lapses now), so that the retry
   * answers that order; otherwise the record goes, and nothing is left behind.
   */
  async releaseIdempotency(
    clientId: string,
    keyHash: string,
    fingerprint: string,
    keepReservation = false,
  ): Promise<void> {
    const held = {
      TableName: this.tableName,
      Key: keys.idempotency(clientId, keyHash),
      ConditionExpression: '#state = :inProgress AND fingerprint = :fp',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':inProgress': 'in-progress', ':fp': fingerprint },
    };
    await conditional(
      this.db.send(
        keepReservation
          ? new UpdateCommand({
              ...held,
              UpdateExpression: 'SET lockedUntil = :lapsed',
              ExpressionAttributeValues: { ...held.ExpressionAttributeValues, ':lapsed': 0 },
            })
          : new DeleteCommand(held),
      ),
      'Idempotency key is not held by this request',
    ).catch((err) => {
      if (!(err instanceof ConditionFailed)) throw err;
    });
  }

  // ------------------------------------------------------------ evidence and terms links

  /**
   * Evidence is immutable: one per order, written once. Until a registration rests on it, it
   * expires with an order that ends without one.
   */
  async createEvidence(evidence: StoredEvidence, order: Order): Promise<void> {
    await this.createItem(
      {
        ...keys.evidence(evidence.refId),
        ...evidence,
        [TTL_ATTRIBUTE]: pendingEvidenceExpiry(order, this.retention),
      },
      `Evidence for ${evidence.refId} exists`,
    );
  }

  /** A registration rests on this evidence: keep it for the registration's validity and the legal period. */
  async retainEvidence(refId: string, registrationValidUntil: string): Promise<void> {
    await conditional(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.evidence(refId),
          UpdateExpression: 'SET #ttl = :ttl',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':ttl': registeredEvidenceExpiry(registrationValidUntil, this.retention),
          },
        }),
      ),
      `No evidence for ${refId}`,
    );
  }

  async getEvidence(refId: string): Promise<StoredEvidence | undefined> {
    return this.getItem<StoredEvidence>(() => keys.evidence(refId), true);
  }

  async createTermsLink(link: TermsLink): Promise<void> {
    await this.createItem(
      {
        ...keys.termsToken(link.tokenHash),
        ...link,
        [TTL_ATTRIBUTE]: epochSeconds(new Date(link.expiresAt)) + 86400,
      },
      'Terms link exists',
    );
  }

  async getTermsLink(tokenHash: string): Promise<TermsLink | undefined> {
    return this.getItem<TermsLink>(() => keys.termsToken(tokenHash), true);
  }

  /** Single use: only the first caller gets to use the link. */
  async useTermsLink(tokenHash: string, now: Date): Promise<void> {
    await conditional(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.termsToken(tokenHash),
          UpdateExpression: 'SET usedAt = :now',
          ConditionExpression:
            'attribute_exists(PK) AND attribute_not_exists(usedAt) AND expiresAt > :nowIso',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':nowIso': now.toISOString() },
        }),
      ),
      'Terms link is used, expired or unknown',
    );
  }

  // ------------------------------------------------------------ AML access records

  /** Records an access; written once, never changed, kept as the retention policy says. */
  async recordAmlAccess(record: AmlAccessRecord): Promise<void> {
    await this.createItem(
      {
        ...keys.amlAccess(record.refId, record.at, record.id),
        ...record,
        [TTL_ATTRIBUTE]: amlAccessExpiry(record.at, this.retention),
      },
      `AML access record ${record.id} exists`,
    );
  }

  /**
   * The access records, oldest first: of one order (its partition), or of all orders (GSI1
   * `AMLLOG`), optionally from a point in time on. Pages through the whole result.
   */
  async *amlAccessRecords(filter: AmlAccessFilter = {}): AsyncGenerator<AmlAccessRecord> {
    const byOrder = filter.refId !== undefined;
    // An order id that cannot be a key has no records.
    const partition = await absentIfIllFormed(async () =>
      byOrder ? keys.amlAccesses(filter.refId as string).PK : AML_LOG_PARTITION,
    );
    if (partition === undefined) return;
    const since = filter.since !== undefined;
    for await (const item of this.queryAll({
      ...(byOrder ? {} : { IndexName: 'GSI1' }),
      KeyConditionExpression: since ? '#pk = :pk AND #sk >= :from' : '#pk = :pk',
      ExpressionAttributeNames: {
        '#pk': byOrder ? 'PK' : 'GSI1PK',
        ...(since ? { '#sk': byOrder ? 'SK' : 'GSI1SK' } : {}),
      },
      ExpressionAttributeValues: {
        ':pk': partition,
        ...(since ? { ':from': `${byOrder ? 'ACCESS#' : ''}${keyPart(filter.since as string)}` } : {}),
      },
    }))
      yield entity<AmlAccessRecord>(item) as AmlAccessRecord;
  }

  // ------------------------------------------------------------ usage

  /**
   * Stores billable events. Each is keyed by its refId and event and always has the same content,
   * so writing one again (a retried step, a duplicated partner message) changes nothing.
   */
  async putUsageRecords(records: readonly UsageRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 25) {
      let requests = records.slice(i, i + 25).map((r) => ({
        PutRequest: {
          Item: {
            ...keys.usageEvent(r.clientId, r.month, r.refId, r.event),
            ...r,
            [TTL_ATTRIBUTE]: usageExpiry(r.at, this.retention),
          },
        },
      }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt === 5) throw new Error('Usage records not written: DynamoDB left them unprocessed');
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        const out = await this.db.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
  }

  /** Adds to a verify counter (one shard of one claimed identity's month). */
  async addVerifyCounts(
    key: { clientId: string; month: string; claimedIdentity: string; shard: number },
    delta: { calls: number; positive: number; negative: number },
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.verifyCounter(key.clientId, key.month, key.claimedIdentity, key.shard),
        UpdateExpression:
          'SET clientId = :c, #month = :m, claimedIdentity = :ci, #ttl = :ttl ADD calls :calls, positive :pos, negative :neg',
        ExpressionAttributeNames: { '#month': 'month', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':ttl': verifyCounterExpiry(key.month, this.retention),
          ':c': key.clientId,
          ':m': key.month,
          ':ci': key.claimedIdentity,
          ':calls': delta.calls,
          ':pos': delta.positive,
          ':neg': delta.negative,
        },
      }),
    );
  }

  /** One SP's usage in one month: its billable events and its verify counter shards. */
  async usageOf(clientId: string, month: string): Promise<{ events: UsageRecord[]; verify: VerifyCounts[] }> {
    const events: UsageRecord[] = [];
    const verify: VerifyCounts[] = [];
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.usage(clientId, month).PK },
    })) {
      if (String(item.SK).startsWith('EVENT#')) events.push(entity<UsageRecord>(item) as UsageRecord);
      else if (String(item.SK).startsWith('VERIFY#')) verify.push(entity<VerifyCounts>(item) as VerifyCounts);
    }
    return { events, verify };
  }

  /** Pages through a query's whole result. */
  private queryAll(
    input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName' | 'ExclusiveStartKey'>,
  ): AsyncGenerator<Record<string, unknown>> {
    return this.pages(
      (startKey) => new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: startKey }),
    );
  }

  /** Pages through a scan's whole result (operator commands only, never a request path). */
  private scanAll(
    input: Omit<ConstructorParameters<typeof ScanCommand>[0], 'TableName' | 'ExclusiveStartKey'>,
  ): AsyncGenerator<Record<string, unknown>> {
    return this.pages(
      (startKey) => new ScanCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: startKey }),
    );
  }

  private async *pages(
    page: (startKey: Record<string, unknown> | undefined) => QueryCommand | ScanCommand,
  ): AsyncGenerator<Record<string, unknown>> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(page(startKey) as QueryCommand);
      yield* out.Items ?? [];
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  }

  // ------------------------------------------------------------ erasure

  /**
   * Every order placed for this mobile number (E.164), by any SP. A Scan with a filter: erasure
   * requests are rare and come from the operator, never from a request path.
   */
  async ordersOfMobile(mobile: string): Promise<Order[]> {
    const orders: Order[] = [];
    for await (const item of this.scanAll({
      FilterExpression: 'begins_with(PK, :order) AND #person.#mobile = :mobile',
      ExpressionAttributeNames: { '#person': 'person', '#mobile': 'mobile' },
      ExpressionAttributeValues: { ':order': 'ORDER#', ':mobile': mobile },
    }))
      orders.push(entity<Order>(item) as Order);
    return orders;
  }

  /** Deletes an order, its evidence (the partner's JWS with it) or a registration; false if there was none. */
  async deleteOrder(refId: string): Promise<boolean> {
    return this.deleteItem(keys.order(refId));
  }

  async deleteEvidence(refId: string): Promise<boolean> {
    return this.deleteItem(keys.evidence(refId));
  }

  async deleteTermsLink(tokenHash: string): Promise<boolean> {
    return this.deleteItem(keys.termsToken(tokenHash));
  }

  async deleteRegistration(msisdn: string): Promise<boolean> {
    return this.deleteItem(keys.registration(msisdn));
  }

  private async deleteItem(key: Record<string, string>): Promise<boolean> {
    const out = await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: key, ReturnValues: 'ALL_OLD' }),
    );
    return out.Attributes !== undefined;
  }

  async recordErasure(record: ErasureRecord): Promise<void> {
    await this.createItem(
      {
        ...keys.erasure(record.at, record.id),
        ...record,
        [TTL_ATTRIBUTE]: erasureRecordExpiry(record.at, this.retention),
      },
      `Erasure record ${record.id} exists`,
    );
  }

  // ------------------------------------------------------------ webhooks

  /** The SP's endpoints (its own partition: another SP's are never read). */
  async listWebhooks(clientId: string): Promise<WebhookEndpoint[]> {
    const endpoints: WebhookEndpoint[] = [];
    const partition = keys.webhooks(clientId);
    for await (const item of this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': partition.PK, ':prefix': partition.SKPrefix },
      ConsistentRead: true,
    }))
      endpoints.push(entity<WebhookEndpoint>(item) as WebhookEndpoint);
    return endpoints;
  }

  async getWebhook(clientId: string, id: string): Promise<WebhookEndpoint | undefined> {
    return this.getItem<WebhookEndpoint>(() => keys.webhook(clientId, id), true);
  }

  async createWebhook(endpoint: WebhookEndpoint): Promise<void> {
    await this.createItem(
      { ...keys.webhook(endpoint.clientId, endpoint.id), ...endpoint },
      `Webhook ${endpoint.id} exists`,
    );
  }

  /** Replaces the secrets if the endpoint still has the ones read (two rotations at once: one wins). */
  async replaceWebhookSecrets(endpoint: WebhookEndpoint, expectedCurrent: string): Promise<void> {
    await conditional(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.webhook(endpoint.clientId, endpoint.id),
          UpdateExpression: 'SET secrets = :secrets',
          ConditionExpression: 'attribute_exists(PK) AND secrets[0].secret = :current',
          ExpressionAttributeValues: { ':secrets': endpoint.secrets, ':current': expectedCurrent },
        }),
      ),
      `Webhook ${endpoint.id} changed concurrently`,
    );
  }

  /** Deletes an endpoint; ConditionFailed if it does not exist. */
  async deleteWebhook(clientId: string, id: string): Promise<void> {
    await conditional(
      this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.webhook(clientId, id),
          ConditionExpression: 'attribute_exists(PK)',
        }),
      ),
      `No webhook ${id}`,
    );
  }

  /** Creates the delivery once; false if it existed already (a repeated change record). */
  async createDelivery(delivery: StoredDelivery): Promise<boolean> {
    try {
      await this.createItem(this.deliveryItem(delivery), `Delivery ${delivery.messageId} exists`);
      return true;
    } catch (err) {
      if (err instanceof ConditionFailed) return false;
      throw err;
    }
  }

  async getDelivery(endpointId: string, messageId: string): Promise<StoredDelivery | undefined> {
    return this.getItem(() => keys.delivery(endpointId, messageId), true);
  }

  /** Writes the delivery if nobody else wrote it since `version - 1` (one attempt at a time). */
  async saveDelivery(delivery: StoredDelivery): Promise<void> {
    await conditional(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.deliveryItem(delivery),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': delivery.version - 1 },
        }),
      ),
      `Delivery ${delivery.messageId} was changed concurrently`,
    );
  }

  /** An endpoint's deliveries, newest first (none for an id that cannot be a key). */
  async listDeliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]> {
    const items = await absentIfIllFormed(async () => {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.deliveries(endpointId).GSI1PK },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return out.Items;
    });
    return (items ?? []).map((item) => {
      const { version: _v, ...delivery } = entity<StoredDelivery>(item) as WebhookDelivery & {
        version: number;
      };
      return delivery;
    });
  }

  private deliveryItem(delivery: StoredDelivery): Record<string, unknown> {
    return {
      ...keys.delivery(delivery.endpointId, delivery.messageId),
      ...keys.deliveries(delivery.endpointId),
      GSI1SK: `${keyPart(delivery.createdAt)}#${keyPart(delivery.messageId)}`,
      ...delivery,
      [TTL_ATTRIBUTE]: webhookDeliveryExpiry(delivery.createdAt, this.retention),
    };
  }

  // ------------------------------------------------------------ replay guard

  /** Records a message id; fails if it was seen before (and has not yet expired). */
  async rememberJti(issuer: string, jti: string, expiresAt: Date, now: Date): Promise<void> {
    await conditional(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.jti(issuer, jti), issuer, [TTL_ATTRIBUTE]: epochSeconds(expiresAt) },
          ConditionExpression: 'attribute_not_exists(PK) OR #ttl < :now',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': epochSeconds(now) },
        }),
      ),
      'Message id was seen before',
    );
  }

  /** Counter used by rate limits that live in the data (e.g. SMS resend). */
  async incrementCounter(
    name: string,
    subject: string,
    windowStart: number,
    ttlEpoch: number,
  ): Promise<number> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.counterWindow(name, subject, windowStart),
        UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
        ExpressionAttributeNames: { '#count': 'count', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':one': 1, ':ttl': ttlEpoch },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.count ?? 0);
  }
}
