import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { GLOBAL_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../lambdas/adapters/dynamo/table-schema.js';
import { DEFAULT_SP_SCOPES, RESOURCE_SERVER, SCOPES } from '../../lambdas/routes.js';
import { parseSpClients } from '../../lib/config.js';
import { logicalIdOf, resourcesOf, synth, synthStage } from './helpers.js';

const KEY_TYPE = { partitionKey: 'HASH', sortKey: 'RANGE' } as const;

describe('the table', () => {
  it('has the key schema and indexes of the module the local stack creates its table from', () => {
    const { statefulTemplate } = synthStage('dev');
    const [table] = Object.values(resourcesOf(statefulTemplate, 'AWS::DynamoDB::Table'));
    const props = table?.Properties as {
      KeySchema: unknown[];
      GlobalSecondaryIndexes: unknown[];
      AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
      TimeToLiveSpecification: unknown;
    };

    expect(props.KeySchema).toEqual([
      { AttributeName: TABLE_KEYS.partitionKey.name, KeyType: KEY_TYPE.partitionKey },
      { AttributeName: TABLE_KEYS.sortKey.name, KeyType: KEY_TYPE.sortKey },
    ]);
    expect(props.GlobalSecondaryIndexes).toEqual(
      GLOBAL_INDEXES.map((gsi) => ({
        IndexName: gsi.indexName,
        KeySchema: [
          { AttributeName: gsi.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: gsi.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: gsi.projection },
      })),
    );
    const expectedAttributes = new Map<string, string>([
      [TABLE_KEYS.partitionKey.name, TABLE_KEYS.partitionKey.type],
      [TABLE_KEYS.sortKey.name, TABLE_KEYS.sortKey.type],
      ...GLOBAL_INDEXES.flatMap((g) => [
        [g.partitionKey.name, g.partitionKey.type] as [string, string],
        [g.sortKey.name, g.sortKey.type] as [string, string],
      ]),
    ]);
    expect(new Map(props.AttributeDefinitions.map((a) => [a.AttributeName, a.AttributeType]))).toEqual(
      expectedAttributes,
    );
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
  });

  it('tells its stage by a tag and by the name CloudFormation gives it, as the admin CLI reads them (--table)', () => {
    const { stateful, statefulTemplate } = synthStage('prod');
    const [table] = Object.values(resourcesOf(statefulTemplate, 'AWS::DynamoDB::Table'));

    expect(table?.Properties).toMatchObject({
      Tags: expect.arrayContaining([{ Key: 'stage', Value: 'prod' }]),
    });
    // No name of its own: CloudFormation names it srs-prod-stateful-<logical id>-<suffix>.
    expect(table?.Properties.TableName).toBeUndefined();
    expect(stateful.stackName).toBe('srs-prod-stateful');
  });

  it('is encrypted with the customer-managed key, which rotates, and has point-in-time recovery', () => {
    const { stateful, statefulTemplate } = synthStage('dev');
    const keyId = logicalIdOf(stateful, stateful.dataKey);

    statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    statefulTemplate.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it.each([
    ['dev', false, 'Delete'],
    ['test', true, 'Retain'],
    ['prod', true, 'Retain'],
  ] as const)('on %s: deletion protection %s, data %s on stack deletion', (stage, protectedData, policy) => {
    const { statefulTemplate } = synthStage(stage);

    statefulTemplate.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike(protectedData ? { DeletionProtectionEnabled: true } : {}),
      DeletionPolicy: policy,
      UpdateReplacePolicy: policy,
    });
    if (!protectedData) {
      const [table] = Object.values(resourcesOf(statefulTemplate, 'AWS::DynamoDB::Table'));
      expect(table?.Properties.DeletionProtectionEnabled).toBeFalsy();
    }
    statefulTemplate.hasResource('AWS::KMS::Key', { DeletionPolicy: policy });
    statefulTemplate.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: policy,
      Properties: Match.objectLike({ DeletionProtection: protectedData ? 'ACTIVE' : 'INACTIVE' }),
    });
  });
});

