/**
 * The edge every state machine task shares: a `@middy/core` chain of Powertools' Logger middleware
 * (the Lambda context and the order's refId on every line of the invocation, reset after it) and
 * ours, which makes what the task throws a typed task error (core/errors.ts) whose name the
 * ASL's Retry and Catch match — never an HTTP problem.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { isTransientAwsError } from '../adapters/aws-errors.js';
import { logger } from '../adapters/logger.js';
import { OrderNotFound, TASK_ERRORS, TransientError, TransitionRefused } from '../core/errors.js';
import { Problem } from '../core/problems.js';
import { mapBundleStackFrames } from './stack-frames.js';

// Stack frames name the TypeScript source when a stack is written, not at every cold start (ADR 0021).
mapBundleStackFrames();

export type TaskHandler<E, R> = (event: E, context: Context) => Promise<R>;

type TaskMiddleware = MiddlewareObj<{ refId?: unknown }, unknown, Error, Context>;

/** The order's refId as a log key for the whole invocation (it is an id, not person data). */
export function refIdKey(): TaskMiddleware {
  return {
    before: ({ event }) => {
      if (typeof event?.refId === 'string' && /^[\w-]{1,64}$/.test(event.refId))
        logger.appendKeys({ refId: event.refId });
    },
  };
}

/** What the state machine sees of an error the task ended with. */
export function asTaskError(err: unknown): Error {
  if (TASK_ERRORS.some((type) => err instanceof type)) return err as Error;
  if (isTransientAwsError(err))
    return new TransientError(`${(err as Error).name} after the SDK's own retries`);
  // A use case shared with the API answers some refusals as problems: name them for the state machine.
  if (err instanceof Problem) {
    return err.status === 404 ? new OrderNotFound(err.detail) : new TransitionRefused(err.detail);
  }
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Replaces the error with its typed task error and logs its name (the message may quote data the
 * logs must not hold). It does not answer: the invocation fails, as Step Functions needs.
 */
export function taskErrors(handler: string): TaskMiddleware {
  return {
    onError: (request) => {
      const error = asTaskError(request.error);
      request.error = error;
      const fields = { handler, errorName: error.name };
      if (error instanceof TransientError) logger.warn('task failed, to be retried', fields);
      else logger.error('task failed', fields);
    },
  };
}

/** A state machine task as a middy chain (`after`/`onError` run in the reverse order of `use`). */
export function taskHandler<E extends { refId?: unknown }, R>(
  name: string,
  fn: (event: E, context: Context) => Promise<R>,
): TaskHandler<E, R> {
  return middy<E, R>(fn, { timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(refIdKey() as MiddlewareObj<E, R, Error, Context>)
    .use(taskErrors(name) as MiddlewareObj<E, R, Error, Context>);
}
