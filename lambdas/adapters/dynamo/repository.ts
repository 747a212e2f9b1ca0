/**
 * All reads and writes of the single table, one module per kind of item (see table-schema.ts for
 * the keys). Every write is a single-item conditional write where a race can matter:
 * `attribute_not_exists` to create once, a `version` condition for order transitions. Together the
 * modules implement the storage ports of the use cases (usecases/ports/); a failed condition is
 * core's ConditionFailed.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RetentionPolicy } from '../../core/retention.js';
import { retentionPolicyEnv } from '../env.js';
import { amlAccessItems } from './aml-access-items.js';
import { configItems } from './config-items.js';
import { erasureItems } from './erasure-items.js';
import { orderItems } from './order-items.js';
import { registrationItems } from './registration-items.js';
import { requestGuardItems } from './request-guards.js';
import { Table } from './table.js';
import { usageItems } from './usage-items.js';
import { webhookItems } from './webhook-items.js';

/** The table behind every storage port. */
export type Repository = ReturnType<typeof createRepository>;

export function createRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
  /** When items expire (their `ttl`); defaults with the RETENTION_* environment's overrides. */
  retention: RetentionPolicy = retentionPolicyEnv(),
) {
  const table = new Table(db, tableName, retention);
  return {
    ...registrationItems(table),
    ...orderItems(table),
    ...configItems(table),
    ...requestGuardItems(table),
    ...amlAccessItems(table),
    ...usageItems(table),
    ...erasureItems(table),
    ...webhookItems(table),
  };
}
