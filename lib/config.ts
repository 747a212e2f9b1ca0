/**
 * Stage configuration, read from CDK context (`-c stage=dev|test|prod`, cdk.json, or the App's
 * context in tests). Everything that differs between stages is decided here, nowhere else.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { isPartnerSecretList } from '../lambdas/adapters/env.js';
import { RETENTION_VARIABLES, type RetentionPolicy, retentionPolicyFrom } from '../lambdas/core/retention.js';
import { DEPLOYED_STAGES, isProductionStage } from '../lambdas/core/stage.js';
import {
  deploysTestStageRoutes,
  ROUTES,
  type RouteDefinition,
  routesOfStage,
  SCOPES,
  type Scope,
} from '../lambdas/routes.js';

export const STAGES = DEPLOYED_STAGES;
export type StageName = (typeof STAGES)[number];

/** An SP backend's app client (OAuth 2.0 client credentials). */
export interface SpClientConfig {
  /** Construct id and app client name, e.g. `acme-signing`. */
  name: string;
  /** Scopes of the route table it may ask for; default: DEFAULT_SP_SCOPES (read and write). */
  scopes?: Scope[];
}

export interface StageConfig {
  stage: StageName;
  /** dev and test carry the Test-ISP simulator (routes marked `testStageOnly`); prod does not. */
  includeTestStageOnlyRoutes: boolean;
  /** Outside dev: table deletion protection, RETAIN on data, key and user pool. */
  protectData: boolean;
  removalPolicy: RemovalPolicy;
  logRetention: RetentionDays;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  spClients: SpClientConfig[];
  /** Cognito hosted domain prefix (token endpoint); must be unique in the region. */
  authDomainPrefix: string | undefined;
  /** Account-wide SNS SMS settings. */
  sms: { monthlySpendLimitUsd: string; senderId: string | undefined };
  /** Aggregate API Gateway method throttle for routes with a per-client rate limit (the verify call). */
  rateLimitedRouteThrottle: { rateLimit: number; burstLimit: number };
  /** Stage-wide API Gateway throttle (every other method). */
  stageThrottle: { rateLimit: number; burstLimit: number };
  /** Base URL of links the service hands out (custom domain); default: the API stage URL. */
  publicBaseUrl: string | undefined;
  /** Optional e-mail subscribed to the alarm topic. */
  alarmEmail: string | undefined;
  /**
   * Overrides of the retention policy's defaults (`-c retention='{"endedOrderDays":14}'`), as the
   * RETENTION_* environment every function gets (docs/retention.md).
   */
  retentionEnvironment: Record<string, string>;
  /** Bump (`-c secretsRevision=2`) after changing a secret: functions using secrets re-resolve them. */
  secretsRevision: string | undefined;
  /**
   * The environment variables the partners' settings name for their secrets (`tokenEnv`,
   * `usernameEnv`, `passwordEnv`): fields of the `partner-secrets` secret, given to the functions
   * that open orders (`-c partnerSecrets='["EXAMPLEIDENT_API_TOKEN"]'`; docs/deploy.md).
   */
  partnerSecrets: string[];
}

function str(node: Node, key: string): string | undefined {
  const v = node.tryGetContext(key);
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new Error(`Context "${key}" must be a string`);
  return v;
}

function num(node: Node, key: string, fallback: number): number {
  const v = node.tryGetContext(key);
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`Context "${key}" must be a positive number`);
  return n;
}

/**
 * `spClients` context: a JSON array (or a JSON string of one, as `-c` passes it) of
 * `{"name": "...", "scopes": ["srs/read"]}` or plain names.
 */
export function parseSpClients(raw: unknown): SpClientConfig[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const value = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
  if (!Array.isArray(value)) throw new Error('Context "spClients" must be a JSON array');
  const known = new Set<string>(Object.values(SCOPES));
  const names = new Set<string>();
  return value.map((entry): SpClientConfig => {
    const client = typeof entry === 'string' ? { name: entry } : (entry as SpClientConfig);
    if (!client || typeof client.name !== 'string' || !/^[A-Za-z0-9][\w.-]{0,63}$/.test(client.name)) {
      throw new Error(`spClients: "${JSON.stringify(entry)}" needs a name of letters, digits, . _ -`);
    }
    if (names.has(client.name)) throw new Error(`spClients: "${client.name}" is listed twice`);
    names.add(client.name);
    for (const s of client.scopes ?? []) {
      if (!known.has(s)) throw new Error(`spClients: "${client.name}" asks for unknown scope "${s}"`);
    }
    return client.scopes ? { name: client.name, scopes: [...client.scopes] } : { name: client.name };
  });
}

