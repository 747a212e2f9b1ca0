/**
 * What the emulations tell a metrics recorder, when a stack is given one (the benchmark's,
 * bench/metrics.ts): function invocations, API requests, token requests, Step Functions and SNS
 * calls, and DynamoDB's listener to meter. Without one the emulations carry no hook at all.
 */
import type { Server } from 'node:http';

export interface MetricsHooks {
  /** False makes every hook a pass-through. */
  readonly recording: boolean;
  /** Runs one invocation of a function, timed and with its AWS calls attributed to it. */
  invoke<T>(functionName: string, call: () => Promise<T>): Promise<T>;
  recordApiRequest(route: string, statusCode: number): void;
  recordTokenRequest(): void;
  /** An AWS API call (`StepFunctions`, `SNS`) served to the client on this port. */
  recordServiceCall(service: string, clientPort: number | undefined): void;
  /** Puts the recorder in front of dynalite's request listener. */
  instrumentDynalite(server: Server): void;
}
