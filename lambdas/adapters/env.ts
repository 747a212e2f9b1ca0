/**
 * The functions' environment, read in one place: every variable a function reads is named here
 * with the rule its value must meet, so a wrong deployment fails at cold start with the
 * variable's name (never its value: several are secrets) instead of a request failing later.
 *
 * Values are read when asked for, not copied at import: a local stack started later in the same
 * process (tests) sets new values while the handler modules stay loaded.
 */

import { ENV_VARIABLE_NAME } from '../core/env-name.js';
import { allowsLoopbackHttp } from '../core/loopback.js';
import {
  RETENTION_VALUE,
  RETENTION_VARIABLES,
  type RetentionPolicy,
  type RetentionVariable,
  retentionPolicyFrom,
} from '../core/retention.js';
import { isKnownStage } from '../core/stage.js';

type Rule = { test: (value: string) => boolean; must: string };

const pattern = (re: RegExp, must: string): Rule => ({ test: (v) => re.test(v), must });

const httpUrl: Rule = {
  test: (v) => {
    try {
      return /^https?:$/.test(new URL(v).protocol);
    } catch {
      return false;
    }
  },
  must: 'an http(s) URL',
};

const jsonObject: Rule = {
  test: (v) => {
    try {
      const parsed: unknown = JSON.parse(v);
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
    } catch {
      return false;
    }
  },
  must: 'a JSON object',
};

const seconds = pattern(/^\d{1,7}(\.\d+)?$/, 'a number of seconds ≥ 0');
const nonEmpty = pattern(/\S/, 'not blank');
const wholeNumber = pattern(RETENTION_VALUE, 'a whole number from 1 to 99999');
/** Every RETENTION_* override (core/retention.ts names them). */
const RETENTION_RULES = Object.fromEntries(
  Object.values(RETENTION_VARIABLES).map((name) => [name, wholeNumber]),
) as Record<RetentionVariable, Rule>;

