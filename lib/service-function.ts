/**
 * One function per handler: its own log group, its own role with exactly what
 * lib/function-permissions.ts grants (table, state machine, secrets, queues, SMS), its environment,
 * and the bundle built from `lambdas/handlers/<handler>.ts` the way lib/bundling.ts says.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Duration, Lazy, type Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { GLOBAL_INDEXES } from '../lambdas/adapters/dynamo/table-schema.js';
import { afterBundlingCommands, HANDLER_BUNDLING } from './bundling.js';
import type { StageConfig } from './config.js';
import { functionEnvironment } from './function-environment.js';
import {
  DEFAULT_STATE_MACHINE,
  KMS_ACTIONS,
  permissionsOf,
  type QueueName,
  SECRET_VALUES,
  TABLE_ACCESS_USES_INDEXES,
  TABLE_ACTIONS,
} from './function-permissions.js';
import type { AslFile } from './state-machines.js';
import {
  type FunctionUse,
  HANDLERS_DIR,
  PROJECT_ROOT,
  pascal,
  type StatefulResources,
  stateMachineArn,
} from './stateless-names.js';

/** The default entry rule, with a failure that says which route or task needs the missing module. */
export function defaultHandlerEntry(handler: string, use: FunctionUse): string {
  const entry = join(HANDLERS_DIR, `${handler}.ts`);
  if (!existsSync(entry)) {
    const needs = [
      ...use.routes.map((r) => `route ${r.method} ${r.path}`),
      ...use.tasks.map((t) => `task "${t.stateName}" of statemachines/${t.machine}.asl.json`),
    ].join(', ');
    throw new Error(
      `Handler "${handler}" has no module ${relative(PROJECT_ROOT, entry)} (needed by ${needs}); create it exporting \`handler\`.`,
    );
  }
  return entry;
}

export interface ServiceFunctionDeps {
  config: StageConfig;
  stateful: StatefulResources;
  stateMachineFiles: readonly AslFile[];
  queues: ReadonlyMap<QueueName, sqs.Queue>;
  /** Where the links the service hands out point (a custom domain, else the stage URL). */
  publicBaseUrl: string;
}

