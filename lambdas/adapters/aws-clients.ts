/** AWS SDK clients, created once per module instance (i.e. once per Lambda container). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  amlDataStores,
  configStores,
  introspectionStores,
  lifecycleStores,
  methodChoiceStores,
  orderStores,
  partnerOrderStores,
  type Repository,
  registrationStores,
  repositoryOn,
  termsStores,
  usageStores,
  verifyStores,
  webhookStores,
} from './dynamo/repository.js';
import { Table } from './dynamo/table.js';
import { requiredEnv, retentionPolicyEnv } from './env.js';

let table: Table | undefined;
let repository: Repository | undefined;
const composed = new Map<(table: Table) => unknown, unknown>();

/** The table. The endpoint comes from the standard `AWS_ENDPOINT_URL_DYNAMODB` when set. */
function theTable(): Table {
  if (!table) {
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
    table = new Table(db, requiredEnv('TABLE_NAME'), retentionPolicyEnv());
  }
  return table;
}

/** The table repository: every item module. */
export function tableRepository(): Repository {
  repository ??= repositoryOn(theTable());
  return repository;
}

/** Item modules composed on the shared table, once per container. */
function storesOn<T>(compose: (table: Table) => T): T {
  if (!composed.has(compose)) composed.set(compose, compose(theTable()));
  return composed.get(compose) as T;
}

// Only the item modules a function uses (repository.ts): its bundle carries and evaluates no other.
/** The verify call's: registrations, configuration, usage counters. */
export const verifyTableStores = () => storesOn(verifyStores);
/** The provider list's: configuration. */
export const configTableStores = () => storesOn(configStores);
/** The usage route's: usage and the configuration that prices it. */
export const usageTableStores = () => storesOn(usageStores);
/** A status read's: the order items. */
export const orderTableStores = () => storesOn(orderStores);
/** Introspection's: the partners' clients (configuration) and the orders tokens name. */
export const introspectionTableStores = () => storesOn(introspectionStores);
/** A lifecycle task's: the order and its usage records. */
export const lifecycleTableStores = () => storesOn(lifecycleStores);
/** The registration task's: those and the registration. */
export const registrationTableStores = () => storesOn(registrationStores);
/** The webhook functions': endpoints and deliveries. */
export const webhookTableStores = () => storesOn(webhookStores);
/** The start call's and the partner messages': orders and evidence, configuration, request guards, usage. */
export const partnerOrderTableStores = () => storesOn(partnerOrderStores);
/** The method choice page's: orders, configuration, usage. */
export const methodChoiceTableStores = () => storesOn(methodChoiceStores);
/** The terms page's: orders and terms links, the terms of use. */
export const termsTableStores = () => storesOn(termsStores);
/** The AML identification data route's: orders and evidence, configuration, the access log. */
export const amlDataTableStores = () => storesOn(amlDataStores);
