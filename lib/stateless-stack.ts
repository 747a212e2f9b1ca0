/**
 * What can be replaced at any time: the REST API (routes from the route table, Cognito authorizer
 * with per-route scopes, problem+json gateway responses, WAF rate rules, throttling, access logs),
 * one function per handler (the route table's and the ASL tasks'), the state machines from
 * `statemachines/*.asl.json`, and the alarms.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ArnFormat,
  Aws,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { GLOBAL_INDEXES } from '../lambdas/adapters/dynamo/table-schema.js';
import { aslStates, placeholderOf } from '../lambdas/asl-tasks.js';
import { EVENT_SOURCE_FUNCTIONS, type EventSourceFunction } from '../lambdas/event-sources.js';
import {
  GATEWAY_RESPONSES,
  type GatewayProblem,
  type GatewayResponseType,
  gatewayProblemBody,
  gatewayProblemHeaders,
  STRICT_TRANSPORT_SECURITY,
} from '../lambdas/http/gateway-responses.js';
import type { RouteDefinition } from '../lambdas/routes.js';
import { afterBundlingCommands, HANDLER_BUNDLING } from './bundling.js';
import { prefixOf, routesFor, type StageConfig } from './config.js';
import {
  DEFAULT_STATE_MACHINE,
  KMS_ACTIONS,
  permissionsOf,
  type QueueName,
  SECRET_VALUES,
  type SecretId,
  TABLE_ACCESS_USES_INDEXES,
  TABLE_ACTIONS,
} from './function-permissions.js';
import { type AslFile, loadStateMachines } from './state-machines.js';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const HANDLERS_DIR = join(PROJECT_ROOT, 'lambdas', 'handlers');
export const STATE_MACHINES_DIR = join(PROJECT_ROOT, 'statemachines');
export const POWERTOOLS_SERVICE_NAME = 'smart-registration';

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
}

/** Why a function exists: the routes it serves, the ASL tasks it runs, the event source that feeds it. */
export interface FunctionUse {
  routes: RouteDefinition[];
  tasks: { machine: string; stateName: string }[];
  eventSource?: EventSourceFunction;
}

export interface StatelessStackProps extends StackProps {
  config: StageConfig;
  stateful: StatefulResources;
  /** The route table; default `ROUTES` of lambdas/routes.ts. Filtered for the stage here. */
  routeTable?: readonly RouteDefinition[];
  /** Directory of `*.asl.json`; default `statemachines/`. */
  stateMachinesDir?: string;
  /** The module a handler is bundled from; default `lambdas/handlers/<handler>.ts`, which must exist. */
  handlerEntry?: (handler: string, use: FunctionUse) => string;
}

export const pascal = (kebab: string): string =>
  kebab
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');

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

/** A state machine's fixed name, from which functions get its ARN without a reference (no cycle). */
export function stateMachineName(config: StageConfig, machine: string): string {
  return `${prefixOf(config.stage)}-${machine}`;
}

const SUPPORTED_TASK_RESOURCES = new Set([
  'arn:aws:states:::lambda:invoke',
  'arn:aws:states:::lambda:invoke.waitForTaskToken',
]);

export class StatelessStack extends Stack {
  readonly functions = new Map<string, nodejs.NodejsFunction>();
  readonly functionUses = new Map<string, FunctionUse>();
  readonly functionRoles = new Map<string, iam.Role>();
  readonly stateMachines = new Map<string, sfn.StateMachine>();
  readonly stateMachineFiles: AslFile[];
  readonly routes: readonly RouteDefinition[];
  readonly api: apigateway.RestApi;
  readonly authorizer: apigateway.CognitoUserPoolsAuthorizer;
  readonly webAcl: wafv2.CfnWebACL;
  readonly failedExecutionsQueue: sqs.Queue;
  /** Webhook deliveries, and what failed for good (deliveries and fan-out batches alike). */
  readonly queues: ReadonlyMap<QueueName, sqs.Queue>;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly config: StageConfig;
  private readonly stateful: StatefulResources;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    this.config = props.config;
    this.stateful = props.stateful;
    this.routes = routesFor(props.config, props.routeTable);
    this.stateMachineFiles = loadStateMachines(props.stateMachinesDir ?? STATE_MACHINES_DIR);
    for (const asl of this.stateMachineFiles) this.checkTaskResources(asl);

