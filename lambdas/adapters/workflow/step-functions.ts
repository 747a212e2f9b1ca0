/**
 * The identification lifecycle on Step Functions: start one execution per order (named by its
 * refId, so a retried start never runs twice) and complete the callback tasks it waits on.
 * Locally the same SDK calls reach the embedded stack through `AWS_ENDPOINT_URL_SFN`.
 */
import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { Order } from '../../core/order.js';
import { TERMS_LINK_SECONDS } from '../../core/terms.js';
import type { IdentificationWorkflow, TaskCallbackPort } from '../../usecases/ports/workflow.js';

export interface WorkflowInput {
  refId: string;
  /** How long to wait for the ISP (the method's timeout from the catalogue). */
  ispTimeoutSeconds: number;
  /** How long the person has to accept the terms once the evidence is in. */
  termsTimeoutSeconds: number;
  /**
   * Only for an order whose method the person chooses: how long the choice may take. The state
   * machine waits for the choice first and then for the chosen partner's `ispTimeoutSeconds`.
   */
  choiceTimeoutSeconds?: number;
}

/** The state machine waits for the terms as long as a terms link is valid. */
export const TERMS_TIMEOUT_SECONDS = TERMS_LINK_SECONDS;

export class StepFunctionsWorkflow implements IdentificationWorkflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(order: Order): Promise<void> {
    const input: WorkflowInput = {
      refId: order.refId,
      ispTimeoutSeconds: order.timeoutSeconds,
      termsTimeoutSeconds: TERMS_TIMEOUT_SECONDS,
      ...(order.methodChoice && !order.issuer ? { choiceTimeoutSeconds: order.timeoutSeconds } : {}),
    };
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: order.refId,
          input: JSON.stringify(input),
        }),
      );
    } catch (err) {
      // Same name and same input: Step Functions answers the running execution; a different input throws.
      if (!(err instanceof ExecutionAlreadyExists)) throw err;
    }
  }
}

/** Completing callback tasks. A token that is gone (already completed, timed out) is not an error. */
export class TaskCallbacks implements TaskCallbackPort {
  constructor(private readonly client: SFNClient) {}

  async succeed(taskToken: string, output: unknown): Promise<boolean> {
    return this.tolerateGone(
      this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output ?? {}) })),
    );
  }

  async fail(taskToken: string, error: string, cause: string): Promise<boolean> {
    return this.tolerateGone(this.client.send(new SendTaskFailureCommand({ taskToken, error, cause })));
  }

  private async tolerateGone(call: Promise<unknown>): Promise<boolean> {
    try {
      await call;
      return true;
    } catch (err) {
      if (err instanceof TaskDoesNotExist || err instanceof TaskTimedOut || err instanceof InvalidToken)
        return false;
      throw err;
    }
  }
}

let client: SFNClient | undefined;
export function sfnClient(): SFNClient {
  client ??= new SFNClient({});
  return client;
}
