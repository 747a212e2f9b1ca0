/**
 * What each function may do, in one place. The stateless stack turns each entry into IAM
 * statements and environment variables (see `statementsFor`), and test/infra asserts every
 * function's policy is exactly that. A handler without an entry gets nothing beyond writing its
 * own log group and X-Ray segments.
 */
import type { ChangeFeedDeadLetters } from '../lambdas/event-sources.js';

export type TableAccess =
  /** `dynamodb:GetItem` only (e.g. the verify call: one GetItem). */
  | 'getItem'
  /** GetItem + UpdateItem: the verify call's read and its usage counter (an `ADD`). */
  | 'getItemAndCount'
  /** GetItem + Query (table and its indexes). */
  | 'read'
  /** read + single-item writes (PutItem, UpdateItem, DeleteItem) + BatchWriteItem (usage records). */
  | 'readWrite';

export type StateMachineAction =
  | 'states:StartExecution'
  | 'states:SendTaskSuccess'
  | 'states:SendTaskFailure'
  | 'states:SendTaskHeartbeat';

/** Secrets Manager secrets of the stateful stack (named `srs-<stage>/<id>`). */
export type SecretId =
  | 'serial-number-key'
  | 'order-token-keys'
  | 'test-isp-private-jwk'
  | 'demo-portal-client'
  | 'demo-portal-cookie-key';

/** Values a function may get in its environment, each a secret or one JSON field of a secret. */
export type SecretName =
  | 'serialNumberKey'
  | 'orderTokenPrivateJwk'
  | 'orderTokenPublicJwks'
  | 'testIspPrivateJwk'
  | 'demoPortalClientId'
  | 'demoPortalClientSecret'
  | 'demoPortalCookieKey';

export const SECRET_VALUES: Readonly<Record<SecretName, { env: string; secret: SecretId; field?: string }>> =
  {
    serialNumberKey: { env: 'SERIAL_NUMBER_KEY', secret: 'serial-number-key' },
    // One secret holds the order-token key pair, so the public half can be handed out alone.
    orderTokenPrivateJwk: { env: 'ORDER_TOKEN_PRIVATE_JWK', secret: 'order-token-keys', field: 'privateJwk' },
    orderTokenPublicJwks: { env: 'ORDER_TOKEN_PUBLIC_JWKS', secret: 'order-token-keys', field: 'publicJwks' },
    testIspPrivateJwk: { env: 'TEST_ISP_PRIVATE_JWK', secret: 'test-isp-private-jwk' },
    demoPortalClientId: { env: 'DEMO_PORTAL_CLIENT_ID', secret: 'demo-portal-client', field: 'clientId' },
    demoPortalClientSecret: {
      env: 'DEMO_PORTAL_CLIENT_SECRET',
      secret: 'demo-portal-client',
      field: 'clientSecret',
    },
    demoPortalCookieKey: { env: 'DEMO_PORTAL_COOKIE_KEY', secret: 'demo-portal-cookie-key' },
  };

/** Queues of the stateless stack: the webhook delivery queue and the dead letters of the event sources. */
export type QueueName = 'webhook-deliveries' | ChangeFeedDeadLetters;

export interface FunctionPermissions {
  table?: TableAccess;
  /** Actions on one state machine (`statemachines/<machine>.asl.json`); its ARN arrives in `STATE_MACHINE_ARN`. */
  stateMachine?: { machine?: string; actions: readonly StateMachineAction[] };
  /** `sns:Publish` of SMS straight to phone numbers (never to a topic). */
  sms?: boolean;
  /** Secrets resolved into the environment at deployment (no runtime permission needed). */
  secrets?: readonly SecretName[];
  /**
   * Opens orders with partners: gets every partner secret of the context `partnerSecrets` (fields of
   * the `partner-secrets` secret, resolved at deployment) and their names in `PARTNER_SECRETS`.
   */
  partnerSecrets?: boolean;
  /**
   * `sqs:SendMessage` to these queues (their URLs arrive in `WEBHOOK_QUEUE_URL` and
   * `WEBHOOK_DLQ_URL`). Consuming a queue or the table's stream comes with the function's event
   * source (lambdas/event-sources.ts), granted by its mapping.
   */
  sendTo?: readonly QueueName[];
}

export const DEFAULT_STATE_MACHINE = 'identification';

