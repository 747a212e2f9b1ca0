import { Logger } from '@aws-lambda-powertools/logger';
import { optionalEnv } from './env.js';

/** The `service` of every log line and metric (POWERTOOLS_SERVICE_NAME where the stack sets it). */
export const SERVICE_NAME = 'smart-registration';

type LogLevel = 'INFO' | 'DEBUG' | 'WARN' | 'ERROR' | 'SILENT';

/** LOG_LEVEL (INFO when unset); a value that is no level fails with the variable's name. */
const logLevelEnv = (): LogLevel => optionalEnv('LOG_LEVEL', 'INFO').toUpperCase() as LogLevel;

/**
 * One structured logger per function. Log ids and outcomes, never person data, tokens, task tokens
 * or message bodies. The level is LOG_LEVEL (INFO when unset).
 */
export const logger = new Logger({
  serviceName: optionalEnv('POWERTOOLS_SERVICE_NAME', SERVICE_NAME),
  logLevel: logLevelEnv(),
});

/**
 * Reads LOG_LEVEL again, for the embedded stack only: a Lambda container reads its environment once,
 * at init, as this module does, but the embedded stack runs every function in one process whose
 * modules may have loaded this one before it set the functions' environment (local/stack.ts).
 * Powertools fixes the level at construction and every invocation resets the logger to it
 * (injectLambdaContext → refreshSampleRateCalculation), so `setLogLevel` would last until the next
 * request: this runs the constructor's own step, which no public method offers.
 */
export function applyLogLevelEnv(): void {
  const level = logLevelEnv();
  const constructorStep = (logger as unknown as { setInitialLogLevel?: (level: string) => void })
    .setInitialLogLevel;
  if (typeof constructorStep !== 'function')
    throw new Error(
      'Powertools Logger has no setInitialLogLevel any more: the embedded stack cannot set LOG_LEVEL',
    );
  constructorStep.call(logger, level);
}
