/**
 * Finds the table a command works on and connects to it:
 *   --local            the stack `npm start` runs here (its endpoints file, local/endpoints-file.ts)
 *   --stage <stage>    the deployed stage's table, from its stateful CloudFormation stack's outputs
 *   --table / TABLE_NAME  a table by name
 * In AWS the standard credential chain (environment, AWS_PROFILE, SSO, instance role) and region
 * apply. Every way this can fail ends in one OperatorError line (exit code 2).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  ListTagsOfResourceCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createRepository, type Repository } from '../../lambdas/adapters/dynamo/repository.js';
import {
  DEPLOYED_STAGES,
  isKnownStage,
  isProductionStage,
  KNOWN_STAGES,
  LOCAL_STAGE,
  PRODUCTION_STAGE,
  STAGE_TAG,
} from '../../lambdas/core/stage.js';
import { type LocalStackEndpoints, runningLocalStacks } from '../../local/endpoints-file.js';
import { OperatorError, type OptionValues, stringOption } from './cli.js';

export interface Connection {
  repository: Repository;
  db: DynamoDBDocumentClient;
  tableName: string;
  /** Where the table is, for messages: `local stack http://127.0.0.1:3000`, `stage test`, … */
  target: string;
  /** The stage the table belongs to (for --table: stageOfNamedTable), asked only by the commands whose rules depend on it. */
  stage(): Promise<TableStage>;
  close(): void;
}

/** Which stage a table belongs to, or why that cannot be told. */
export type TableStage = { stage: string } | { stage: undefined; unknownBecause: string };

const TABLE = /^[A-Za-z0-9_.-]{3,255}$/;

/** Fail fast: an unreachable endpoint should not hang the operator's terminal. */
const CLIENT_DEFAULTS: DynamoDBClientConfig = {
  maxAttempts: 2,
  requestHandler: { connectionTimeout: 3000, requestTimeout: 15000 },
};

function pickLocalStack(port: string | undefined): LocalStackEndpoints {
  const stacks = runningLocalStacks();
  if (port !== undefined) {
    const found = stacks.find((s) => String(s.httpPort) === port);
    if (!found) {
      throw new OperatorError(
        `No local stack runs on port ${port}${stacks.length ? ` (running: ${stacks.map((s) => s.httpPort).join(', ')})` : ''}; start one with npm start.`,
      );
    }
    return found;
  }
  if (stacks.length === 0) throw new OperatorError('No local stack is running: start one with npm start.');
  if (stacks.length > 1) {
    throw new OperatorError(
      `Several local stacks run (ports ${stacks.map((s) => s.httpPort).join(', ')}): choose one with --port.`,
    );
  }
  return stacks[0] as LocalStackEndpoints;
}

/** A stage's stateful stack, whose outputs name its table. */
const statefulStackName = (stage: string) => `srs-${stage}-stateful`;

/** The name CloudFormation gives a table it names itself: `<stack name>-<logical id>-<suffix>`. */
const GENERATED_TABLE_NAME = /^srs-([a-z][a-z0-9-]*?)-stateful-/;

/**
 * The stage the global options name (--local, --stage), known before connecting; undefined for a
 * table given by name, whose stage only the table tells (Connection.stage).
 */
export function stageNamedBy(values: OptionValues): string | undefined {
  if (values.local === true) return LOCAL_STAGE;
  return stringOption(values, 'stage');
}

/**
 * The stage of a table given by name: its stage tag (lib/app.ts tags every resource of a deployment,
 * the embedded stack its table) and the name CloudFormation gave it in `srs-<stage>-stateful`.
 * Where they disagree production wins: a rule production is stricter in must not be escaped by
 * naming or tagging the table otherwise.
 */
async function stageOfNamedTable(client: DynamoDBClient, tableName: string, tableArn: string | undefined) {
  const byName = GENERATED_TABLE_NAME.exec(tableName)?.[1];
  let byTag: string | undefined;
  let tagsUnread: string | undefined;
  try {
    if (!tableArn) throw new Error('DescribeTable named no table ARN');
    const { Tags } = await client.send(new ListTagsOfResourceCommand({ ResourceArn: tableArn }));
    byTag = Tags?.find((t) => t.Key === STAGE_TAG)?.Value;
  } catch (err) {
    tagsUnread = (err as Error).name;
  }
  const told = [byTag, byName].filter((s): s is string => s !== undefined);
  if (told.some(isProductionStage)) return { stage: PRODUCTION_STAGE };
  // A name that is no stage is not taken for a test stage (core/stage.ts): `production`, `Prod`.
  const noStage = told.find((s) => !isKnownStage(s));
  if (noStage !== undefined) {
    const where = noStage === byTag ? `its ${STAGE_TAG} tag` : 'its name';
    return {
      stage: undefined,
      unknownBecause: `${where} says "${noStage}", which is none of the stages ${KNOWN_STAGES.join(', ')}`,
    };
  }
  if (told[0] !== undefined) return { stage: told[0] };
  const tags = tagsUnread ? `its tags could not be read (${tagsUnread})` : `it has no ${STAGE_TAG} tag`;
  return {
    stage: undefined,
    unknownBecause: `${tags} and its name is not one CloudFormation gives a stage's table (srs-<stage>-stateful-…)`,
  };
}

