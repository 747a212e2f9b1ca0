/**
 * The emulator synth target (`-c target=emulator`): the AWS templates minus what an AWS emulator
 * (MiniStack, LocalStack) cannot deploy, plus the emulator's own URLs where AWS hostnames would
 * point outside it. Everything else is the AWS synth unchanged; test/infra/emulator-target.test.ts
 * diffs the two and fails on any difference not listed here.
 *
 * Omissions are matched by resource type (and shape), not by construct id, so a resource another
 * feature adds is omitted without an edit here if it is of a kind the emulator refuses. To add one,
 * append to EMULATOR_OMISSIONS with its reason and what still covers it (docs/deploy.md lists them).
 */
import { type App, type CfnOutput, CfnResource, Fn, Stack, Validations } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { FilterPattern } from '../lambdas/event-sources.js';
import { type BuildOptions, buildStacks, type SrsStacks } from './app.js';
import { prefixOf, type StageName } from './config.js';

export const SYNTH_TARGETS = ['aws', 'emulator'] as const;
export type SynthTarget = (typeof SYNTH_TARGETS)[number];

/** MiniStack's and LocalStack's default edge port. */
export const DEFAULT_EMULATOR_ENDPOINT = 'http://127.0.0.1:4566';

export interface EmulatorTarget {
  /** The emulator's one endpoint, e.g. `http://127.0.0.1:4566` (no trailing slash). */
  endpoint: string;
}

/** A kind of resource the emulator target leaves out, and why that is safe. */
export interface EmulatorOmission {
  resourceType: string;
  /** Narrows the type (e.g. only alarms on metric math); default: every resource of the type. */
  matches?: (resource: CfnResource) => boolean;
  what: string;
  reason: string;
  coveredBy: string;
}

export const EMULATOR_OMISSIONS: readonly EmulatorOmission[] = [
  {
    resourceType: 'Custom::AWS',
    what: "the account's SMS settings (AwsCustomResource calling SNS SetSMSAttributes)",
    reason:
      'Custom::AWS runs the AWS SDK inside a provider function at deployment; the emulator has no SetSMSAttributes and no runtime SDK for it. SMS are captured by the emulator anyway.',
    coveredBy:
      'test/infra/stateful.test.ts (the call, its attributes and its IAM statement); the provider function itself still deploys.',
  },
  {
    resourceType: 'AWS::WAFv2::WebACLAssociation',
    what: 'the association of the WAF web ACL with the API stage',
    reason: 'Not a resource type the emulator knows; the web ACL itself deploys (no requests are filtered).',
    coveredBy:
      'test/infra/api.test.ts (the rate rules per route and the association with the stage); the 429 problem+json of WAF_FILTERED in the gateway-response tests.',
  },
  {
    resourceType: 'AWS::CloudWatch::Alarm',
    matches: (resource) => resource instanceof cloudwatch.CfnAlarm && resource.metrics !== undefined,
    what: 'alarms on metric math (failed + timed-out + aborted executions)',
    reason: 'The emulator refuses an alarm with `Metrics` (metric math); alarms on one metric deploy.',
    coveredBy:
      'test/infra/state-machine.test.ts and the alarm assertions of the infra tests (expression, metrics, action to the alarm topic).',
  },
];

/**
 * An event filter pattern as the emulator can evaluate it: without the fields that admit an absent
 * value (`exists: false`). MiniStack matches a nested pattern only against an object the record
 * has, so `exists: false` below a field the record lacks (an INSERT's old image, a map the old
 * image does not hold) never matches there, where Lambda matches it (the field is absent). Dropping
 * such a field only widens the filter: the function gets every record AWS hands it, and some more,
 * which it has to judge itself (the relay does: usecases/acceptance-relay.ts).
 */
export function emulatorFilter(pattern: FilterPattern): FilterPattern {
  const kept: Record<string, FilterPattern | readonly unknown[]> = {};
  for (const [field, expected] of Object.entries(pattern)) {
    if (Array.isArray(expected)) {
      const admitsAbsence = expected.some((rule) => typeof rule === 'object' && rule?.exists === false);
      if (!admitsAbsence) kept[field] = expected;
      continue;
    }
    const nested = emulatorFilter(expected as FilterPattern);
    if (Object.keys(nested).length > 0) kept[field] = nested;
  }
  return kept as FilterPattern;
}

/** The functions that check or call webhook URLs: the management API (its test call) and delivery. */
export const WEBHOOK_URL_FUNCTIONS = ['webhooks', 'webhook-deliver'] as const;

/** The REST API id the emulator target pins (MiniStack `ms-custom-id`, LocalStack `_custom_id_`). */
export function emulatorApiId(stage: StageName): string {
  return `${prefixOf(stage)}-api`;
}

/** The stage's API base URL on the emulator (no trailing slash). */
export function emulatorApiUrl(endpoint: string, stage: StageName): string {
  return `${endpoint}/_aws/execute-api/${emulatorApiId(stage)}/${stage}`;
}

/** The Cognito token endpoint on the emulator (client credentials). */
export function emulatorTokenEndpoint(endpoint: string): string {
  return `${endpoint}/oauth2/token`;
}

/**
 * Reads `-c target=aws|emulator` (default aws) and `-c emulatorEndpoint=…`. For the emulator,
 * defaults `publicBaseUrl` to the emulator's API URL, so that the links the service hands out (the
 * SMS terms link, the simulator's callbacks) reach it. Call before buildStacks.
 */
