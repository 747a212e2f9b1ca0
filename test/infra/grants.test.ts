/**
 * Least privilege, stated literally: what each function's role may do, and which secrets reach its
 * environment (and which queues and streams), written out here by hand — not rebuilt from lib/function-permissions.ts, so that a
 * change of the permission map (or of how the stack turns it into IAM) shows up as a failing line
 * a reviewer reads. Resources are named, not spelt as CloudFormation references.
 */
import { ArnFormat } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { describe, expect, it } from 'vitest';
import { stateMachineName } from '../../lib/stateless-stack.js';
import {
  type CfnResource,
  deref,
  logicalIdOf,
  resourcesOf,
  type Synth,
  statementsOfRole,
  synthStage,
} from './helpers.js';

const LOGS_AND_TRACES = [
  'Allow logs:CreateLogStream on its own log group',
  'Allow logs:PutLogEvents on its own log group',
  'Allow xray:PutTelemetryRecords on *',
  'Allow xray:PutTraceSegments on *',
];
const GET_ITEM = ['Allow dynamodb:GetItem on the table', 'Allow kms:Decrypt on the table key'];
const READ = [
  'Allow dynamodb:GetItem on the table',
  'Allow dynamodb:GetItem on the table index GSI1',
  'Allow dynamodb:Query on the table',
  'Allow dynamodb:Query on the table index GSI1',
  'Allow kms:Decrypt on the table key',
];
const READ_WRITE = [
  'Allow dynamodb:BatchWriteItem on the table',
  'Allow dynamodb:BatchWriteItem on the table index GSI1',
  'Allow dynamodb:DeleteItem on the table',
  'Allow dynamodb:DeleteItem on the table index GSI1',
  'Allow dynamodb:GetItem on the table',
  'Allow dynamodb:GetItem on the table index GSI1',
  'Allow dynamodb:PutItem on the table',
  'Allow dynamodb:PutItem on the table index GSI1',
  'Allow dynamodb:Query on the table',
  'Allow dynamodb:Query on the table index GSI1',
  'Allow dynamodb:UpdateItem on the table',
  'Allow dynamodb:UpdateItem on the table index GSI1',
  'Allow kms:Decrypt on the table key',
  'Allow kms:Encrypt on the table key',
  'Allow kms:GenerateDataKey on the table key',
];
const SMS = ['Allow sns:Publish on *', 'Deny sns:Publish on every SNS topic'];
const START = ['Allow states:StartExecution on the identification state machine'];
const SUCCEED = ['Allow states:SendTaskSuccess on the identification state machine'];
const SUCCEED_OR_FAIL = [...SUCCEED, 'Allow states:SendTaskFailure on the identification state machine'];

/** Every function of the dev stage: what its role may do beyond its logs and traces, and its secrets. */
const EXPECTED: Record<string, { grants: string[]; secrets: string[] }> = {
  verify: {
    grants: [
      'Allow dynamodb:GetItem on the table',
      'Allow dynamodb:UpdateItem on the table',
      'Allow kms:Decrypt on the table key',
      'Allow kms:Encrypt on the table key',
      'Allow kms:GenerateDataKey on the table key',
    ],
    secrets: [],
  },
  'usage-get': { grants: READ, secrets: [] },
  'providers-list': { grants: READ, secrets: [] },
  'identification-get': { grants: GET_ITEM, secrets: [] },
  'identification-start': { grants: [...READ_WRITE, ...START], secrets: ['ORDER_TOKEN_PRIVATE_JWK'] },
  'identification-data': { grants: READ_WRITE, secrets: [] },
  'identification-resend-sms': { grants: [...READ_WRITE, ...SMS], secrets: [] },
  'isp-callback': { grants: [...READ_WRITE, ...SUCCEED_OR_FAIL], secrets: [] },
  'method-choice-page': { grants: [...READ_WRITE, ...SUCCEED], secrets: ['ORDER_TOKEN_PRIVATE_JWK'] },
  'terms-page': { grants: [...READ_WRITE, ...SUCCEED], secrets: [] },
  'api-docs': { grants: [], secrets: [] },
  'isp-jwks': { grants: [], secrets: ['ORDER_TOKEN_PUBLIC_JWKS'] },
  'oauth-introspect': { grants: READ, secrets: ['ORDER_TOKEN_PUBLIC_JWKS'] },
  'test-isp-simulator': { grants: GET_ITEM, secrets: ['TEST_ISP_PRIVATE_JWK'] },
  'demo-portal': {
    grants: [],
    secrets: ['DEMO_PORTAL_CLIENT_ID', 'DEMO_PORTAL_CLIENT_SECRET', 'DEMO_PORTAL_COOKIE_KEY'],
  },
  'task-await-callback': { grants: [...READ_WRITE, ...SUCCEED_OR_FAIL], secrets: [] },
  'task-send-terms-sms': { grants: [...READ_WRITE, ...SMS], secrets: [] },
  'task-register-person': { grants: READ_WRITE, secrets: ['SERIAL_NUMBER_KEY'] },
  'task-expire-order': { grants: READ_WRITE, secrets: [] },
  'task-record-failure': { grants: READ_WRITE, secrets: [] },
  // Webhooks: the endpoint API queues a redelivery; the fan-out reads the table's stream (its
  // mapping sends a batch that keeps failing to the dead letters); the delivery consumes its queue.
  webhooks: { grants: [...READ_WRITE, 'Allow sqs:SendMessage on the webhook-deliveries queue'], secrets: [] },
  'webhook-fanout': {
    grants: [
      ...READ_WRITE,
      'Allow dynamodb:ListStreams on *',
      'Allow dynamodb:DescribeStream on the table stream',
      'Allow dynamodb:GetRecords on the table stream',
      'Allow dynamodb:GetShardIterator on the table stream',
      'Allow kms:Decrypt on the table key',
      'Allow kms:DescribeKey on the table key',
      'Allow sqs:SendMessage on the webhook-deliveries queue',
      'Allow sqs:GetQueueAttributes on the webhook-dead-letters queue',
      'Allow sqs:GetQueueUrl on the webhook-dead-letters queue',
      'Allow sqs:SendMessage on the webhook-dead-letters queue',
    ],
    secrets: [],
  },
  // Reads the table's stream (a batch that keeps failing goes to its own dead letters), reads the
  // order and tells the terms wait.
  'terms-acceptance-relay': {
    grants: [
      ...GET_ITEM,
      'Allow dynamodb:ListStreams on *',
      'Allow dynamodb:DescribeStream on the table stream',
      'Allow dynamodb:GetRecords on the table stream',
      'Allow dynamodb:GetShardIterator on the table stream',
      'Allow kms:Decrypt on the table key',
      'Allow kms:DescribeKey on the table key',
      'Allow sqs:GetQueueAttributes on the terms-acceptance-relay-dead-letters queue',
      'Allow sqs:GetQueueUrl on the terms-acceptance-relay-dead-letters queue',
      'Allow sqs:SendMessage on the terms-acceptance-relay-dead-letters queue',
      ...SUCCEED,
    ],
    secrets: [],
  },
  'webhook-deliver': {
    grants: [
      ...READ_WRITE,
      'Allow sqs:ChangeMessageVisibility on the webhook-deliveries queue',
      'Allow sqs:DeleteMessage on the webhook-deliveries queue',
      'Allow sqs:GetQueueAttributes on the webhook-deliveries queue',
      'Allow sqs:GetQueueUrl on the webhook-deliveries queue',
      'Allow sqs:ReceiveMessage on the webhook-deliveries queue',
      'Allow sqs:SendMessage on the webhook-deliveries queue',
      'Allow sqs:SendMessage on the webhook-dead-letters queue',
    ],
    secrets: [],
  },
};

