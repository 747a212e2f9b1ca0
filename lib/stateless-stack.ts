/**
 * What can be replaced at any time, composed here from its parts: one function per handler (the
 * route table's, the ASL tasks', the event sources'; lib/service-function.ts), the state machines
 * (lib/state-machine-resources.ts), the webhook queues and event sources (lib/event-sources.ts),
 * the REST API (lib/api.ts), per-client rate limits (lib/rate-limits.ts), and what an operator
 * watches (lib/operations.ts).
 */
import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { EVENT_SOURCE_FUNCTIONS } from '../lambdas/event-sources.js';
import type { RouteDefinition } from '../lambdas/routes.js';
import { createApi } from './api.js';
import { routesFor, type StageConfig } from './config.js';
import { connectEventSource, createEventSourceQueues } from './event-sources.js';
import type { QueueName } from './function-permissions.js';
import { createAlarms, createFailedExecutionsQueue } from './operations.js';
import { createWebAcl } from './rate-limits.js';
import { createServiceFunction, defaultHandlerEntry } from './service-function.js';
import { checkTaskResources, createStateMachine } from './state-machine-resources.js';
import { type AslFile, loadStateMachines } from './state-machines.js';
import { type FunctionUse, pascal, STATE_MACHINES_DIR, type StatefulResources } from './stateless-names.js';

export { defaultHandlerEntry } from './service-function.js';
export {
  type FunctionUse,
  HANDLERS_DIR,
  PROJECT_ROOT,
  STATE_MACHINES_DIR,
  type StatefulResources,
  stateMachineName,
} from './stateless-names.js';

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
  readonly config: StageConfig;
  readonly stateful: StatefulResources;
  readonly publicBaseUrl: string;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    this.config = props.config;
    this.stateful = props.stateful;
    this.routes = routesFor(props.config, props.routeTable);
    this.stateMachineFiles = loadStateMachines(props.stateMachinesDir ?? STATE_MACHINES_DIR);
    for (const asl of this.stateMachineFiles) checkTaskResources(asl);

    // The function set: every handler of the stage's routes plus every ASL task handler, once each.
    for (const route of this.routes) this.useOf(route.handler).routes.push(route);
    for (const asl of this.stateMachineFiles) {
      for (const task of asl.tasks)
        this.useOf(task.handler).tasks.push({ machine: asl.name, stateName: task.stateName });
    }
    for (const fn of EVENT_SOURCE_FUNCTIONS) this.useOf(fn.handler).eventSource = fn;
    this.queues = createEventSourceQueues(this, this);
    const entryOf = props.handlerEntry ?? defaultHandlerEntry;
    for (const [handler, use] of this.functionUses) {
      const { fn, role } = createServiceFunction(this, this, handler, use, entryOf(handler, use));
      this.functions.set(handler, fn);
      this.functionRoles.set(handler, role);
    }
    for (const [handler, use] of this.functionUses) {
      if (use.eventSource) {
        const fn = this.functions.get(handler) as nodejs.NodejsFunction;
        connectEventSource(this, { table: this.stateful.table, queues: this.queues }, fn, use.eventSource);
      }
    }

    for (const asl of this.stateMachineFiles)
      this.stateMachines.set(asl.name, createStateMachine(this, this, asl));
    const api = createApi(this, {
      config: this.config,
      routes: this.routes,
      userPool: this.stateful.userPool,
      functions: this.functions,
    });
    this.api = api.api;
    this.authorizer = api.authorizer;
    // Links the service hands out (SMS terms link, OpenAPI servers): a custom domain, else the stage URL.
    // Built from the RestApi id alone: `api.url` would reference the stage, which depends on the functions.
    // Every function's PUBLIC_BASE_URL (lib/function-environment.ts), resolved at synthesis.
    this.publicBaseUrl =
      props.config.publicBaseUrl ??
      `https://${this.api.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${props.config.stage}`;
    this.webAcl = createWebAcl(this, this);
    this.failedExecutionsQueue = createFailedExecutionsQueue(this, this);
    this.alarms.push(
      ...createAlarms(this, {
        config: this.config,
        alarmTopic: this.stateful.alarmTopic,
        api: this.api,
        functions: this.functions,
        stateMachines: this.stateMachines,
        queues: this.queues,
        failedExecutionsQueue: this.failedExecutionsQueue,
      }),
    );

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'WebAclArn', { value: this.webAcl.attrArn });
    new CfnOutput(this, 'FailedExecutionsQueueUrl', { value: this.failedExecutionsQueue.queueUrl });
    new CfnOutput(this, 'WebhookDeadLettersQueueUrl', {
      value: (this.queues.get('webhook-dead-letters') as sqs.Queue).queueUrl,
    });
    new CfnOutput(this, 'TermsAcceptanceRelayDeadLettersQueueUrl', {
      value: (this.queues.get('terms-acceptance-relay-dead-letters') as sqs.Queue).queueUrl,
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
}
