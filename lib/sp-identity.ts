/**
 * Who may call the API: the Cognito user pool that issues SP access tokens (OAuth 2.0 client
 * credentials; nobody signs in), its resource server with the route table's scopes, the token
 * domain, and one app client per SP of the stage.
 */
import { Aws, Duration, type Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import {
  DEFAULT_SP_SCOPES,
  RESOURCE_SERVER,
  SCOPE_DESCRIPTIONS,
  SCOPES,
  type Scope,
} from '../lambdas/routes.js';
import { prefixOf, type StageConfig } from './config.js';

export interface SpIdentity {
  userPool: cognito.UserPool;
  resourceServer: cognito.UserPoolResourceServer;
  /** The token endpoint (client credentials). */
  tokenEndpoint: string;
  appClients: Map<string, cognito.UserPoolClient>;
}

export function createSpIdentity(scope: Stack, config: StageConfig): SpIdentity {
  const prefix = prefixOf(config.stage);
  // SP backends authenticate with OAuth 2.0 client credentials; nobody signs in to this pool.
  const userPool = new cognito.UserPool(scope, 'UserPool', {
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
  Validations.of(userPool).acknowledge({
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
  const resourceServer = userPool.addResourceServer('ResourceServer', {
    identifier: RESOURCE_SERVER,
    userPoolResourceServerName: `${prefix}-api`,
    scopes: [...serverScopes.values()],
  });

  const domain = userPool.addDomain('Domain', {
    cognitoDomain: { domainPrefix: config.authDomainPrefix ?? `${prefix}-${Aws.ACCOUNT_ID}` },
  });
  const tokenEndpoint = `${domain.baseUrl()}/oauth2/token`;

  const appClients = new Map<string, cognito.UserPoolClient>();
  for (const client of config.spClients) {
    const scopes = (client.scopes ?? DEFAULT_SP_SCOPES).map((s) =>
      cognito.OAuthScope.resourceServer(resourceServer, serverScopes.get(s) as cognito.ResourceServerScope),
    );
    appClients.set(
      client.name,
      userPool.addClient(`SpClient-${client.name}`, {
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
  return { userPool, resourceServer, tokenEndpoint, appClients };
}
