/**
 * The Lambda context object an in-process invocation gets, shaped as Lambda's: the function's name,
 * ARN, version, memory, log group and stream, the request id and the time left until the
 * function's timeout. Powertools' Logger puts these on every line (`injectLambdaContext`).
 */
import { randomBytes } from 'node:crypto';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';

/** What the stack deploys (lib/service-function.ts): memory, and the timeouts of API and task functions. */
export const FUNCTION_MEMORY_MB = 512;
export const API_FUNCTION_TIMEOUT_MS = 10_000;
export const TASK_FUNCTION_TIMEOUT_MS = 30_000;

const REGION = 'eu-central-2';
const MEMORY_LIMIT = String(FUNCTION_MEMORY_MB);
const ACCOUNT = '000000000000';
/** One log stream per "container", as Lambda names them: date, version, random id. */
const logStreamName = `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;

/** The names of a function's ARN and log group, made once per function. */
const functionNames = new Map<string, { arn: string; logGroupName: string }>();
const deprecatedCallback = () => undefined;

/**
 * Called unbound (middy, Powertools): a closure, not a method. Made by a function, not bound to a
 * name, so that tsx (esbuild's keepNames) does not rename a new closure on every invocation.
 */
function timeLeftUntil(deadline: number): () => number {
  return () => Math.max(0, deadline - Date.now());
}

export function lambdaContext(functionName: string, requestId: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  let names = functionNames.get(functionName);
  if (!names) {
    names = {
      arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
      logGroupName: `/aws/lambda/${functionName}`,
    };
    functionNames.set(functionName, names);
  }
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: names.arn,
    memoryLimitInMB: MEMORY_LIMIT,
    awsRequestId: requestId,
    logGroupName: names.logGroupName,
    logStreamName,
    getRemainingTimeInMillis: timeLeftUntil(deadline),
    done: deprecatedCallback,
    fail: deprecatedCallback,
    succeed: deprecatedCallback,
  };
}

/** The store once created: every invocation runs in it, without another await to reach it. */
let invocations: InvokeStoreBase | undefined;

/**
 * The embedded stack is one process running every function at once, as Lambda's runtime does for
 * one function with `AWS_LAMBDA_MAX_CONCURRENCY`: each invocation runs in its own InvokeStore
 * context (an AsyncLocalStorage), where Powertools keeps that invocation's Lambda context, log
 * keys and correlation id — so concurrent invocations never write each other's keys. Created
 * before the first handler runs (startLocalStack).
 */
export async function concurrentInvocations(): Promise<InvokeStoreBase> {
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '1000';
  invocations ??= await InvokeStore.getInstanceAsync(true);
  return invocations;
}

/** Invokes a handler as Lambda's runtime does: inside the invocation's own InvokeStore context. */
export function invokeFunction<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  event: E,
  context: Context,
): Promise<R> {
  // Not an async function: the handler's own promise is the answer, without two more turns to adopt it.
  if (!invocations) return concurrentInvocations().then(() => invokeFunction(handler, event, context));
  try {
    return invocations.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId }, () =>
      handler(event, context),
    );
  } catch (err) {
    // A handler that throws before its first await fails the invocation, as an async one does.
    return Promise.reject(err);
  }
}

/**
 * The line Lambda writes to a function's log when an invocation fails (it throws, or its module
 * fails to load): here one line with the function's name and the error's name and message, never
 * its stack or the event (the records carry person data). An event source mapping's retry follows.
 */
export function logInvocationError(functionName: string, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  const message = error.message.replace(/\s+/g, ' ').slice(0, 300);
  console.error(`[local] ${functionName}: Invoke Error ${error.name}: ${message}`);
}
