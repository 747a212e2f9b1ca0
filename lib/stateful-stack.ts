/**
 * What holds state and outlives deployments: the single table and its customer-managed key, the
 * alarm topic, and — from their own modules — the Cognito user pool that issues SP access tokens
 * (lib/sp-identity.ts), the secrets (lib/secrets.ts) and the account's SMS settings
 * (lib/sms-settings.ts).
 */
import { Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { GLOBAL_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../lambdas/adapters/dynamo/table-schema.js';
import { prefixOf, type StageConfig } from './config.js';
import type { SecretId } from './function-permissions.js';
import { createSecrets } from './secrets.js';
import { createSmsSettings } from './sms-settings.js';
import { createSpIdentity } from './sp-identity.js';

export interface StatefulStackProps extends StackProps {
  config: StageConfig;
}

const attributeType = (t: 'S' | 'N' | 'B'): dynamodb.AttributeType =>
  ({ S: dynamodb.AttributeType.STRING, N: dynamodb.AttributeType.NUMBER, B: dynamodb.AttributeType.BINARY })[
    t
  ];

const _pascalOf = (kebab: string): string =>
  kebab
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');

const projectionType = (p: 'ALL' | 'KEYS_ONLY'): dynamodb.ProjectionType =>
  p === 'ALL' ? dynamodb.ProjectionType.ALL : dynamodb.ProjectionType.KEYS_ONLY;

export class StatefulStack extends Stack {
  readonly table: dynamodb.Table;
  readonly dataKey: kms.Key;
  readonly userPool: cognito.UserPool;
  readonly resourceServer: cognito.UserPoolResourceServer;
  readonly appClients: Map<string, cognito.UserPoolClient>;
  readonly alarmTopic: sns.Topic;
  readonly tokenEndpoint: string;
  readonly secrets = new Map<SecretId, secretsmanager.Secret>();
  /** One secret per partner secret variable (context `partnerSecrets`), by variable name. */
  readonly partnerSecrets = new Map<string, secretsmanager.Secret>();

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    const prefix = prefixOf(config.stage);

    this.dataKey = new kms.Key(this, 'DataKey', {
      alias: `alias/${prefix}-data`,
      description: `Smart Registration Service (${config.stage}): table, alarm topic`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
      pendingWindow: Duration.days(config.protectData ? 30 : 7),
    });
    // CloudWatch alarms publish to the encrypted alarm topic.
    this.dataKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKeyForTheAlarmTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );

    // The table, built from the same key schema module the local stack creates its table from.
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: {
        name: TABLE_KEYS.partitionKey.name,
        type: attributeType(TABLE_KEYS.partitionKey.type),
      },
      sortKey: { name: TABLE_KEYS.sortKey.name, type: attributeType(TABLE_KEYS.sortKey.type) },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: config.protectData,
      removalPolicy: config.removalPolicy,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // The change feed webhook deliveries are driven from (lambdas/event-sources.ts).
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });
    for (const gsi of GLOBAL_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey.name, type: attributeType(gsi.partitionKey.type) },
        sortKey: { name: gsi.sortKey.name, type: attributeType(gsi.sortKey.type) },
        projectionType: projectionType(gsi.projection),
      });
    }

    ({
      userPool: this.userPool,
      resourceServer: this.resourceServer,
      tokenEndpoint: this.tokenEndpoint,
      appClients: this.appClients,
    } = createSpIdentity(this, config));

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      topicName: `${prefix}-alarms`,
      masterKey: this.dataKey,
      enforceSSL: true,
    });
    if (config.alarmEmail)
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));

    createSmsSettings(this, config);
    const { secrets, partnerSecrets } = createSecrets(this, config, this.dataKey);
    for (const [id, secret] of secrets) this.secrets.set(id, secret);
    for (const [name, secret] of partnerSecrets) this.partnerSecrets.set(name, secret);

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'TokenEndpoint', { value: this.tokenEndpoint });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    for (const [name, client] of this.appClients) {
      new CfnOutput(this, `SpClientId${name.replace(/[^A-Za-z0-9]/g, '')}`, {
        value: client.userPoolClientId,
        description: `App client id of SP "${name}" (secret: aws cognito-idp describe-user-pool-client)`,
      });
    }
  }
}