/** handler (the module `lambdas/handlers/<handler>.ts`) → permissions. */
export const FUNCTION_PERMISSIONS: Readonly<Record<string, FunctionPermissions>> = {
  // The SP signing service's verify call: one GetItem on the registration item, and the usage
  // counter of the claimed identity's SP (an UpdateItem beside the read).
  verify: { table: 'getItemAndCount' },
  // The SP's own usage: Query on its month's usage partition, its setup, the catalogue.
  'usage-get': { table: 'read' },
  'providers-list': { table: 'read' },
  'identification-get': { table: 'getItem' },
  // Signs the order token handed to the partner.
  'identification-start': {
    table: 'readWrite',
    stateMachine: { actions: ['states:StartExecution'] },
    secrets: ['orderTokenPrivateJwk'],
    partnerSecrets: true,
  },
  // The person data for AML; every access is recorded (AML access record).
  'identification-data': { table: 'readWrite' },
  'identification-resend-sms': { table: 'readWrite', sms: true },
  // ISP status events and evidence: complete (or fail, on cancellation) the waiting task.
  'isp-callback': {
    table: 'readWrite',
    stateMachine: { actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'] },
  },
  // The person's method choice: opens the order with the partner (signs its order token) and
  // completes the waiting task.
  'method-choice-page': {
    table: 'readWrite',
    stateMachine: { actions: ['states:SendTaskSuccess'] },
    secrets: ['orderTokenPrivateJwk'],
    partnerSecrets: true,
  },
  // Accepting the terms completes the waiting task.
  'terms-page': { table: 'readWrite', stateMachine: { actions: ['states:SendTaskSuccess'] } },
  'api-docs': {},
  // Publishes, and checks against, the public order-token keys only.
  'isp-jwks': { secrets: ['orderTokenPublicJwks'] },
  'oauth-introspect': { table: 'read', secrets: ['orderTokenPublicJwks'] },
  // Test stages only: reads the order, signs partner messages with the Test-ISP key and posts them
  // to the ISP callback routes over HTTP. It never writes the table.
  'test-isp-simulator': { table: 'getItem', secrets: ['testIspPrivateJwk'] },
  // Test stages only: an SP stand-in. It reaches the service through the public API with its own
  // client credentials (an SP app client's id and secret), never the table.
  // The cookie key signs the journey cookie, so a visitor cannot point it at another order.
  'demo-portal': { secrets: ['demoPortalClientId', 'demoPortalClientSecret', 'demoPortalCookieKey'] },

  // Tasks of statemachines/identification.asl.json.
  // Stores the task token; completes it at once if the awaited event already happened.
  'task-await-callback': {
    table: 'readWrite',
    stateMachine: { actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'] },
  },
  'task-send-terms-sms': { table: 'readWrite', sms: true },
  'task-register-person': { table: 'readWrite', secrets: ['serialNumberKey'] },
  'task-expire-order': { table: 'readWrite' },
  'task-record-failure': { table: 'readWrite' },

  // Webhooks: the SP's endpoints and their delivery log; redelivery queues a message.
  webhooks: { table: 'readWrite', sendTo: ['webhook-deliveries'] },
  // Event sources (lambdas/event-sources.ts): the table's stream → delivery records and messages;
  // the delivery queue → one attempt each, the next one queued, failures for good dead-lettered.
  'webhook-fanout': { table: 'readWrite', sendTo: ['webhook-deliveries'] },
  'webhook-deliver': { table: 'readWrite', sendTo: ['webhook-deliveries', 'webhook-dead-letters'] },
  // The table's stream → the terms wait told of a recorded acceptance, read from the order as it is.
  'terms-acceptance-relay': { table: 'getItem', stateMachine: { actions: ['states:SendTaskSuccess'] } },
};

export function permissionsOf(handler: string): FunctionPermissions {
  return FUNCTION_PERMISSIONS[handler] ?? {};
}

export const TABLE_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  getItem: ['dynamodb:GetItem'],
  getItemAndCount: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  read: ['dynamodb:GetItem', 'dynamodb:Query'],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

/** Whether the access level queries the global indexes (so their ARNs are granted too). */
export const TABLE_ACCESS_USES_INDEXES: Readonly<Record<TableAccess, boolean>> = {
  getItem: false,
  getItemAndCount: false,
  read: true,
  readWrite: true,
};

/** What the table's customer-managed key must allow for each access level. */
export const KMS_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  getItem: ['kms:Decrypt'],
  getItemAndCount: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
  read: ['kms:Decrypt'],
  readWrite: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
};