export function createServiceFunction(
  scope: Stack,
  deps: ServiceFunctionDeps,
  handler: string,
  use: FunctionUse,
  entry: string,
): { fn: nodejs.NodejsFunction; role: iam.Role } {
  const { config, stateful } = deps;
  const id = pascal(handler);
  const permissions = permissionsOf(handler);

  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: config.logRetention,
    removalPolicy: config.removalPolicy,
  });
  // Its own role: write its own log group, plus exactly what lib/function-permissions.ts grants.
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Function ${handler} (${config.stage})`,
  });
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'OwnLogGroup',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );

  if (permissions.table) {
    const tableResources = [stateful.table.tableArn];
    if (TABLE_ACCESS_USES_INDEXES[permissions.table]) {
      // Only the indexes functions query: GSI2 (erasure's) is the operator's.
      for (const gsi of GLOBAL_INDEXES.filter((g) => g.readByFunctions))
        tableResources.push(`${stateful.table.tableArn}/index/${gsi.indexName}`);
    }
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'Table',
        actions: [...TABLE_ACTIONS[permissions.table]],
        resources: tableResources,
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'TableKey',
        actions: [...KMS_ACTIONS[permissions.table]],
        resources: [stateful.dataKey.keyArn],
      }),
    );
  }
  const stateMachineArnOf = (machine: string) => {
    if (!deps.stateMachineFiles.some((f) => f.name === machine)) {
      throw new Error(
        `Function "${handler}" needs state machine "${machine}", but statemachines/${machine}.asl.json does not exist`,
      );
    }
    return stateMachineArn(scope, config, machine);
  };
  const queue = (name: QueueName) => deps.queues.get(name) as sqs.Queue;
  const environment = functionEnvironment(handler, {
    stage: config.stage,
    logLevel: config.logLevel,
    tableName: stateful.table.tableName,
    // Read at synthesis: the stack knows it once the API exists, which needs the functions first.
    publicBaseUrl: Lazy.string({ produce: () => deps.publicBaseUrl }),
    tokenUrl: stateful.tokenEndpoint,
    accessTokenIssuer: stateful.accessTokenIssuer,
    retentionEnvironment: config.retentionEnvironment,
    stateMachineArn: stateMachineArnOf,
    secretValue(name) {
      const { secret: id, field } = SECRET_VALUES[name];
      const secret = stateful.secrets.get(id);
      if (!secret) {
        throw new Error(
          `Function "${handler}" needs secret "${id}", which the ${config.stage} stage does not have`,
        );
      }
      // A CloudFormation dynamic reference: resolved at deployment, never in the template or the code.
      return (field ? secret.secretValueFromJson(field) : secret.secretValue).unsafeUnwrap();
    },
    partnerSecrets: config.partnerSecrets,
    partnerSecretValue(name) {
      const secret = stateful.partnerSecrets.get(name);
      if (!secret) throw new Error(`The ${config.stage} stage has no secret partner-secret/${name}`);
      return secret.secretValueFromJson('value').unsafeUnwrap();
    },
    secretsRevision: config.secretsRevision,
    queueUrl: (name) => queue(name).queueUrl,
    smsSenderId: config.sms.senderId,
  });

  if (permissions.stateMachine) {
    const arn = stateMachineArnOf(permissions.stateMachine.machine ?? DEFAULT_STATE_MACHINE);
    // SendTask* are authorised against the state machine the task token belongs to.
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'StateMachine',
        actions: [...permissions.stateMachine.actions],
        resources: [arn],
      }),
    );
  }
  if (permissions.sendTo?.length) {
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'SendToQueues',
        actions: ['sqs:SendMessage'],
        resources: permissions.sendTo.map((name) => queue(name).queueArn),
      }),
    );
  }
  if (permissions.sms) {
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'SmsToPhoneNumbers',
        actions: ['sns:Publish'],
        resources: ['*'],
      }),
    );
    // Publishing to a phone number has no resource; deny every topic so only SMS remains.
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'NoTopics',
        effect: iam.Effect.DENY,
        actions: ['sns:Publish'],
        resources: [`arn:${scope.partition}:sns:*:*:*`],
      }),
    );
  }

  const isTask = use.tasks.length > 0;
  const fn = new nodejs.NodejsFunction(scope, `${id}Function`, {
    entry,
    handler: 'handler',
    description: `Smart Registration Service ${handler} (${config.stage})`,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 512,
    // API Gateway gives up after 29 s; tasks may wait on an ISP a little longer.
    timeout: Duration.seconds(use.eventSource?.timeoutSeconds ?? (isTask ? 30 : 10)),
    role,
    logGroup,
    tracing: lambda.Tracing.ACTIVE,
    environment,
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
    // One definition with the benchmark's cold-start figures: lib/bundling.ts.
    bundling: {
      format: nodejs.OutputFormat.ESM,
      target: HANDLER_BUNDLING.target,
      minify: HANDLER_BUNDLING.minify,
      sourceMap: HANDLER_BUNDLING.sourceMap,
      sourcesContent: HANDLER_BUNDLING.sourcesContent,
      bundleAwsSDK: HANDLER_BUNDLING.bundleAwsSDK,
      logLevel: nodejs.LogLevel.WARNING,
      externalModules: [...HANDLER_BUNDLING.externalModules],
      mainFields: [...HANDLER_BUNDLING.mainFields],
      banner: HANDLER_BUNDLING.banner,
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (inputDir, outputDir) =>
          afterBundlingCommands(handler, inputDir, outputDir, relative(PROJECT_ROOT, entry)),
      },
    },
  });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: [
      'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which have no resource type (IAM requires "*").',
      permissions.sms
        ? 'sns:Publish to a phone number (SMS) has no resource ARN either; the Deny on every topic ARN in the same policy leaves only SMS.'
        : '',
      use.eventSource?.source.kind === 'table-stream'
        ? 'Reading the table stream (the event source mapping) needs dynamodb:ListStreams, which has no resource type.'
        : '',
    ]
      .filter(Boolean)
      .join(' '),
  });
  return { fn, role };
}