    // The function set: every handler of the stage's routes plus every ASL task handler, once each.
    for (const route of this.routes) this.useOf(route.handler).routes.push(route);
    for (const asl of this.stateMachineFiles) {
      for (const task of asl.tasks)
        this.useOf(task.handler).tasks.push({ machine: asl.name, stateName: task.stateName });
    }
    for (const fn of EVENT_SOURCE_FUNCTIONS) this.useOf(fn.handler).eventSource = fn;
    this.queues = this.createWebhookQueues();
    const entryOf = props.handlerEntry ?? defaultHandlerEntry;
    for (const [handler, use] of this.functionUses) this.createFunction(handler, entryOf(handler, use));
    for (const [handler, use] of this.functionUses) {
      if (use.eventSource) this.connectEventSource(handler, use.eventSource);
    }

    for (const asl of this.stateMachineFiles) this.createStateMachine(asl);
    const api = this.createApi();
    this.api = api.api;
    this.authorizer = api.authorizer;
    // Links the service hands out (SMS terms link, OpenAPI servers): a custom domain, else the stage URL.
    // Built from the RestApi id alone: `api.url` would reference the stage, which depends on the functions.
    const publicBaseUrl =
      props.config.publicBaseUrl ??
      `https://${this.api.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${props.config.stage}`;
    for (const fn of this.functions.values()) fn.addEnvironment('PUBLIC_BASE_URL', publicBaseUrl);
    this.webAcl = this.createWebAcl();
    this.failedExecutionsQueue = this.createFailedExecutionsQueue();
    this.createAlarms();

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'WebAclArn', { value: this.webAcl.attrArn });
    new CfnOutput(this, 'FailedExecutionsQueueUrl', { value: this.failedExecutionsQueue.queueUrl });
    new CfnOutput(this, 'WebhookDeadLettersQueueUrl', {
      value: (this.queues.get('webhook-dead-letters') as sqs.Queue).queueUrl,
    });
    for (const [name, sm] of this.stateMachines) {
      new CfnOutput(this, `${pascal(name)}StateMachineArn`, { value: sm.stateMachineArn });
    }
  }

  private useOf(handler: string): FunctionUse {
    let use = this.functionUses.get(handler);
    if (!use) {
      use = { routes: [], tasks: [] };
      this.functionUses.set(handler, use);
    }
    return use;
  }

  private checkTaskResources(asl: AslFile): void {
    for (const [name, state] of aslStates(JSON.parse(asl.text) as object)) {
      if (state.Type !== 'Task') continue;
      const resource = String(state.Resource);
      const isFunctionArn = /^\$\{[A-Za-z0-9]+FunctionArn\}$/.test(resource);
      if (!isFunctionArn && !SUPPORTED_TASK_RESOURCES.has(resource)) {
        throw new Error(
          `${asl.path}: task "${name}" uses ${resource}; only Lambda tasks are granted (add the integration's permissions in lib/stateless-stack.ts)`,
        );
      }
    }
  }

  private stateMachineArnOf(machine: string): string {
    return this.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName(this.config, machine),
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  private createFunction(handler: string, entry: string): void {
    const { config, stateful } = this;
    const id = pascal(handler);
    const use = this.functionUses.get(handler) as FunctionUse;
    const permissions = permissionsOf(handler);

    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    // Its own role: write its own log group, plus exactly what lib/function-permissions.ts grants.
    const role = new iam.Role(this, `${id}Role`, {
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

    const environment: Record<string, string> = {
      TABLE_NAME: stateful.table.tableName,
      STAGE: config.stage,
      LOG_LEVEL: config.logLevel,
      POWERTOOLS_SERVICE_NAME,
      // The business metrics (lambdas/adapters/metrics.ts), one namespace per stage.
      POWERTOOLS_METRICS_NAMESPACE: `SmartRegistration/${config.stage}`,
      TOKEN_URL: stateful.tokenEndpoint,
      // Whose access tokens the introspection endpoint recognises.
      ACCESS_TOKEN_ISSUER: stateful.accessTokenIssuer,
      ACCESS_TOKEN_JWKS_URL: `${stateful.accessTokenIssuer}/.well-known/jwks.json`,
      NODE_OPTIONS: '--enable-source-maps',
      ...config.retentionEnvironment,
    };

    if (permissions.table) {
      const tableResources = [stateful.table.tableArn];
      if (TABLE_ACCESS_USES_INDEXES[permissions.table]) {
        for (const gsi of GLOBAL_INDEXES)
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
    if (permissions.stateMachine) {
      const machine = permissions.stateMachine.machine ?? DEFAULT_STATE_MACHINE;
      if (!this.stateMachineFiles.some((f) => f.name === machine)) {
        throw new Error(
          `Function "${handler}" needs state machine "${machine}", but statemachines/${machine}.asl.json does not exist`,
        );
      }
      const arn = this.stateMachineArnOf(machine);
      environment.STATE_MACHINE_ARN = arn;
      // SendTask* are authorised against the state machine the task token belongs to.
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'StateMachine',
          actions: [...permissions.stateMachine.actions],
          resources: [arn],
        }),
      );
    }
    for (const name of permissions.secrets ?? []) {
      const { env, secret: id, field } = SECRET_VALUES[name];
      const secret = stateful.secrets.get(id);
      if (!secret) {
        throw new Error(
          `Function "${handler}" needs secret "${id}", which the ${config.stage} stage does not have`,
        );
      }
      // A CloudFormation dynamic reference: resolved at deployment, never in the template or the code.
      environment[env] = (field ? secret.secretValueFromJson(field) : secret.secretValue).unsafeUnwrap();
    }
    // CloudFormation resolves the references only when the function changes: this makes it change.
    if (permissions.secrets?.length && config.secretsRevision)
      environment.SECRETS_REVISION = config.secretsRevision;
    if (permissions.sendTo?.length) {
      const queue = (name: QueueName) => this.queues.get(name) as sqs.Queue;
      environment.WEBHOOK_QUEUE_URL = queue('webhook-deliveries').queueUrl;
      environment.WEBHOOK_DLQ_URL = queue('webhook-dead-letters').queueUrl;
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'SendToQueues',
          actions: ['sqs:SendMessage'],
          resources: permissions.sendTo.map((name) => queue(name).queueArn),
        }),
      );
    }
    if (permissions.sms) {
      if (config.sms.senderId) environment.SMS_SENDER_ID = config.sms.senderId;
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
          resources: [`arn:${this.partition}:sns:*:*:*`],
        }),
      );
    }

    const isTask = use.tasks.length > 0;
    const fn = new nodejs.NodejsFunction(this, `${id}Function`, {
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
          afterBundling: (inputDir, outputDir) => afterBundlingCommands(handler, inputDir, outputDir),
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
    this.functions.set(handler, fn);
    this.functionRoles.set(handler, role);
  }

  private createWebhookQueues(): ReadonlyMap<QueueName, sqs.Queue> {
    const prefix = prefixOf(this.config.stage);
    const delivery = EVENT_SOURCE_FUNCTIONS.find((f) => f.source.kind === 'queue')?.source;
    if (delivery?.kind !== 'queue') throw new Error('lambdas/event-sources.ts defines no delivery queue');
    const deadLetters = new sqs.Queue(this, 'WebhookDeadLetters', {
      queueName: `${prefix}-webhook-dead-letters`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: this.config.removalPolicy,
    });
    const deliveries = new sqs.Queue(this, 'WebhookDeliveries', {
      queueName: `${prefix}-${delivery.queue}`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Later attempts hop through the queue (15 minutes at most per hop): no message waits longer.
      retentionPeriod: Duration.days(4),
      visibilityTimeout: Duration.seconds(delivery.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: delivery.maxReceiveCount },
      removalPolicy: this.config.removalPolicy,
    });
    return new Map<QueueName, sqs.Queue>([
      ['webhook-deliveries', deliveries],
      ['webhook-dead-letters', deadLetters],
    ]);
  }

  private connectEventSource(handler: string, def: EventSourceFunction): void {
    const fn = this.functions.get(handler) as nodejs.NodejsFunction;
    const source = def.source;
    if (source.kind === 'queue') {
      fn.addEventSource(
        new eventSources.SqsEventSource(this.queues.get(source.queue) as sqs.Queue, {
          batchSize: source.batchSize,
          reportBatchItemFailures: true,
        }),
      );
      return;
    }
    fn.addEventSource(
      new eventSources.DynamoEventSource(this.stateful.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: source.batchSize,
        retryAttempts: source.retryAttempts,
        reportBatchItemFailures: true,
        onFailure: new eventSources.SqsDlq(this.queues.get('webhook-dead-letters') as sqs.Queue),
        filters: [
          lambda.FilterCriteria.filter({
            dynamodb: {
              Keys: Object.fromEntries(
                Object.entries(source.keyFilter).map(([name, value]) => [
                  name,
                  { S: lambda.FilterRule.isEqual(value) },
                ]),
              ),
            },
          }),
        ],
      }),
    );
  }

  private createStateMachine(asl: AslFile): void {
    const { config } = this;
    const id = pascal(asl.name);
    const logGroup = new logs.LogGroup(this, `${id}StateMachineLogs`, {
      logGroupName: `/aws/vendedlogs/states/${stateMachineName(config, asl.name)}`,
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    const taskFunctions = asl.handlers.map((h) => this.functions.get(h) as nodejs.NodejsFunction);
    const sm = new sfn.StateMachine(this, `${id}StateMachine`, {
      stateMachineName: stateMachineName(config, asl.name),
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(asl.text),
      definitionSubstitutions: Object.fromEntries(
        asl.handlers.map((h, i) => [
          placeholderOf(h),
          (taskFunctions[i] as nodejs.NodejsFunction).functionArn,
        ]),
      ),
      // ALL events, but no execution data: inputs and outputs may carry person data.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    if (taskFunctions.length > 0) {
      sm.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'InvokeTaskFunctions',
          actions: ['lambda:InvokeFunction'],
          resources: taskFunctions.map((f) => f.functionArn),
        }),
      );
    }
    Validations.of(sm).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Logging to CloudWatch Logs (logs:CreateLogDelivery, ...) and X-Ray tracing (xray:PutTraceSegments, ...) have no resource-level permissions; IAM requires "*" (Step Functions developer guide, "IAM policies for logging" and "X-Ray").',
    });
    this.stateMachines.set(asl.name, sm);
  }

  private createApi(): { api: apigateway.RestApi; authorizer: apigateway.CognitoUserPoolsAuthorizer } {
    const { config } = this;
    const prefix = prefixOf(config.stage);
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });

    const methodOptions: Record<string, apigateway.MethodDeploymentOptions> = {};
    for (const route of this.routes.filter((r) => r.clientRateLimit)) {
      // A method's settings replace the stage's, so repeat logging and metrics here.
      methodOptions[`${route.path}/${route.method}`] = {
        throttlingRateLimit: config.rateLimitedRouteThrottle.rateLimit,
        throttlingBurstLimit: config.rateLimitedRouteThrottle.burstLimit,
        loggingLevel: apigateway.MethodLoggingLevel.INFO,
        dataTraceEnabled: false,
        metricsEnabled: true,
      };
    }

    const F = apigateway.AccessLogField;
    const api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${prefix}-api`,
      description: `Smart Registration Service (${config.stage})`,
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      cloudWatchRole: true,
      // The role is the account's API Gateway logging role, shared by every stage in the account:
      // removing a dev stack must not take it away from the others.
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: config.stage,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: F.contextRequestId(),
            extendedRequestId: F.contextExtendedRequestId(),
            ip: F.contextIdentitySourceIp(),
            requestTime: F.contextRequestTime(),
            httpMethod: F.contextHttpMethod(),
            resourcePath: F.contextResourcePath(),
            status: F.contextStatus(),
            protocol: F.contextProtocol(),
            responseLength: F.contextResponseLength(),
            responseLatency: F.contextResponseLatency(),
            integrationLatency: F.contextIntegrationLatency(),
            errorType: F.contextErrorResponseType(),
            wafStatus: F.contextWafResponseCode(),
            clientId: F.contextAuthorizerClaims('client_id'),
          }),
        ),
        // Execution logs without request/response bodies (they carry person data).
        loggingLevel: apigateway.MethodLoggingLevel.INFO,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: config.stageThrottle.rateLimit,
        throttlingBurstLimit: config.stageThrottle.burstLimit,
        methodOptions,
      },
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        "API Gateway's account-level CloudWatch role: the AWS managed policy is the documented way to let API Gateway write execution and access logs.",
    });

    const authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      authorizerName: `${prefix}-cognito`,
      cognitoUserPools: [this.stateful.userPool],
      identitySource: apigateway.IdentitySource.header('Authorization'),
    });

    const validator = new apigateway.RequestValidator(this, 'RequestValidator', {
      restApi: api,
      requestValidatorName: 'parameters-and-body',
      validateRequestParameters: true,
      validateRequestBody: true,
    });

    for (const route of this.routes) {
      const fn = this.functions.get(route.handler) as nodejs.NodejsFunction;
      const resource = api.root.resourceForPath(route.path);
      const pathParams = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
      const requestParameters = Object.fromEntries(pathParams.map((p) => [`method.request.path.${p}`, true]));
      const common = {
        requestValidator: validator,
        requestParameters,
      };
      const method = resource.addMethod(
        route.method,
        new apigateway.LambdaIntegration(fn, { proxy: true, allowTestInvoke: false }),
        route.auth.type === 'oauth'
          ? {
              ...common,
              authorizer,
              authorizationType: apigateway.AuthorizationType.COGNITO,
              authorizationScopes: [...route.auth.scopes],
            }
          : { ...common, authorizationType: apigateway.AuthorizationType.NONE },
      );
      if (route.auth.type === 'none') {
        const reason = `Public by design in the route table (auth "none": the white paper's verify call, ISP callbacks that carry their own signed JWS, public pages): ${route.method} ${route.path}, ${route.summary}. Throttled per stage${route.clientRateLimit ? ', per method and per client address (WAF)' : ''}.`;
        Validations.of(method).acknowledge(
          { id: 'AwsSolutions-APIG4', reason },
          { id: 'AwsSolutions-COG4', reason },
        );
      }
    }

    for (const [type, problem] of Object.entries(GATEWAY_RESPONSES) as [
      GatewayResponseType,
      GatewayProblem,
    ][]) {
      api.addGatewayResponse(`GatewayResponse${pascal(type.toLowerCase())}`, {
        type: apigateway.ResponseType.of(type),
        ...(problem.fallback ? {} : { statusCode: String(problem.status) }),
        responseHeaders: Object.fromEntries(
          Object.entries({
            ...gatewayProblemHeaders(type),
            'Strict-Transport-Security': STRICT_TRANSPORT_SECURITY,
          }).map(([k, v]) => [k, `'${v}'`]),
        ),
        templates: { 'application/json': JSON.stringify(gatewayProblemBody(type)) },
      });
    }
    return { api, authorizer };
  }

  /** Rate-based rules for every route with a per-client-address limit in the route table. */
  private createWebAcl(): wafv2.CfnWebACL {
    const prefix = prefixOf(this.config.stage);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    const rules: wafv2.CfnWebACL.RuleProperty[] = this.routes
      .filter((r) => r.clientRateLimit)
      .map((route, priority) => {
        const name = `${pascal(route.handler)}${route.method}RatePerIp`;
        return {
          name,
          priority,
          action: { block: {} },
          visibilityConfig: visibility(name),
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              evaluationWindowSec: 60,
              limit: Math.max(10, (route.clientRateLimit?.perSecond ?? 0) * 60),
              scopeDownStatement: {
                andStatement: {
                  statements: [
                    {
                      byteMatchStatement: {
                        fieldToMatch: { method: {} },
                        positionalConstraint: 'EXACTLY',
                        searchString: route.method,
                        textTransformations: [{ priority: 0, type: 'NONE' }],
                      },
                    },
                    {
                      regexMatchStatement: {
                        fieldToMatch: { uriPath: {} },
                        regexString: routePathRegex(route.path),
                        textTransformations: [{ priority: 0, type: 'NONE' }],
                      },
                    },
                  ],
                },
              },
            },
          },
        };
      });
    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `${prefix}-api`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`${prefix}-api`),
      rules,
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: webAcl.attrArn,
    });
    return webAcl;
  }

  /** Failed, timed-out and aborted executions land here for an operator to inspect and redrive. */
  private createFailedExecutionsQueue(): sqs.Queue {
    const queue = new sqs.Queue(this, 'FailedExecutionsQueue', {
      queueName: `${prefixOf(this.config.stage)}-failed-executions`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: this.config.removalPolicy,
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself the workflow's dead-letter queue (failed, timed-out and aborted executions); nothing consumes it automatically, so it needs no DLQ of its own. An alarm fires on its depth.",
    });
    if (this.stateMachines.size > 0) {
      new events.Rule(this, 'FailedExecutionsRule', {
        description: 'Step Functions executions that did not succeed → the failed-executions queue',
        eventPattern: {
          source: ['aws.states'],
          detailType: ['Step Functions Execution Status Change'],
          detail: {
            status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
            stateMachineArn: [...this.stateMachines.values()].map((sm) => sm.stateMachineArn),
          },
        },
        targets: [new targets.SqsQueue(queue)],
      });
    }
    return queue;
  }

  private createAlarms(): void {
    const action = new cwActions.SnsAction(this.stateful.alarmTopic);
    const period = Duration.minutes(5);
    const alarm = (id: string, metric: cloudwatch.IMetric, description: string): void => {
      const a = new cloudwatch.Alarm(this, id, {
        alarmName: `${prefixOf(this.config.stage)}-${id}`,
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
    };

    alarm(
      'Api5xx',
      this.api.metricServerError({ period, statistic: 'Sum' }),
      'The API answered 5xx (a handler failed or API Gateway could not reach it).',
    );
    for (const [handler, fn] of this.functions) {
      alarm(
        `${pascal(handler)}Throttles`,
        fn.metricThrottles({ period, statistic: 'Sum' }),
        `Function ${handler} was throttled (concurrency limit).`,
      );
    }
    for (const [name, sm] of this.stateMachines) {
      alarm(
        `${pascal(name)}ExecutionsFailed`,
        new cloudwatch.MathExpression({
          expression: 'failed + timedOut + aborted',
          usingMetrics: {
            failed: sm.metricFailed({ period, statistic: 'Sum' }),
            timedOut: sm.metricTimedOut({ period, statistic: 'Sum' }),
            aborted: sm.metricAborted({ period, statistic: 'Sum' }),
          },
          period,
        }),
        `Executions of ${name} failed, timed out or were aborted.`,
      );
      alarm(
        `${pascal(name)}ExecutionsThrottled`,
        sm.metric('ExecutionThrottled', { period, statistic: 'Sum' }),
        `Executions of ${name} were throttled.`,
      );
    }
    alarm(
      'WebhookDeadLettersDepth',
      (this.queues.get('webhook-dead-letters') as sqs.Queue).metricApproximateNumberOfMessagesVisible({
        period,
        statistic: 'Maximum',
      }),
      'Webhook deliveries failed for good (or a stream batch could not be fanned out); see docs/webhooks.md.',
    );
    alarm(
      'FailedExecutionsQueueDepth',
      this.failedExecutionsQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      'Failed executions wait in the dead-letter queue for an operator.',
    );
  }
}

/** `/api/identifications/{refId}` → a regex matching it with or without the stage prefix. */
export function routePathRegex(path: string): string {
  const body = path
    .split('/')
    .map((seg) => (/^\{[^}]+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('/');
  return `^(/[^/]+)?${body}/?$`;
}
