/** The account's SMS settings, set at deployment by a custom resource. */
import { type Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { prefixOf, type StageConfig } from './config.js';

/**
 * The account's SMS settings (SNS has no CloudFormation resource for them): transactional type,
 * a monthly spend limit, optionally a sender id. Account- and region-wide: stages sharing an
 * account share these.
 */
export function createSmsSettings(scope: Stack, config: StageConfig): void {
  const attributes: Record<string, string> = {
    DefaultSMSType: 'Transactional',
    MonthlySpendLimit: config.sms.monthlySpendLimitUsd,
  };
  if (config.sms.senderId) attributes.DefaultSenderID = config.sms.senderId;
  const logGroup = new logs.LogGroup(scope, 'SmsSettingsLogs', {
    retention: config.logRetention,
    removalPolicy: config.removalPolicy,
  });
  const call: cr.AwsSdkCall = {
    service: 'SNS',
    action: 'SetSMSAttributes',
    parameters: { attributes },
    physicalResourceId: cr.PhysicalResourceId.of(`${prefixOf(config.stage)}-sms-settings`),
  };
  const settings = new cr.AwsCustomResource(scope, 'SmsSettings', {
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
  const provider = scope.node.tryFindChild(
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
