/** The stage's secrets in Secrets Manager, encrypted with the data key. */
import type { Stack } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { prefixOf, type StageConfig } from './config.js';
import type { SecretId } from './function-permissions.js';

const pascalOf = (kebab: string): string =>
  kebab
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');

/**
 * Secrets the functions get in their environment (resolved by CloudFormation at deployment).
 * Never in code or in the template: generated here, or put in by the operator (docs/deploy.md).
 */
export function createSecrets(
  scope: Stack,
  config: StageConfig,
  encryptionKey: kms.IKey,
): { secrets: Map<SecretId, secretsmanager.Secret>; partnerSecrets: Map<string, secretsmanager.Secret> } {
  const secrets = new Map<SecretId, secretsmanager.Secret>();
  const partnerSecrets = new Map<string, secretsmanager.Secret>();
  const prefix = prefixOf(config.stage);
  const newSecret = (
    constructId: string,
    name: string,
    description: string,
    generate: secretsmanager.SecretStringGenerator,
    noRotation: string,
  ): secretsmanager.Secret => {
    const s = new secretsmanager.Secret(scope, constructId, {
      secretName: `${prefix}/${name}`,
      description,
      encryptionKey,
      generateSecretString: generate,
      // Losing one changes serial numbers or invalidates keys partners rely on: keep them outside dev.
      removalPolicy: config.removalPolicy,
    });
    Validations.of(s).acknowledge({ id: 'AwsSolutions-SMG4', reason: noRotation });
    return s;
  };
  const secret = (
    id: SecretId,
    description: string,
    generate: secretsmanager.SecretStringGenerator,
    noRotation: string,
  ): void => {
    secrets.set(id, newSecret(pascalOf(id), id, description, generate, noRotation));
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
    secret(
      'demo-portal-cookie-key',
      'Demo signing portal: HMAC key signing its journey cookie',
      { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      'Test stages only. Rotating it only sends visitors with a cookie back to the portal start; no automatic rotation needed for a demo.',
    );
  }
  // One secret per name, each generated from the same fixed template: CloudFormation regenerates a
  // generated secret when its generate settings change, so adding or removing a name must never
  // touch another name's secret (a shared template listing the names would reset every value).
  for (const name of config.partnerSecrets) {
    partnerSecrets.set(
      name,
      newSecret(
        `PartnerSecret${name}`,
        `partner-secret/${name}`,
        `An identification partner's API secret, the variable ${name}, in the field "value". Replace the placeholder: docs/deploy.md`,
        placeholder(['value']),
        'Each partner issues its own credentials; rotating one is agreed with that partner and copied here by hand (docs/deploy.md).',
      ),
    );
  }
  return { secrets, partnerSecrets };
}
