import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { describe, expect, it } from 'vitest';
import { aslHandlerNames, placeholderOf, taskHandlerOf } from '../../lambdas/asl-tasks.js';
import { loadStateMachines } from '../../lib/state-machines.js';
import { STATE_MACHINES_DIR, stateMachineName } from '../../lib/stateless-stack.js';
import {
  type CfnResource,
  deref,
  FIXTURES,
  logicalIdOf,
  resourcesOf,
  type Synth,
  statementsOfRole,
  synth,
  synthStage,
} from './helpers.js';

const files = loadStateMachines(STATE_MACHINES_DIR);

function machineResource(s: Synth, name: string): CfnResource {
  const sm = s.stateless.stateMachines.get(name);
  const id = logicalIdOf(s.stateless, sm as never);
  return resourcesOf(s.statelessTemplate, 'AWS::StepFunctions::StateMachine')[id] as CfnResource;
}

const fnId = (s: Synth, handler: string) =>
  logicalIdOf(s.stateless, s.stateless.functions.get(handler) as NodejsFunction);

/** Applies the template's DefinitionSubstitutions the way Step Functions will, with GetAtt → a readable marker. */
function substituted(resource: CfnResource): unknown {
  let text = resource.Properties.DefinitionString as string;
  const subs = resource.Properties.DefinitionSubstitutions as Record<
    string,
    { 'Fn::GetAtt': [string, string] }
  >;
  for (const [key, value] of Object.entries(subs)) {
    text = text.split(`\${${key}}`).join(`arn-of:${value['Fn::GetAtt'][0]}`);
  }
  expect(text).not.toMatch(/\$\{[^}]+\}/);
  return JSON.parse(text);
}

/** The ASL file with each `${XFunctionArn}` replaced by the marker of the function its handler got. */
function expectedDefinition(s: Synth, path: string): unknown {
  const text = readFileSync(path, 'utf8').replace(/\$\{([A-Za-z0-9]+FunctionArn)\}/g, (_, key: string) => {
    return `arn-of:${fnId(s, taskHandlerOf(key))}`;
  });
  return JSON.parse(text);
}

describe('the state machines', () => {
  it('there is one per statemachines/*.asl.json, named after the file and the stage', () => {
    const s = synthStage('prod');

    expect(files.length).toBeGreaterThan(0);
    expect([...s.stateless.stateMachines.keys()].sort()).toEqual(files.map((f) => f.name).sort());
    for (const f of files) {
      expect(machineResource(s, f.name).Properties).toMatchObject({
        StateMachineName: stateMachineName(s.config, f.name),
        StateMachineType: 'STANDARD',
      });
    }
  });

  it.each(files.map((f) => [f.name, f] as const))(
    '%s: the definition in the template is the ASL file, verbatim, after substitution',
    (name, file) => {
      const s = synthStage('prod');
      const resource = machineResource(s, name);

      expect(resource.Properties.DefinitionString).toBe(readFileSync(file.path, 'utf8'));
      expect(substituted(resource)).toEqual(expectedDefinition(s, file.path));
    },
  );

  it.each(files.map((f) => [f.name, f] as const))(
    '%s: every function the ASL names exists, and the state machine may invoke exactly those',
    (name, file) => {
      const s = synthStage('prod');
      const resource = machineResource(s, name);
      const handlers = aslHandlerNames(JSON.parse(file.text));

      expect(Object.keys(resource.Properties.DefinitionSubstitutions as object).sort()).toEqual(
        handlers.map(placeholderOf).sort(),
      );
      for (const h of handlers) expect(s.stateless.functions.has(h), h).toBe(true);

      const roleId = (resource.Properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const statements = statementsOfRole(s.statelessTemplate, roleId);
      const invokes = statements.filter((st) => st.Action.some((a) => a.startsWith('lambda:')));
      expect(invokes.flatMap((st) => st.Action)).toEqual(['lambda:InvokeFunction']);
      expect(
        invokes
          .flatMap((st) => st.Resource)
          .map((r) => JSON.stringify(r))
          .sort(),
      ).toEqual(handlers.map((h) => JSON.stringify({ 'Fn::GetAtt': [fnId(s, h), 'Arn'] })).sort());
      // Nothing but invoking, logging and tracing.
      const others = statements.flatMap((st) => st.Action).filter((a) => !/^(lambda|logs|xray):/.test(a));
      expect(others).toEqual([]);
    },
  );

  it.each(files.map((f) => [f.name] as const))(
    '%s: logs ALL events (without execution data) and traces with X-Ray',
    (name) => {
      const s = synthStage('prod');
      const resource = machineResource(s, name);
      const logGroups = resourcesOf(s.statelessTemplate, 'AWS::Logs::LogGroup');

      expect(resource.Properties.TracingConfiguration).toEqual({ Enabled: true });
      const logging = resource.Properties.LoggingConfiguration as {
        Level: string;
        IncludeExecutionData: boolean;
        Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [string, string] } } }[];
      };
      expect(logging.Level).toBe('ALL');
      expect(logging.IncludeExecutionData).toBe(false);
      const groupId = logging.Destinations[0]?.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0] as string;
      expect(logGroups[groupId]?.Properties.LogGroupName).toBe(
        `/aws/vendedlogs/states/${stateMachineName(s.config, name)}`,
      );
    },
  );

  it('functions that start executions get the ARN of the machine the stack deploys', () => {
    const s = synthStage('prod');
    const start = resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function')[fnId(s, 'identification-start')];
    const env = (start?.Properties.Environment ?? {}) as { Variables: Record<string, unknown> };

    expect(JSON.stringify(env.Variables.STATE_MACHINE_ARN)).toContain(
      `:stateMachine:${stateMachineName(s.config, 'identification')}`,
    );
  });

  it('walks Parallel branches and Map item processors when deriving functions and grants', () => {
    const s = synth({ stage: 'dev' }, { stateMachinesDir: join(FIXTURES, 'branching') });
    const resource = machineResource(s, 'identification');
    const roleId = (resource.Properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

    expect(substituted(resource)).toEqual(
      expectedDefinition(s, join(FIXTURES, 'branching', 'identification.asl.json')),
    );
    const invoked = statementsOfRole(s.statelessTemplate, roleId)
      .filter((st) => st.Action.includes('lambda:InvokeFunction'))
      .flatMap((st) => st.Resource);
    expect(invoked.map((r) => JSON.stringify(r)).sort()).toEqual(
      ['api-docs', 'fixture-branch-task', 'fixture-item-task']
        .map((h) => JSON.stringify({ 'Fn::GetAtt': [fnId(s, h), 'Arn'] }))
        .sort(),
    );
  });
});