describe('the user pool', () => {
  it('has a resource server with exactly the scopes of the route table', () => {
    const { statefulTemplate } = synthStage('dev');

    const servers = Object.values(resourcesOf(statefulTemplate, 'AWS::Cognito::UserPoolResourceServer'));

    expect(servers).toHaveLength(1);
    expect(servers[0]?.Properties.Identifier).toBe(RESOURCE_SERVER);
    const scopes = ((servers[0]?.Properties.Scopes ?? []) as { ScopeName: string }[]).map(
      (s) => `${RESOURCE_SERVER}/${s.ScopeName}`,
    );
    expect(scopes.sort()).toEqual(Object.values(SCOPES).sort());
  });

  it('lets nobody sign up and has a domain for the token endpoint', () => {
    const { statefulTemplate } = synthStage('prod');

    statefulTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
    statefulTemplate.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('has no app clients unless the spClients context lists them', () => {
    expect(synthStage('dev').statefulTemplate.findResources('AWS::Cognito::UserPoolClient')).toEqual({});
  });

  it('gets one client-credentials app client per SP in the spClients context, with its scopes', () => {
    const { stateful, statefulTemplate } = synth({
      stage: 'test',
      spClients: JSON.stringify(['acme-signing', { name: 'bank-x', scopes: [SCOPES.read] }]),
    });
    const serverId = logicalIdOf(stateful, stateful.resourceServer);
    const scope = (s: string) => ({ 'Fn::Join': ['', [{ Ref: serverId }, `/${s.split('/')[1]}`]] });

    const clients = Object.values(resourcesOf(statefulTemplate, 'AWS::Cognito::UserPoolClient'));

    expect(clients.map((c) => c.Properties.ClientName).sort()).toEqual(['acme-signing', 'bank-x']);
    for (const c of clients) {
      expect(c.Properties).toMatchObject({
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
      });
    }
    const bank = clients.find((c) => c.Properties.ClientName === 'bank-x');
    const acme = clients.find((c) => c.Properties.ClientName === 'acme-signing');
    expect(bank?.Properties.AllowedOAuthScopes).toEqual([scope(SCOPES.read)]);
    // The same default as a local SP client: read and write, never the partners' introspect scope.
    expect(acme?.Properties.AllowedOAuthScopes).toEqual(DEFAULT_SP_SCOPES.map(scope));
    expect(acme?.Properties.AllowedOAuthScopes).not.toContainEqual(scope(SCOPES.introspect));
  });

  it('refuses SP clients with unknown scopes or names given twice', () => {
    expect(() => parseSpClients([{ name: 'x', scopes: ['srs/admin'] }])).toThrow(/unknown scope/);
    expect(() => parseSpClients(['x', 'x'])).toThrow(/twice/);
    expect(() => parseSpClients('{"name":"x"}')).toThrow(/array/);
  });
});

describe('SMS and the alarm topic', () => {
  it('sets the account SMS attributes: transactional, with a monthly spend limit', () => {
    const { statefulTemplate } = synth({ stage: 'prod', smsMonthlySpendLimitUsd: 25, smsSenderId: 'SRS' });

    const [settings] = Object.values(resourcesOf(statefulTemplate, 'Custom::AWS'));
    const create = JSON.stringify(settings?.Properties.Create);

    expect(create).toContain('SetSMSAttributes');
    expect(create).toContain('\\"DefaultSMSType\\":\\"Transactional\\"');
    expect(create).toContain('\\"MonthlySpendLimit\\":\\"25\\"');
    expect(create).toContain('\\"DefaultSenderID\\":\\"SRS\\"');
  });

  it('encrypts the alarm topic with the key and requires TLS to publish', () => {
    const { stateful, statefulTemplate } = synthStage('dev');

    statefulTemplate.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalIdOf(stateful, stateful.dataKey), 'Arn'] },
    });
    statefulTemplate.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});
