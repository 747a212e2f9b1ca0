import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured logger per function. Log ids and outcomes, never person data, tokens, task tokens
 * or message bodies.
 */
export const logger = new Logger({
  serviceName: 'smart-registration',
  logLevel: (process.env.LOG_LEVEL as 'INFO' | 'DEBUG' | 'WARN' | 'ERROR' | 'SILENT' | undefined) ?? 'INFO',
});