const s = synthStage('dev');

function functionResource(handler: string): CfnResource {
  const construct = s.stateless.functions.get(handler) as NodejsFunction;
  return resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function')[
    logicalIdOf(s.stateless, construct)
  ] as CfnResource;
}

/** Names for the resources a role's statements may name; anything else stays as its JSON. */
function resourceNamer(synth: Synth, fn: CfnResource): (resource: unknown) => string {
  const logGroup = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
  const { table, dataKey } = synth.stateful;
  const named = new Map<string, string>([
    [JSON.stringify(synth.stateful.resolve(table.tableArn)), 'the table'],
    [JSON.stringify(synth.stateful.resolve(`${table.tableArn}/index/GSI1`)), 'the table index GSI1'],
    [JSON.stringify(synth.stateful.resolve(dataKey.keyArn)), 'the table key'],
    [JSON.stringify({ 'Fn::GetAtt': [logGroup, 'Arn'] }), 'its own log group'],
    [
      JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:*:*:*']] }),
      'every SNS topic',
    ],
    ['"*"', '*'],
  ]);
  for (const [queue, q] of synth.stateless.queues) {
    named.set(JSON.stringify(synth.stateless.resolve(q.queueArn)), `the ${queue} queue`);
  }
  named.set(JSON.stringify(synth.stateful.resolve(table.tableStreamArn)), 'the table stream');
  for (const machine of synth.stateless.stateMachines.keys()) {
    const arn = synth.stateless.resolve(
      synth.stateless.formatArn({
        service: 'states',
        resource: 'stateMachine',
        resourceName: stateMachineName(synth.config, machine),
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
    named.set(JSON.stringify(arn), `the ${machine} state machine`);
  }
  return (resource) => named.get(JSON.stringify(resource)) ?? JSON.stringify(resource);
}

function grantsOf(handler: string): string[] {
  const fn = functionResource(handler);
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const name = resourceNamer(s, fn);
  return statementsOfRole(s.statelessTemplate, roleId)
    .flatMap((st) =>
      st.Action.flatMap((action) =>
        (deref(st.Resource, s.statefulTemplate) as unknown[]).map(
          (r) => `${st.Effect} ${action} on ${name(r)}`,
        ),
      ),
    )
    .sort();
}

function secretsOf(handler: string): string[] {
  const env = (functionResource(handler).Properties.Environment as { Variables: Record<string, unknown> })
    .Variables;
  return Object.entries(env)
    .filter(([, value]) => JSON.stringify(value).includes('{{resolve:secretsmanager:'))
    .map(([name]) => name)
    .sort();
}

describe('what each function may do', () => {
  it('is stated here for every function of the stage, and for no other', () => {
    expect([...s.stateless.functions.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s', (handler, expected) => {
    expect(grantsOf(handler)).toEqual([...LOGS_AND_TRACES, ...expected.grants].sort());
    expect(secretsOf(handler)).toEqual([...expected.secrets].sort());
  });
});
