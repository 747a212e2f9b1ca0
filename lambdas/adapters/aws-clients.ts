/** AWS SDK clients, created once per module instance (i.e. once per Lambda container). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Repository, repositoryOn, verifyStores } from './dynamo/repository.js';
import { Table } from './dynamo/table.js';
import { requiredEnv, retentionPolicyEnv } from './env.js';

let table: Table | undefined;
let repository: Repository | undefined;
let verifyRepository: ReturnType<typeof verifyStores> | undefined;

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

/** The verify call's stores only (registrations, configuration, usage): see verifyStores. */
export function verifyTableStores(): ReturnType<typeof verifyStores> {
  verifyRepository ??= verifyStores(theTable());
  return verifyRepository;
}
