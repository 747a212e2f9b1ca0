/**
 * The state machines of `statemachines/*.asl.json` as deployed: the ASL text kept verbatim with its
 * `${<Handler>FunctionArn}` substitutions, ALL-event logs without execution data, tracing, and the
 * right to invoke exactly its task functions. Only Lambda tasks are supported.
 */
import { type Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { aslStates, placeholderOf } from '../lambdas/asl-tasks.js';
import type { StageConfig } from './config.js';
import type { AslFile } from './state-machines.js';
import { pascal, stateMachineName } from './stateless-names.js';

const SUPPORTED_TASK_RESOURCES = new Set([
  'arn:aws:states:::lambda:invoke',
  'arn:aws:states:::lambda:invoke.waitForTaskToken',
]);

/** Refuses a task whose integration the stack grants nothing for (only Lambda tasks are granted). */
export function checkTaskResources(asl: AslFile): void {
  for (const [name, state] of aslStates(JSON.parse(asl.text) as object)) {
    if (state.Type !== 'Task') continue;
    const resource = String(state.Resource);
    const isFunctionArn = /^\$\{[A-Za-z0-9]+FunctionArn\}$/.test(resource);
    if (!isFunctionArn && !SUPPORTED_TASK_RESOURCES.has(resource)) {
      throw new Error(
        `${asl.path}: task "${name}" uses ${resource}; only Lambda tasks are granted (add the integration's permissions in lib/state-machine-resources.ts)`,
      );
    }
  }
}

export function createStateMachine(
  scope: Stack,
  deps: { config: StageConfig; functions: ReadonlyMap<string, nodejs.NodejsFunction> },
  asl: AslFile,
): sfn.StateMachine {
  const { config } = deps;
  const id = pascal(asl.name);
  const logGroup = new logs.LogGroup(scope, `${id}StateMachineLogs`, {
    logGroupName: `/aws/vendedlogs/states/${stateMachineName(config, asl.name)}`,
    retention: config.logRetention,
    removalPolicy: config.removalPolicy,
  });
  const taskFunctions = asl.handlers.map((h) => deps.functions.get(h) as nodejs.NodejsFunction);
  const sm = new sfn.StateMachine(scope, `${id}StateMachine`, {
    stateMachineName: stateMachineName(config, asl.name),
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromString(asl.text),
    definitionSubstitutions: Object.fromEntries(
      asl.handlers.map((h, i) => [placeholderOf(h), (taskFunctions[i] as nodejs.NodejsFunction).functionArn]),
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
  return sm;
}