export function emulatorTargetOf(app: App): EmulatorTarget | undefined {
  const target = app.node.tryGetContext('target') ?? 'aws';
  if (!SYNTH_TARGETS.includes(target)) {
    throw new Error(`Unknown target "${target}": use -c target=${SYNTH_TARGETS.join('|')}`);
  }
  if (target !== 'emulator') return undefined;
  const raw = app.node.tryGetContext('emulatorEndpoint') ?? DEFAULT_EMULATOR_ENDPOINT;
  let url: URL;
  try {
    url = new URL(String(raw));
  } catch {
    throw new Error(`Context "emulatorEndpoint" must be a URL such as ${DEFAULT_EMULATOR_ENDPOINT}`);
  }
  if (!/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search) {
    throw new Error(
      `Context "emulatorEndpoint" must be an http(s) origin such as ${DEFAULT_EMULATOR_ENDPOINT}`,
    );
  }
  const endpoint = url.origin;
  const stage = (app.node.tryGetContext('stage') ?? 'dev') as StageName;
  if (!app.node.tryGetContext('publicBaseUrl')) {
    app.node.setContext('publicBaseUrl', emulatorApiUrl(endpoint, stage));
  }
  return { endpoint };
}

/** The stacks of the target the context asks for (`-c target=aws|emulator`). */
export function buildStacksForTarget(app: App, options: BuildOptions = {}): SrsStacks {
  const emulator = emulatorTargetOf(app);
  const stacks = buildStacks(app, options);
  if (emulator) applyEmulatorTarget(stacks, emulator);
  return stacks;
}

/** Turns the built stacks into the emulator's: the omissions and the emulator's URLs. */
export function applyEmulatorTarget(stacks: SrsStacks, target: EmulatorTarget): void {
  const { endpoint } = target;
  for (const stack of [stacks.stateful, stacks.stateless]) omitUnsupported(stack);
  for (const construct of stacks.stateless.node.findAll()) {
    if (construct instanceof lambda.CfnEventSourceMapping) useEmulatorFilters(construct);
  }
  // cdk-nag asks for the association the emulator cannot deploy (the AWS synth has it).
  Validations.of(stacks.stateless.api.deploymentStage).acknowledge({
    id: 'AwsSolutions-APIG3',
    reason:
      'Emulator target only: the WAFv2 web ACL association is left out because emulators cannot deploy it; the AWS synth associates the web ACL with this stage.',
  });

  // Tokens come from the emulator's token endpoint, signed with the keys of its JWKS endpoint
  // (`<endpoint>/<pool id>/.well-known/jwks.json`); the issuer they carry is the AWS one,
  // https://<ProviderName> (ProviderName is `cognito-idp.<region>.amazonaws.com/<pool id>`).
  const tokenEndpoint = emulatorTokenEndpoint(endpoint);
  for (const fn of stacks.stateless.functions.values()) {
    fn.addEnvironment('TOKEN_URL', tokenEndpoint);
    fn.addEnvironment(
      'ACCESS_TOKEN_JWKS_URL',
      Fn.join('', [
        `${endpoint}/`,
        Fn.select(1, Fn.split('/', stacks.stateful.userPool.userPoolProviderName)),
        '/.well-known/jwks.json',
      ]),
    );
  }
  (stacks.stateful.node.findChild('TokenEndpoint') as CfnOutput).value = tokenEndpoint;

  // The emulator's Lambda workers and a test's webhook receiver share one machine: the webhook
  // functions may call http://127.0.0.1 there, as on the embedded stack (never in an AWS synth).
  for (const handler of WEBHOOK_URL_FUNCTIONS) {
    stacks.stateless.functions.get(handler)?.addEnvironment('WEBHOOK_LOOPBACK_RECEIVERS', 'true');
  }

  // A fixed API id, so that the links built at synth time (publicBaseUrl) point at the API.
  const apiId = emulatorApiId(stacks.config.stage);
  const restApi = stacks.stateless.api.node.defaultChild as apigateway.CfnRestApi;
  restApi.tags.setTag('ms-custom-id', apiId);
  restApi.tags.setTag('_custom_id_', apiId);
  (stacks.stateless.node.findChild('ApiUrl') as CfnOutput).value =
    `${emulatorApiUrl(endpoint, stacks.config.stage)}/`;
}

/** The mapping's filter patterns as the emulator evaluates them like AWS (see emulatorFilter). */
function useEmulatorFilters(mapping: lambda.CfnEventSourceMapping): void {
  const criteria = mapping.filterCriteria as lambda.CfnEventSourceMapping.FilterCriteriaProperty | undefined;
  const filters = criteria?.filters as lambda.CfnEventSourceMapping.FilterProperty[] | undefined;
  if (!filters) return;
  mapping.filterCriteria = {
    filters: filters.map((f) =>
      f.pattern ? { pattern: JSON.stringify(emulatorFilter(JSON.parse(f.pattern) as FilterPattern)) } : f,
    ),
  };
}

/** Removes every resource of an omitted kind; returns their paths. */
function omitUnsupported(stack: Stack): string[] {
  const omitted: string[] = [];
  for (const construct of stack.node.findAll()) {
    if (!(construct instanceof CfnResource) || Stack.of(construct) !== stack) continue;
    const omission = EMULATOR_OMISSIONS.find(
      (o) => o.resourceType === construct.cfnResourceType && (o.matches?.(construct) ?? true),
    );
    if (!omission) continue;
    construct.node.scope?.node.tryRemoveChild(construct.node.id);
    omitted.push(construct.node.path);
  }
  return omitted;
}