describe('failed executions', () => {
  it('go to the dead-letter queue through an EventBridge rule', () => {
    const s = synthStage('prod');
    const queueId = logicalIdOf(s.stateless, s.stateless.failedExecutionsQueue);
    const [rule] = Object.values(resourcesOf(s.statelessTemplate, 'AWS::Events::Rule'));
    const pattern = rule?.Properties.EventPattern as {
      source: string[];
      detail: { status: string[]; stateMachineArn: unknown[] };
    };

    expect(pattern.source).toEqual(['aws.states']);
    expect(pattern.detail.status.sort()).toEqual(['ABORTED', 'FAILED', 'TIMED_OUT']);
    expect(pattern.detail.stateMachineArn).toHaveLength(files.length);
    expect(rule?.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } }),
    ]);
    s.statelessTemplate.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });
});

describe('alarms', () => {
  it('notify the alarm topic on 5xx, throttles, failed executions and dead-letter depth', () => {
    const s = synthStage('prod');
    const topicArn = s.stateful.resolve(s.stateful.alarmTopic.topicArn);
    const alarms = Object.values(resourcesOf(s.statelessTemplate, 'AWS::CloudWatch::Alarm'));
    const byName = new Map(alarms.map((a) => [a.Properties.AlarmName as string, a.Properties]));
    const prefix = 'srs-prod-';

    for (const a of alarms) {
      expect(deref(a.Properties.AlarmActions, s.statefulTemplate)).toEqual([topicArn]);
    }
    expect(byName.get(`${prefix}Api5xx`)).toMatchObject({
      MetricName: '5XXError',
      Namespace: 'AWS/ApiGateway',
    });
    for (const handler of s.stateless.functions.keys()) {
      const name = `${prefix}${handler.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}Throttles`;
      expect(byName.get(name), name).toMatchObject({ MetricName: 'Throttles', Namespace: 'AWS/Lambda' });
    }
    for (const f of files) {
      const pascal = f.name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
      const failed = byName.get(`${prefix}${pascal}ExecutionsFailed`);
      expect(JSON.stringify(failed?.Metrics)).toContain('ExecutionsFailed');
      expect(JSON.stringify(failed?.Metrics)).toContain('ExecutionsTimedOut');
      expect(byName.get(`${prefix}${pascal}ExecutionsThrottled`)).toMatchObject({
        MetricName: 'ExecutionThrottled',
      });
    }
    expect(byName.get(`${prefix}FailedExecutionsQueueDepth`)).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
    });
  });
});
