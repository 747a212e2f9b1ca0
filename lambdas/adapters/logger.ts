import { Logger } from '@aws-lambda-powertools/logger';
import { optionalEnv } from './env.js';
import { SERVICE_NAME } from './service-name.js';

type LogLevel = 'INFO' | 'DEBUG' | 'WARN' | 'ERROR' | 'SILENT';

/** LOG_LEVEL (INFO when unset); a value that is no level fails with the variable's name. */
const logLevelEnv = (): LogLevel => optionalEnv('LOG_LEVEL', 'INFO').toUpperCase() as LogLevel;

/**
 * Powertools' Logger, with a level that can be set after init and kept: for the embedded stack only
 * (local/stack.ts), which runs every function in one process whose modules may have loaded this one
 * before it set the functions' LOG_LEVEL. Powertools sets the level back to the constructor's at
 * every warm invocation (injectLambdaContext → refreshSampleRateCalculation), so a `setLogLevel`
 * alone would last one request: a level given to `keepLogLevel` is set again after each refresh.
 * Only public methods; in Lambda nothing calls `keepLogLevel` and the constructor's level stands
 * (Powertools' own precedence: AWS_LAMBDA_LOG_LEVEL, Advanced Logging Controls, before it).
 */
class FunctionLogger extends Logger {
  #keptLevel: LogLevel | undefined;

  keepLogLevel(level: LogLevel): void {
    this.setLogLevel(level);
    this.#keptLevel = level;
  }

  override refreshSampleRateCalculation(): void {
    super.refreshSampleRateCalculation();
    if (this.#keptLevel) this.setLogLevel(this.#keptLevel);
  }
}

/**
 * One structured logger per function. Log ids and outcomes, never person data, tokens, task tokens
 * or message bodies. The level is LOG_LEVEL (INFO when unset).
 */
export const logger = new FunctionLogger({
  serviceName: optionalEnv('POWERTOOLS_SERVICE_NAME', SERVICE_NAME),
  logLevel: logLevelEnv(),
});

/**
 * Reads LOG_LEVEL again, for the embedded stack only: a Lambda container reads its environment once,
 * at init, as this module does, but the embedded stack runs every function in one process whose
 * modules may have loaded this one before it set the functions' environment (local/stack.ts).
 */
export function applyLogLevelEnv(): void {
  logger.keepLogLevel(logLevelEnv());
}
