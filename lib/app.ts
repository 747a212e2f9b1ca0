/**
 * Composes the stacks of one stage. `bin/app.ts` calls this for `cdk synth` / `cdk deploy`; the
 * infra tests call it with their own App (and context) to assert on the templates.
 */
import { type App, Tags } from 'aws-cdk-lib';
import { STAGE_TAG } from '../lambdas/core/stage.js';
import { prefixOf, type StageConfig, stageConfig } from './config.js';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack, type StatelessStackProps } from './stateless-stack.js';

export interface SrsStacks {
  config: StageConfig;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

export type BuildOptions = Pick<StatelessStackProps, 'handlerEntry' | 'stateMachinesDir' | 'routeTable'>;

export function buildStacks(app: App, options: BuildOptions = {}): SrsStacks {
  const config = stageConfig(app.node);
  const env =
    process.env.CDK_DEFAULT_ACCOUNT || process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined;
  const name = pascalStage(config.stage);
  const stateful = new StatefulStack(app, `Srs${name}Stateful`, {
    env,
    config,
    stackName: `${prefixOf(config.stage)}-stateful`,
    description: `Smart Registration Service (${config.stage}): table, key, user pool, alarm topic, SMS settings`,
    terminationProtection: config.protectData,
  });
  const stateless = new StatelessStack(app, `Srs${name}Stateless`, {
    env,
    config,
    stackName: `${prefixOf(config.stage)}-stateless`,
    description: `Smart Registration Service (${config.stage}): API, functions, state machines, alarms`,
    stateful: {
      table: stateful.table,
      dataKey: stateful.dataKey,
      userPool: stateful.userPool,
      alarmTopic: stateful.alarmTopic,
      tokenEndpoint: stateful.tokenEndpoint,
      // https:// + ProviderName is the pool's ProviderURL, from an attribute emulators know as well.
      accessTokenIssuer: `https://${stateful.userPool.userPoolProviderName}`,
      secrets: stateful.secrets,
      partnerSecrets: stateful.partnerSecrets,
    },
    ...options,
  });
  stateless.addStackDependency(stateful);
  Tags.of(app).add('service', 'smart-registration');
  // The admin CLI tells a production table by this tag (scripts/admin/connection.ts stageOfNamedTable).
  Tags.of(app).add(STAGE_TAG, config.stage);
  return { config, stateful, stateless };
}

function pascalStage(stage: string): string {
  return stage.charAt(0).toUpperCase() + stage.slice(1);
}
