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
import { claimedIdentityReads, configItems } from './config-items.js';
import { erasureItems } from './erasure-items.js';
import { orderItems } from './order-items.js';
import { registrationItems, registrationReads } from './registration-items.js';
import { requestGuardItems } from './request-guards.js';
import { Table } from './table.js';
import { usageItems, verifyCounterWrites } from './usage-items.js';
import { webhookItems } from './webhook-items.js';

/** The table behind every storage port. */
export type Repository = ReturnType<typeof repositoryOn>;

export function createRepository(
  db: DynamoDBDocumentClient,
  tableName: string,
  /** When items expire (their `ttl`); defaults with the RETENTION_* environment's overrides. */
  retention: RetentionPolicy = retentionPolicyEnv(),
) {
  return repositoryOn(new Table(db, tableName, retention));
}

/** Every item module on one table. */
export function repositoryOn(table: Table) {
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

/**
 * What the verify call reads and writes: the registration, the claimed identity (configuration) and
 * its call counts. Only these three operations, so that verify's bundle carries no other item's code.
 */
export function verifyStores(table: Table) {
  return { ...registrationReads(table), ...claimedIdentityReads(table), ...verifyCounterWrites(table) };
}

/** What the provider list reads: the configuration (SP setups, partners). */
export function configStores(table: Table) {
  return configItems(table);
}

/** What the usage route reads: usage records and counters, and the configuration that prices them. */
export function usageStores(table: Table) {
  return { ...usageItems(table), ...configItems(table) };
}

/** What reading one order takes: the order items. */
export function orderStores(table: Table) {
  return orderItems(table);
}

/** What introspection reads: the partners' OAuth clients (configuration) and the order a token names. */
export function introspectionStores(table: Table) {
  return { ...configItems(table), ...orderItems(table) };
}

/** What the state machine's lifecycle steps read and write: the order and the usage it records. */
export function lifecycleStores(table: Table) {
  return { ...orderItems(table), ...usageItems(table) };
}

/** The registration step's: the lifecycle's items and the person's registration. */
export function registrationStores(table: Table) {
  return { ...lifecycleStores(table), ...registrationItems(table) };
}

/** What the webhook functions read and write: endpoints and deliveries. */
export function webhookStores(table: Table) {
  return webhookItems(table);
}

/**
 * What opening an order with a partner (the start call) and the partner's messages about it read
 * and write: the order and its evidence, the configuration (SP setups, partners and their keys),
 * idempotency keys and replayed message ids (request guards), usage.
 */
export function partnerOrderStores(table: Table) {
  return { ...methodChoiceStores(table), ...requestGuardItems(table) };
}

/** What the method choice page reads and writes: the lifecycle's items, the SP setup and partners. */
export function methodChoiceStores(table: Table) {
  return { ...lifecycleStores(table), ...configItems(table) };
}

/** What the terms page reads and writes: the order and its terms link, the terms of use. */
export function termsStores(table: Table) {
  return { ...orderItems(table), ...configItems(table) };
}

/** What the AML identification data route reads and writes: the order and its evidence, the setups, the access log. */
export function amlDataStores(table: Table) {
  return { ...orderItems(table), ...configItems(table), ...amlAccessItems(table) };
}
