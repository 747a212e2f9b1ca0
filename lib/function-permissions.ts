/**
 * What each function may do, in one place. The stateless stack turns each entry into IAM
 * statements and environment variables (see `statementsFor`), and test/infra asserts every
 * function's policy is exactly that. A handler without an entry gets nothing beyond writing its
 * own log group and X-Ray segments.
 */

export type TableAccess =
  /** `dynamodb:GetItem` only: the verify call is one GetItem. */
  | 'getItem'
  /** GetItem + Query (table and its indexes). */
  | 'read'
  /** read + single-item writes (PutItem, UpdateItem, DeleteItem). */
  | 'readWrite';

export type StateMachineAction =
  | 'states:StartExecution'
  | 'states:SendTaskSuccess'
  | 'states:SendTaskFailure'
  | 'states:SendTaskHeartbeat';

export interface FunctionPermissions {
  table?: TableAccess;
  /** Actions on one state machine (`statemachines/<machine>.asl.json`); its ARN arrives in `STATE_MACHINE_ARN`. */
  stateMachine?: { machine?: string; actions: readonly StateMachineAction[] };
  /** `sns:Publish` of SMS straight to phone numbers (never to a topic). */
  sms?: boolean;
}

export const DEFAULT_STATE_MACHINE = 'identification';

/** handler (the module `lambdas/handlers/<handler>.ts`) → permissions. */
export const FUNCTION_PERMISSIONS: Readonly<Record<string, FunctionPermissions>> = {
  // The SP signing service's verify call: one GetItem on the registration item, nothing else.
  verify: { table: 'getItem' },
  'providers-list': { table: 'read' },
  'identification-get': { table: 'read' },
  'identification-start': {
    table: 'readWrite',
    stateMachine: { actions: ['states:StartExecution'] },
  },
  'api-docs': {},
  // Tasks of statemachines/identification.asl.json.
  'task-await-callback': { table: 'readWrite' },
  'task-send-terms-sms': { table: 'readWrite', sms: true },
  'task-register-person': { table: 'readWrite' },
  'task-expire-order': { table: 'readWrite' },
  'task-record-failure': { table: 'readWrite' },
};

export function permissionsOf(handler: string): FunctionPermissions {
  return FUNCTION_PERMISSIONS[handler] ?? {};
}

export const TABLE_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  getItem: ['dynamodb:GetItem'],
  read: ['dynamodb:GetItem', 'dynamodb:Query'],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ],
};

/** Whether the access level queries the global indexes (so their ARNs are granted too). */
export const TABLE_ACCESS_USES_INDEXES: Readonly<Record<TableAccess, boolean>> = {
  getItem: false,
  read: true,
  readWrite: true,
};

/** What the table's customer-managed key must allow for each access level. */
export const KMS_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  getItem: ['kms:Decrypt'],
  read: ['kms:Decrypt'],
  readWrite: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
};