const VARIABLES = {
  TABLE_NAME: pattern(/^[\w.-]{3,255}$/, 'a DynamoDB table name'),
  STATE_MACHINE_ARN: pattern(/^arn:[\w-]+:states:[\w-]*:\d*:stateMachine:[\w-]+$/, 'a state machine ARN'),
  PUBLIC_BASE_URL: httpUrl,
  TOKEN_URL: httpUrl,
  ACCESS_TOKEN_ISSUER: httpUrl,
  ACCESS_TOKEN_JWKS_URL: httpUrl,
  SERIAL_NUMBER_KEY: pattern(/^.{16,}$/s, 'at least 16 characters'),
  ORDER_TOKEN_PRIVATE_JWK: jsonObject,
  ORDER_TOKEN_PUBLIC_JWKS: jsonObject,
  TEST_ISP_PRIVATE_JWK: jsonObject,
  SMS_SENDER_ID: pattern(/^[A-Za-z0-9]{1,11}$/, '1 to 11 letters or digits (an SNS sender id)'),
  VERIFY_COUNT_FLUSH_SECONDS: seconds,
  CONFIG_CACHE_SECONDS: seconds,
  DEMO_PORTAL_CLIENT_ID: nonEmpty,
  DEMO_PORTAL_CLIENT_SECRET: nonEmpty,
  DEMO_PORTAL_COOKIE_KEY: pattern(/^.{16,}$/s, 'at least 16 characters'),
  DEMO_PORTAL_SMS_OUTBOX_URL: httpUrl,
  LOG_LEVEL: pattern(
    /^(TRACE|DEBUG|INFO|WARN|ERROR|CRITICAL|SILENT)$/i,
    'a log level (DEBUG, INFO, WARN, ERROR, SILENT)',
  ),
  POWERTOOLS_SERVICE_NAME: pattern(/^[\w.-]{1,128}$/, 'a service name (letters, digits, . _ -)'),
  POWERTOOLS_METRICS_NAMESPACE: pattern(/^[\w./#:-]{1,255}$/, 'a CloudWatch namespace'),
  /** Never defaulted: an unknown or missing stage would be taken for a test stage (core/stage.ts). */
  STAGE: { test: isKnownStage, must: 'one of the stages local, dev, test, prod' },
  WEBHOOK_QUEUE_URL: httpUrl,
  /** Set by the emulator synth target only (lib/emulator-target.ts): receivers on 127.0.0.1. */
  WEBHOOK_LOOPBACK_RECEIVERS: pattern(/^(true|false)$/, 'true or false'),
  WEBHOOK_DLQ_URL: httpUrl,
  WEBHOOK_TIMEOUT_MS: pattern(/^[1-9]\d{0,5}$/, 'a whole number of milliseconds ≥ 1'),
  WEBHOOK_RETRY_DELAYS: pattern(
    /^\d{1,5}(,\d{1,5}){0,19}$/,
    'up to 20 whole numbers of seconds, comma-separated',
  ),
  ...RETENTION_RULES,
  /**
   * The variables this function holds partner secrets in, comma-separated: the names the partners'
   * settings give (`tokenEnv`, `usernameEnv`, `passwordEnv`). Set by the deployment from the same
   * list that puts the secrets there (CDK context `partnerSecrets`; locally, from the configuration).
   */
  PARTNER_SECRETS: {
    test: (v) => isPartnerSecretList(v.split(',')),
    must: "names of environment variables, comma-separated, none of them the service's own",
  },
} as const satisfies Record<string, Rule>;

export type EnvName = keyof typeof VARIABLES;

/** A variable of the service itself or of the runtime: never readable as a partner's secret. */
function isServiceVariable(name: string): boolean {
  return Object.hasOwn(VARIABLES, name) || /^(AWS|LAMBDA|NODE|POWERTOOLS|SECRETS_REVISION$|_)/.test(name);
}

/** Names a deployment may list as partner secrets (the CDK app checks its context with this too). */
export function isPartnerSecretList(names: readonly string[]): boolean {
  return names.every((name) => ENV_VARIABLE_NAME.test(name) && !isServiceVariable(name));
}

/** A variable whose value breaks its rule (the message names the variable, never the value). */
export class InvalidEnvironment extends Error {
  override readonly name = 'InvalidEnvironment';
}

function read(name: EnvName): string | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const rule: Rule = VARIABLES[name];
  if (!rule.test(value)) throw new InvalidEnvironment(`Environment variable ${name} must be ${rule.must}`);
  return value;
}

/** A variable the function cannot run without: missing or invalid fails the caller (at cold start). */
export function requiredEnv(name: EnvName): string {
  const value = read(name);
  if (value === undefined) throw new InvalidEnvironment(`Missing required environment variable ${name}`);
  return value;
}

/** A variable with a fallback; set but invalid still fails. */
export function optionalEnv(name: EnvName): string | undefined;
export function optionalEnv(name: EnvName, fallback: string): string;
export function optionalEnv(name: EnvName, fallback?: string): string | undefined {
  return read(name) ?? fallback;
}

/**
 * The stage this function runs on (STAGE): required, and one of the known stages, so a deployment
 * that does not say its stage fails at cold start instead of being taken for a test stage. Every
 * function is given it (lib/function-environment.ts); the functions whose rules depend on it call
 * this at cold start, and read it again where they decide (tests start stacks of other stages in
 * one process).
 */
export function requiredStage(): string {
  return requiredEnv('STAGE');
}

/**
 * Whether this function's stage lets the URLs it is given use plain http to the loopback interface
 * (core/loopback.ts allowsLoopbackHttp): the one read of STAGE for that rule, per call.
 */
export function stageAllowsLoopbackHttp(): boolean {
  return allowsLoopbackHttp(requiredStage());
}

/** The retention policy: the defaults with the RETENTION_* overrides (docs/retention.md). */
export function retentionPolicyEnv(): RetentionPolicy {
  const overrides: Partial<Record<RetentionVariable, string>> = {};
  for (const name of Object.values(RETENTION_VARIABLES)) overrides[name] = optionalEnv(name);
  return retentionPolicyFrom(overrides);
}

/** The partner secret variables this function holds (PARTNER_SECRETS), in the order listed. */
export function partnerSecretNamesEnv(): string[] {
  return optionalEnv('PARTNER_SECRETS')?.split(',') ?? [];
}

/**
 * A secret that goes into a header: one line, no control characters, not blank. The pattern is
 * built by its first test: esbuild writes a `\P{…}` literal as `new RegExp(…)`, which every
 * function importing this module would otherwise construct at import, while only the functions
 * that open orders with partners read their secrets.
 */
let partnerSecretPattern: RegExp | undefined;
const partnerSecretRule: Rule = {
  test: (v) => {
    partnerSecretPattern ??= /^\P{Cc}*\S\P{Cc}*$/u;
    return partnerSecretPattern.test(v);
  },
  must: 'text on one line without control characters, not blank',
};

/**
 * One partner secret, by the name a partner's settings give. Only a variable listed in
 * PARTNER_SECRETS can be read, so a configuration cannot send the service's own secrets (or the
 * runtime's credentials) to a partner. Fails naming the variable, never quoting its value.
 */
export function partnerSecretEnv(name: string): string {
  if (!partnerSecretNamesEnv().includes(name)) {
    throw new InvalidEnvironment(
      `The partner secret variable ${name} is not listed in PARTNER_SECRETS (docs/isp-integration.md)`,
    );
  }
  return partnerSecretValue(name);
}

function partnerSecretValue(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new InvalidEnvironment(`Missing partner secret variable ${name}`);
  if (!partnerSecretRule.test(value)) {
    throw new InvalidEnvironment(`Partner secret variable ${name} must be ${partnerSecretRule.must}`);
  }
  return value;
}

/**
 * Every partner secret is set and valid: called at cold start by the functions that open orders
 * (the listed ones), and by the local stack before it lists the ones its configuration names.
 */
export function assertPartnerSecretsConfigured(names: readonly string[] = partnerSecretNamesEnv()): void {
  if (!isPartnerSecretList(names)) {
    throw new InvalidEnvironment(
      `Environment variable PARTNER_SECRETS must be ${VARIABLES.PARTNER_SECRETS.must}`,
    );
  }
  for (const name of names) partnerSecretValue(name);
}

/** A number of seconds, as milliseconds. */
export function secondsEnvMs(name: 'VERIFY_COUNT_FLUSH_SECONDS' | 'CONFIG_CACHE_SECONDS', fallback: number) {
  return Number(optionalEnv(name, String(fallback))) * 1000;
}

/**
 * The service's own address, PUBLIC_BASE_URL without a trailing slash: where the links it hands out
 * point (the terms link, the OpenAPI document's server, redirects, the order tokens' issuer). Throws
 * InvalidEnvironment, naming the variable, when it is missing or not an http(s) URL. Every function
 * is given it (lib/function-environment.ts; the stack resolves a custom domain or the stage URL, the
 * local stack its own address): a missing one is a broken deployment, not a cue to trust the Host
 * header. The functions that hand out links call it at cold start, so that such a deployment fails
 * there, and again wherever they need the address (read when asked for, as every variable here).
 */
export function requiredPublicBaseUrl(): string {
  return requiredEnv('PUBLIC_BASE_URL').replace(/\/$/, '');
}
