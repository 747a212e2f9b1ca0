/**
 * Webhooks: each SP's endpoints (its own partition) and the delivery log per endpoint (GSI1, newest
 * first), a delivery written once and then under a `version` condition, one attempt at a time.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { succeeded } from '../../core/errors.js';
import { type RetentionPolicy, webhookDeliveryExpiry } from '../../core/retention.js';
import type { WebhookDelivery, WebhookEndpoint } from '../../core/webhooks.js';
import type { StoredDelivery, WebhookStore } from '../../usecases/ports/webhooks.js';
import { absentIfIllFormed, entity, type Table } from './table.js';
import { keyPart, keys, TTL_ATTRIBUTE } from './table-schema.js';
import { conditionalDelete, conditionalUpdate, createItem, putNextVersion } from './table-writes.js';

function deliveryItem(delivery: StoredDelivery, retention: RetentionPolicy): Record<string, unknown> {
  return {
    ...keys.delivery(delivery.endpointId, delivery.messageId),
    ...keys.deliveries(delivery.endpointId),
    GSI1SK: `${keyPart(delivery.createdAt)}#${keyPart(delivery.messageId)}`,
    ...delivery,
    [TTL_ATTRIBUTE]: webhookDeliveryExpiry(delivery.createdAt, retention),
  };
}

export function webhookItems(table: Table): WebhookStore {
  return {
    /** The SP's endpoints (its own partition: another SP's are never read). */
    async listWebhooks(clientId: string): Promise<WebhookEndpoint[]> {
      const endpoints: WebhookEndpoint[] = [];
      const partition = keys.webhooks(clientId);
      for await (const item of table.queryAll({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': partition.PK, ':prefix': partition.SKPrefix },
        ConsistentRead: true,
      }))
        endpoints.push(entity<WebhookEndpoint>(item) as WebhookEndpoint);
      return endpoints;
    },

    async getWebhook(clientId: string, id: string): Promise<WebhookEndpoint | undefined> {
      return table.getItem<WebhookEndpoint>(() => keys.webhook(clientId, id), true);
    },

    async createWebhook(endpoint: WebhookEndpoint): Promise<void> {
      await createItem(
        table,
        { ...keys.webhook(endpoint.clientId, endpoint.id), ...endpoint },
        `Webhook ${endpoint.id} exists`,
      );
    },

    /** Replaces the secrets if the endpoint still has the ones read (two rotations at once: one wins). */
    async replaceWebhookSecrets(endpoint: WebhookEndpoint, expectedCurrent: string): Promise<void> {
      await conditionalUpdate(
        table,
        keys.webhook(endpoint.clientId, endpoint.id),
        'SET secrets = :secrets',
        {
          condition: 'attribute_exists(PK) AND secrets[0].secret = :current',
          values: { ':secrets': endpoint.secrets, ':current': expectedCurrent },
        },
        `Webhook ${endpoint.id} changed concurrently`,
      );
    },

    /** Deletes an endpoint; ConditionFailed if it does not exist. */
    async deleteWebhook(clientId: string, id: string): Promise<void> {
      await conditionalDelete(
        table,
        keys.webhook(clientId, id),
        { condition: 'attribute_exists(PK)' },
        `No webhook ${id}`,
      );
    },

    /** Creates the delivery once; false if it existed already (a repeated change record). */
    async createDelivery(delivery: StoredDelivery): Promise<boolean> {
      return succeeded(
        createItem(table, deliveryItem(delivery, table.retention), `Delivery ${delivery.messageId} exists`),
      );
    },

    async getDelivery(endpointId: string, messageId: string): Promise<StoredDelivery | undefined> {
      return table.getItem(() => keys.delivery(endpointId, messageId), true);
    },

    /** Writes the delivery if nobody else wrote it since `version - 1` (one attempt at a time). */
    async saveDelivery(delivery: StoredDelivery): Promise<void> {
      await putNextVersion(
        table,
        { ...deliveryItem(delivery, table.retention), version: delivery.version },
        `Delivery ${delivery.messageId} was changed concurrently`,
      );
    },

    /** An endpoint's deliveries, newest first (none for an id that cannot be a key). */
    async listDeliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]> {
      const items = await absentIfIllFormed(async () => {
        const out = await table.db.send(
          new QueryCommand({
            TableName: table.name,
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
    },
  };
}
