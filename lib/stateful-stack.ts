/**
 * What holds state and outlives deployments: the single table and its customer-managed key, the
 * Cognito user pool that issues SP access tokens (resource server with the route table's scopes,
 * one client-credentials app client per SP), the alarm topic, and the account's SMS settings.
 */
import { Aws, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { GLOBAL_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../lambdas/adapters/dynamo/table-schema.js';
import {
  DEFAULT_SP_SCOPES,
  RESOURCE_SERVER,
  SCOPE_DESCRIPTIONS,
  SCOPES,
  type Scope,
} from '../lambdas/routes.js';
import { prefixOf, type StageConfig } from './config.js';
import type { SecretId } from './function-permissions.js';

export interface StatefulStackProps extends StackProps {
  config: StageConfig;
}

const attributeType = (t: 'S' | 'N' | 'B'): dynamodb.AttributeType =>
  ({ S: dynamodb.AttributeType.STRING, N: dynamodb.AttributeType.NUMBER, B: dynamodb.AttributeType.BINARY })[
    t
  ];

const pascalOf = (kebab: string): string =>
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

    // SP backends authenticate with OAuth 2.0 client credentials; nobody signs in to this pool.
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `${prefix}-service-providers`,
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      accountRecovery: cognito.AccountRecovery.NONE,
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(1),
      },
      featurePlan: cognito.FeaturePlan.LITE,
      deletionProtection: config.protectData,
      removalPolicy: config.removalPolicy,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The pool has no users: only SP backends with the client-credentials grant. The Plus tier threat protection acts on user sign-ins, which never happen here.',
    });

    const scopeNames = Object.values(SCOPES).map((s) => s.slice(RESOURCE_SERVER.length + 1));
    const serverScopes = new Map<Scope, cognito.ResourceServerScope>();
    for (const scope of Object.values(SCOPES)) {
      serverScopes.set(
        scope,
        new cognito.ResourceServerScope({
          scopeName: scope.slice(RESOURCE_SERVER.length + 1),
          scopeDescription: SCOPE_DESCRIPTIONS[scope],
        }),
      );
    }
    if (new Set(scopeNames).size !== scopeNames.length) throw new Error('Duplicate scope names in SCOPES');
    this.resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER,
      userPoolResourceServerName: `${prefix}-api`,
      scopes: [...serverScopes.values()],
    });

    const domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: config.authDomainPrefix ?? `${prefix}-${Aws.ACCOUNT_ID}` },
    });
    this.tokenEndpoint = `${domain.baseUrl()}/oauth2/token`;

    this.appClients = new Map();
    for (const client of config.spClients) {
      const scopes = (client.scopes ?? DEFAULT_SP_SCOPES).map((s) =>
        cognito.OAuthScope.resourceServer(
          this.resourceServer,
          serverScopes.get(s) as cognito.ResourceServerScope,
        ),
      );
      this.appClients.set(
        client.name,
        this.userPool.addClient(`SpClient-${client.name}`, {
          userPoolClientName: client.name,
          generateSecret: true,
          oAuth: { flows: { clientCredentials: true }, scopes },
          supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
          accessTokenValidity: Duration.hours(1),
          enableTokenRevocation: true,
          preventUserExistenceErrors: true,
        }),
      );
    }

    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      topicName: `${prefix}-alarms`,
      masterKey: this.dataKey,
      enforceSSL: true,
    });
    if (config.alarmEmail)
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));

    this.smsSettings(config);
    this.createSecrets(config);

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

  /**
   * Secrets the functions get in their environment (resolved by CloudFormation at deployment).
   * Never in code or in the template: generated here, or put in by the operator (docs/deploy.md).
   */
  private createSecrets(config: StageConfig): void {
    const prefix = prefixOf(config.stage);
    const secret = (
      id: SecretId,
      description: string,
      generate: secretsmanager.SecretStringGenerator,
      noRotation: string,
    ): void => {
      const s = new secretsmanager.Secret(this, pascalOf(id), {
        secretName: `${prefix}/${id}`,
        description,
        encryptionKey: this.dataKey,
        generateSecretString: generate,
        // Losing one changes serial numbers or invalidates keys partners rely on: keep them outside dev.
        removalPolicy: config.removalPolicy,
      });
      Validations.of(s).acknowledge({ id: 'AwsSolutions-SMG4', reason: noRotation });
      this.secrets.set(id, s);
    };
    const placeholder = (fields: string[]): secretsmanager.SecretStringGenerator => ({
      secretStringTemplate: JSON.stringify(
        Object.fromEntries(fields.map((f) => [f, 'placeholder: replace as docs/deploy.md says'])),
      ),
      generateStringKey: 'nonce',
    });

    secret(
      'serial-number-key',
      'HMAC key deriving the stable, non-reversible serialNumber of a registration',
      { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      'The serialNumber the verify call answers must stay stable per person (white paper); rotating this HMAC key would change every serial number.',
    );
    secret(
      'order-token-keys',
      'Order-token signing key: {"privateJwk": "<ES256 private JWK>", "publicJwks": "{\\"keys\\": [...]}"} as JSON strings. Replace the placeholder: docs/deploy.md',
      placeholder(['privateJwk', 'publicJwks']),
      'Partners verify order tokens against the published keys: rotation is a planned key roll (publish the new public key next to the old one first), done by hand as docs/deploy.md describes.',
    );
    if (config.includeTestStageOnlyRoutes) {
      secret(
        'test-isp-private-jwk',
        'Test-ISP simulator signing key (ES256 private JWK). Replace the placeholder: docs/deploy.md',
        placeholder(['placeholder']),
        'Test stages only. The matching public key is registered as the Test-ISP key in the catalogue; rotating means replacing both by hand (docs/deploy.md).',
      );
      secret(
        'demo-portal-client',
        'Demo signing portal: the client id and secret of its SP app client, {"clientId": "…", "clientSecret": "…"}. Replace the placeholder: docs/deploy.md',
        placeholder(['clientId', 'clientSecret']),
        'Test stages only. Cognito issues the app client secret; rotating it means a new app client secret copied here by hand (docs/deploy.md).',
      );
    }
  }

  /**
   * The account's SMS settings (SNS has no CloudFormation resource for them): transactional type,
   * a monthly spend limit, optionally a sender id. Account- and region-wide: stages sharing an
   * account share these.
   */
  private smsSettings(config: StageConfig): void {
    const attributes: Record<string, string> = {
      DefaultSMSType: 'Transactional',
      MonthlySpendLimit: config.sms.monthlySpendLimitUsd,
    };
    if (config.sms.senderId) attributes.DefaultSenderID = config.sms.senderId;
    const logGroup = new logs.LogGroup(this, 'SmsSettingsLogs', {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    const call: cr.AwsSdkCall = {
      service: 'SNS',
      action: 'SetSMSAttributes',
      parameters: { attributes },
      physicalResourceId: cr.PhysicalResourceId.of(`${prefixOf(config.stage)}-sms-settings`),
    };
    const settings = new cr.AwsCustomResource(this, 'SmsSettings', {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['sns:SetSMSAttributes'], resources: ['*'] }),
      ]),
      installLatestAwsSdk: false,
      logGroup,
    });
    Validations.of(settings).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'sns:SetSMSAttributes has no resource type (account-level SMS settings), so IAM requires "*". See the SNS service authorization reference.',
    });
    // The singleton function behind AwsCustomResource lives at stack level, outside `settings`.
    const provider = this.node.tryFindChild(
      `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
    );
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "The role of aws-cdk-lib's AwsCustomResource provider function: the managed policy only lets it write its logs. It runs at deployment time to set the SMS attributes.",
      });
    }
  }
}
