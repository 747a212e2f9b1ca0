/** The Step Functions and SNS adapters send exactly the commands AWS expects. */
import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { SnsSmsSender } from '../../lambdas/adapters/sms.js';
import {
  StepFunctionsWorkflow,
  TaskCallbacks,
  TERMS_TIMEOUT_SECONDS,
} from '../../lambdas/adapters/workflow/step-functions.js';
import type { Order } from '../../lambdas/core/order.js';

const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);
const ARN = 'arn:aws:states:eu-central-2:123456789012:stateMachine:srs-test-identification';

beforeEach(() => {
  sfn.reset();
  sns.reset();
});

const order = { refId: '5c327977-a154-4747-b99d-c0733f7007c5', timeoutSeconds: 14_400 } as Order;

describe('StepFunctionsWorkflow', () => {
  it('starts one execution named by the refId, with the method timeout in its input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:x`, startDate: new Date() });

    await new StepFunctionsWorkflow(new SFNClient({}), ARN).start(order);

    expect(sfn).toHaveReceivedCommandExactlyOnceWith(StartExecutionCommand, {
      stateMachineArn: ARN,
      name: order.refId,
      input: JSON.stringify({
        refId: order.refId,
        ispTimeoutSeconds: 14_400,
        termsTimeoutSeconds: TERMS_TIMEOUT_SECONDS,
      }),
    });
  });

  it('treats an execution that already exists as started (a retried start runs once)', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    await expect(new StepFunctionsWorkflow(new SFNClient({}), ARN).start(order)).resolves.toBeUndefined();
  });

  it('passes other errors on', async () => {
    const error = Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
    sfn.on(StartExecutionCommand).rejects(error);

    await expect(new StepFunctionsWorkflow(new SFNClient({}), ARN).start(order)).rejects.toThrow('throttled');
  });
});

describe('TaskCallbacks', () => {
  it('completes a task with its output as JSON', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});

    expect(await new TaskCallbacks(new SFNClient({})).succeed('token-1', { evidenceId: 'e-1' })).toBe(true);
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(SendTaskSuccessCommand, {
      taskToken: 'token-1',
      output: '{"evidenceId":"e-1"}',
    });
  });

  it('fails a task with an error code the Catch recognises and a cause', async () => {
    sfn.on(SendTaskFailureCommand).resolves({});

    await new TaskCallbacks(new SFNClient({})).fail('token-2', 'IdentificationCancelled', 'cancelled:user');
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(SendTaskFailureCommand, {
      taskToken: 'token-2',
      error: 'IdentificationCancelled',
      cause: 'cancelled:user',
    });
  });

  it.each([
    ['completed or unknown', new TaskDoesNotExist({ message: 'gone', $metadata: {} })],
    ['timed out', new TaskTimedOut({ message: 'late', $metadata: {} })],
  ])('answers false, without throwing, for a task that is %s', async (_label, error) => {
    sfn.on(SendTaskSuccessCommand).rejects(error);

    expect(await new TaskCallbacks(new SFNClient({})).succeed('token-3', {})).toBe(false);
  });
});

describe('SnsSmsSender', () => {
  it('publishes a transactional SMS straight to the phone number, with the sender id when set', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    const out = await new SnsSmsSender(new SNSClient({}), 'Swisscom').send('+41783478228', 'Hello');

    expect(out).toEqual({ messageId: 'm-1' });
    expect(sns).toHaveReceivedCommandExactlyOnceWith(PublishCommand, {
      PhoneNumber: '+41783478228',
      Message: 'Hello',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'Swisscom' },
      },
    });
  });
});