async function tableOfStage(stage: string, region: string | undefined): Promise<string> {
  const stackName = statefulStackName(stage);
  const cloudFormation = new CloudFormationClient({ ...CLIENT_DEFAULTS, ...(region ? { region } : {}) });
  try {
    const out = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const tableName = out.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'TableName')?.OutputValue;
    if (!tableName) throw new OperatorError(`Stack ${stackName} has no TableName output.`);
    return tableName;
  } catch (err) {
    if (err instanceof OperatorError) throw err;
    if ((err as Error).name === 'ValidationError' && /does not exist/.test((err as Error).message)) {
      throw new OperatorError(
        `No stack ${stackName} in ${await cloudFormation.config.region()}: is stage ${stage} deployed there (--region)?`,
      );
    }
    throw new OperatorError(awsFailure(err, `CloudFormation (stack ${stackName})`));
  } finally {
    cloudFormation.destroy();
  }
}

/** One line for what went wrong talking to AWS (or the embedded DynamoDB). */
export function awsFailure(err: unknown, what: string): string {
  const e = err as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  const text = `${e?.name ?? ''} ${e?.code ?? ''} ${e?.message ?? ''}`;
  if (e?.name === 'CredentialsProviderError' || /Could not load credentials/i.test(text)) {
    return `No AWS credentials for ${what}: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or use --local for npm start.`;
  }
  if (/Region is missing/i.test(text)) return `No AWS region for ${what}: set AWS_REGION or pass --region.`;
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|TimeoutError|socket hang up/i.test(text)) {
    return `Cannot reach ${what}: ${e?.code ?? e?.name}.`;
  }
  if (
    /UnrecognizedClient|InvalidSignature|ExpiredToken|AccessDenied|SignatureDoesNotMatch|security token/i.test(
      text,
    )
  ) {
    return `AWS refused the request to ${what}: ${e.name} (check the credentials and their permissions).`;
  }
  return `${what} failed: ${e?.name ?? 'Error'}${e?.message ? `: ${e.message.split('\n')[0]}` : ''}`;
}

/** Resolves the global options to a table and checks that it answers (DescribeTable). */
export async function connect(values: OptionValues): Promise<Connection> {
  const local = values.local === true;
  const stage = stringOption(values, 'stage');
  const region = stringOption(values, 'region');
  const table = stringOption(values, 'table');
  const port = stringOption(values, 'port');
  if ([local, stage !== undefined, table !== undefined].filter(Boolean).length > 1) {
    throw new OperatorError('Choose one of --local, --stage and --table.', true);
  }
  if (port !== undefined && !local) throw new OperatorError('--port goes with --local.', true);
  if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new OperatorError('--port must be a port number.');
  // Only a stage the CDK app deploys has a stack to find (lib/config.ts), and only a stage named
  // here is known for what it is: a name like `production` is not taken for a test stage.
  if (stage !== undefined && !(DEPLOYED_STAGES as readonly string[]).includes(stage))
    throw new OperatorError(
      `--stage must be one of ${DEPLOYED_STAGES.join(', ')} (the embedded stack: --local).`,
    );
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new OperatorError('--region must be an AWS region, e.g. eu-central-2.');
  }

  let config: DynamoDBClientConfig = { ...CLIENT_DEFAULTS, ...(region ? { region } : {}) };
  let tableName: string;
  let target: string;
  if (local) {
    const stack = pickLocalStack(port);
    tableName = stack.tableName;
    target = `the local stack at ${stack.baseUrl}`;
    config = {
      ...CLIENT_DEFAULTS,
      endpoint: stack.dynamoEndpoint,
      region: stack.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };
  } else if (stage !== undefined) {
    tableName = await tableOfStage(stage, region);
    target = `stage ${stage}`;
  } else {
    const named = table ?? process.env.TABLE_NAME;
    if (!named) {
      throw new OperatorError(
        'Which table? Use --local (npm start on this machine), --stage <stage> (a deployment) or --table <name> (or TABLE_NAME).',
        true,
      );
    }
    tableName = named;
    target = process.env.AWS_ENDPOINT_URL_DYNAMODB ? process.env.AWS_ENDPOINT_URL_DYNAMODB : 'AWS';
  }
  if (!TABLE.test(tableName)) throw new OperatorError(`"${tableName}" is not a DynamoDB table name.`);

  const client = new DynamoDBClient(config);
  let tableArn: string | undefined;
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    tableArn = described.Table?.TableArn;
  } catch (err) {
    client.destroy();
    if ((err as Error).name === 'ResourceNotFoundException') {
      throw new OperatorError(`Table ${tableName} does not exist at ${target}.`);
    }
    throw new OperatorError(awsFailure(err, `DynamoDB table ${tableName} at ${target}`));
  }
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    repository: createRepository(db, tableName),
    db,
    tableName,
    target,
    stage: async (): Promise<TableStage> => {
      const named = local ? LOCAL_STAGE : stage;
      return named !== undefined ? { stage: named } : stageOfNamedTable(client, tableName, tableArn);
    },
    close: () => client.destroy(),
  };
}
