/**
 * A function's environment variables, in one place: what lib/service-function.ts gives each deployed
 * function, what the embedded stack gives its functions (local/function-environment.ts), and what
 * the benchmark and the tests that import a bundle in a fresh process give it
 * (bench/cold-start.ts lambdaEnvironment). Which variables a function gets follows what
 * lib/function-permissions.ts grants it; their values come from the caller: CloudFormation
 * references and dynamic secret references in the stack, fixed stand-ins elsewhere. No CDK import,
 * so the benchmark reads it without loading the CDK.
 */
import type { StageName } from './config.js';
import {
  DEFAULT_STATE_MACHINE,
  permissionsOf,
  type QueueName,
  SECRET_VALUES,
  type SecretName,
} from './function-permissions.js';

export const POWERTOOLS_SERVICE_NAME = 'smart-registration';

/** Where each variable's value comes from. */
export interface EnvironmentSources {
  /** A deployed stage, or the embedded stack's (`local`, local/function-environment.ts). */
  stage: StageName | 'local';
  /** SILENT: the embedded stack's tests. */
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  tableName: string;
  /** Where the links the service hands out point (SMS terms link, OpenAPI servers). */
  publicBaseUrl: string;
  /** The OAuth token endpoint (client credentials), shown in the OpenAPI document. */
  tokenUrl: string;
  /** Whose access tokens the introspection endpoint recognises. */
  accessTokenIssuer: string;
  /** The stage's retention settings (lib/config.ts parseRetention). */
  retentionEnvironment: Readonly<Record<string, string>>;
  /** The ARN of `statemachines/<machine>.asl.json`'s state machine. */
  stateMachineArn(machine: string): string;
  secretValue(name: SecretName): string;
  /** Partner variables given to the functions that open orders (lib/config.ts partnerSecrets). */
  partnerSecrets: readonly string[];
  partnerSecretValue(name: string): string;
  secretsRevision: string | undefined;
  queueUrl(name: QueueName): string;
  smsSenderId: string | undefined;
}

/** The environment of `handler`'s function. */
export function functionEnvironment(handler: string, sources: EnvironmentSources): Record<string, string> {
  const permissions = permissionsOf(handler);
  const environment: Record<string, string> = {
    TABLE_NAME: sources.tableName,
    PUBLIC_BASE_URL: sources.publicBaseUrl,
    STAGE: sources.stage,
    LOG_LEVEL: sources.logLevel,
    POWERTOOLS_SERVICE_NAME,
    // The business metrics (lambdas/adapters/metrics.ts), one namespace per stage.
    POWERTOOLS_METRICS_NAMESPACE: `SmartRegistration/${sources.stage}`,
    TOKEN_URL: sources.tokenUrl,
    ACCESS_TOKEN_ISSUER: sources.accessTokenIssuer,
    ACCESS_TOKEN_JWKS_URL: `${sources.accessTokenIssuer}/.well-known/jwks.json`,
    ...sources.retentionEnvironment,
  };
  if (permissions.stateMachine)
    environment.STATE_MACHINE_ARN = sources.stateMachineArn(
      permissions.stateMachine.machine ?? DEFAULT_STATE_MACHINE,
    );
  for (const name of permissions.secrets ?? [])
    environment[SECRET_VALUES[name].env] = sources.secretValue(name);
  const partnerSecrets = permissions.partnerSecrets ? sources.partnerSecrets : [];
  if (partnerSecrets.length > 0) {
    environment.PARTNER_SECRETS = partnerSecrets.join(',');
    for (const name of partnerSecrets) environment[name] = sources.partnerSecretValue(name);
  }
  // CloudFormation resolves the references only when the function changes: this makes it change.
  if ((permissions.secrets?.length || partnerSecrets.length) && sources.secretsRevision)
    environment.SECRETS_REVISION = sources.secretsRevision;
  if (permissions.sendTo?.length) {
    environment.WEBHOOK_QUEUE_URL = sources.queueUrl('webhook-deliveries');
    environment.WEBHOOK_DLQ_URL = sources.queueUrl('webhook-dead-letters');
  }
  if (permissions.sms && sources.smsSenderId) environment.SMS_SENDER_ID = sources.smsSenderId;
  return environment;
}