/** `partnerSecrets` context: a JSON array of variable names (or a JSON string of one, or a comma-separated list). */
export function parsePartnerSecrets(raw: unknown): string[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const value =
    typeof raw === 'string'
      ? raw.trim().startsWith('[')
        ? (JSON.parse(raw) as unknown)
        : raw.split(',')
      : raw;
  if (!Array.isArray(value) || !value.every((n): n is string => typeof n === 'string')) {
    throw new Error(
      'Context "partnerSecrets" must be a JSON array of variable names, e.g. ["EXAMPLEIDENT_API_TOKEN"]',
    );
  }
  const names = [...new Set(value.map((n) => n.trim()))];
  if (!isPartnerSecretList(names)) {
    throw new Error(
      `Context "partnerSecrets": ${names.join(', ')} must be environment variable names (A-Z, 0-9, _), none of them the service's own (TABLE_NAME, AWS_…)`,
    );
  }
  return names;
}

/** `retention` context: a JSON object (or a JSON string of one) of RetentionPolicy settings. */
export function parseRetention(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null || raw === '') return {};
  const value = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('Context "retention" must be a JSON object, e.g. {"endedOrderDays":14}');
  }
  const env: Record<string, string> = {};
  for (const [setting, n] of Object.entries(value)) {
    const variable = RETENTION_VARIABLES[setting as keyof RetentionPolicy];
    if (!variable) throw new Error(`Context "retention": unknown setting "${setting}"`);
    env[variable] = String(n);
  }
  retentionPolicyFrom(env); // throws on a value that is not a whole number ≥ 1
  return env;
}

export function stageConfig(node: Node): StageConfig {
  const stage = (str(node, 'stage') ?? 'dev') as StageName;
  if (!STAGES.includes(stage)) {
    throw new Error(`Unknown stage "${stage}": use -c stage=${STAGES.join('|')}`);
  }
  const protectData = stage !== 'dev';
  return {
    stage,
    includeTestStageOnlyRoutes: deploysTestStageRoutes(stage),
    protectData,
    removalPolicy: protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    logRetention: isProductionStage(stage) ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
    logLevel: isProductionStage(stage) ? 'INFO' : 'DEBUG',
    spClients: parseSpClients(node.tryGetContext('spClients')),
    authDomainPrefix: str(node, 'authDomainPrefix'),
    sms: {
      monthlySpendLimitUsd: String(num(node, 'smsMonthlySpendLimitUsd', 1)),
      senderId: str(node, 'smsSenderId'),
    },
    rateLimitedRouteThrottle: {
      rateLimit: num(node, 'verifyThrottleRate', 50),
      burstLimit: num(node, 'verifyThrottleBurst', 100),
    },
    stageThrottle: {
      rateLimit: num(node, 'apiThrottleRate', 100),
      burstLimit: num(node, 'apiThrottleBurst', 200),
    },
    publicBaseUrl: str(node, 'publicBaseUrl')?.replace(/\/$/, ''),
    alarmEmail: str(node, 'alarmEmail'),
    retentionEnvironment: parseRetention(node.tryGetContext('retention')),
    secretsRevision:
      node.tryGetContext('secretsRevision') === undefined
        ? undefined
        : String(node.tryGetContext('secretsRevision')),
    partnerSecrets: parsePartnerSecrets(node.tryGetContext('partnerSecrets')),
  };
}

/** The routes this stage serves (the route table's rule, which its API document follows too). */
export function routesFor(
  config: Pick<StageConfig, 'stage'>,
  routeTable: readonly RouteDefinition[] = ROUTES,
): RouteDefinition[] {
  return routesOfStage(config.stage, routeTable);
}

/** Resource-name prefix, e.g. `srs-prod`. */
export function prefixOf(stage: StageName): string {
  return `srs-${stage}`;
}
