/**
 * The edge of the functions an event source invokes with a batch (the table's change feed, a
 * queue): a `@middy/core` chain of Powertools' Logger middleware (the Lambda context on every line,
 * keys reset after each batch, the event never logged — it carries orders) and an error line with
 * the error's name only (its message may quote data). The handler reports the records it failed
 * (partial batch responses); an error that escapes it fails the whole batch, which the event
 * source delivers again.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '../adapters/logger.js';
import { mapBundleStackFrames } from './stack-frames.js';

// Stack frames name the TypeScript source when a stack is written, not at every cold start (ADR 0021).
mapBundleStackFrames();

export type BatchHandler<E, R> = (event: E, context: Context) => Promise<R>;

/** Logs a batch that failed whole, by the error's name; the error goes on to the event source. */
export function batchFailureLog<E, R>(handler: string): MiddlewareObj<E, R, Error, Context> {
  return {
    onError: ({ error }) => {
      logger.error('batch failed', { handler, errorName: error?.name });
    },
  };
}

export function batchHandler<E, R>(
  name: string,
  fn: (event: E, context: Context) => Promise<R>,
): BatchHandler<E, R> {
  return middy<E, R>(fn, { timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(batchFailureLog<E, R>(name));
}
