import { Logger } from '@aws-lambda-powertools/logger';
import { optionalEnv } from './env.js';

/** The `service` of every log line and metric (POWERTOOLS_SERVICE_NAME where the stack sets it). */
export const SERVICE_NAME = 'smart-registration';

/**
 * One structured logger per function. Log ids and outcomes, never person data, tokens, task tokens
 * or message bodies. The level is LOG_LEVEL (INFO when unset).
 */
export const logger = new Logger({
  serviceName: optionalEnv('POWERTOOLS_SERVICE_NAME', SERVICE_NAME),
  logLevel: optionalEnv('LOG_LEVEL', 'INFO').toUpperCase() as 'INFO' | 'DEBUG' | 'WARN' | 'ERROR' | 'SILENT',
});
