/**
 * What the parts of the stateless stack share: where the project's handler modules and ASL files
 * are, what it takes from the stateful stack, why a function exists, and how things are named.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, type Stack } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { EventSourceFunction } from '../lambdas/event-sources.js';
import type { RouteDefinition } from '../lambdas/routes.js';
import { prefixOf, type StageConfig } from './config.js';
import type { SecretId } from './function-permissions.js';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const HANDLERS_DIR = join(PROJECT_ROOT, 'lambdas', 'handlers');
export const STATE_MACHINES_DIR = join(PROJECT_ROOT, 'statemachines');

/** What the stateless stack uses from the stateful one (typed props, no lookups). */
export interface StatefulResources {
  table: dynamodb.ITable;
  dataKey: kms.IKey;
  userPool: cognito.IUserPool;
  alarmTopic: sns.ITopic;
  /** The Cognito token endpoint (client credentials), shown in the OpenAPI document. */
  tokenEndpoint: string;
  /** The `iss` of the user pool's access tokens (its JWKS is under `/.well-known/jwks.json`). */
  accessTokenIssuer: string;
  /** Secrets functions may get in their environment (see `secrets` in lib/function-permissions.ts). */
  secrets: ReadonlyMap<SecretId, secretsmanager.ISecret>;
  /** The partners' API secrets, one per variable name of the context `partnerSecrets` (`srs-<stage>/partner-secret/<NAME>`). */
  partnerSecrets: ReadonlyMap<string, secretsmanager.ISecret>;
}

/** Why a function exists: the routes it serves, the ASL tasks it runs, the event source that feeds it. */
export interface FunctionUse {
  routes: RouteDefinition[];
  tasks: { machine: string; stateName: string }[];
  eventSource?: EventSourceFunction;
}

export const pascal = (kebab: string): string =>
  kebab
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');

/** A state machine's fixed name, from which functions get its ARN without a reference (no cycle). */
export function stateMachineName(config: StageConfig, machine: string): string {
  return `${prefixOf(config.stage)}-${machine}`;
}

export function stateMachineArn(scope: Stack, config: StageConfig, machine: string): string {
  return scope.formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: stateMachineName(config, machine),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}
