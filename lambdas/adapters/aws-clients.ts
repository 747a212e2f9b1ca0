/** AWS SDK clients, created once per module instance (i.e. once per Lambda container). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createRepository, type Repository } from './dynamo/repository.js';
import { requiredEnv } from './env.js';

let repository: Repository | undefined;

/** The table repository. The endpoint comes from the standard `AWS_ENDPOINT_URL_DYNAMODB` when set. */
export function tableRepository(): Repository {
  if (!repository) {
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
    repository = createRepository(db, requiredEnv('TABLE_NAME'));
  }
  return repository;
}
