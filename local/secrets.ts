/**
 * Secrets the local stack generates instead of Secrets Manager: the Test-ISP's signing key pair,
 * the serial-number key, the service's order-token signing key and the demo portal's cookie key. Kept with the data folder so
 * that a restarted stack keeps its identities.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { isNonArrayObject } from '../lambdas/core/guards.js';
import type { ServiceConfig } from '../lambdas/core/service-config.js';
import { notWhatItShouldBe, readDataFile } from './data-folder.js';

export interface LocalSecrets {
  serialNumberKey: string;
  testIspPrivateJwk: JWK;
  testIspPublicJwk: JWK;
  /** The service's own key for order tokens (ORDER_TOKEN_PRIVATE_JWK; Secrets Manager in AWS). */
  orderTokenPrivateJwk: JWK;
  /** The demo portal's HMAC key for its journey cookie (DEMO_PORTAL_COOKIE_KEY). */
  demoPortalCookieKey: string;
}

/** An ES256 key pair as a partner registers it: the kid is the public key's thumbprint (RFC 7638). */
export async function es256KeyPair(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    publicJwk: { ...publicJwk, kid, alg: 'ES256', use: 'sig' },
  };
}

const SECRETS_FILE = 'local-secrets.json';

/** Each secret's kind: a key as text, or a JWK. */
const SECRET_KINDS: Record<keyof LocalSecrets, 'string' | 'object'> = {
  serialNumberKey: 'string',
  testIspPrivateJwk: 'object',
  testIspPublicJwk: 'object',
  orderTokenPrivateJwk: 'object',
  demoPortalCookieKey: 'string',
};

/** Whether a saved file holds secrets: an object whose secrets, those it has, are of their kind. */
function isSavedSecrets(saved: unknown): saved is Partial<LocalSecrets> {
  return (
    isNonArrayObject(saved) &&
    Object.entries(SECRET_KINDS).every(([name, kind]) => {
      const value = saved[name];
      return (
        value === undefined ||
        (kind === 'string' ? typeof value === 'string' && value !== '' : isNonArrayObject(value))
      );
    })
  );
}

export async function loadOrCreateLocalSecrets(dataDir?: string): Promise<LocalSecrets> {
  const file = dataDir ? join(dataDir, SECRETS_FILE) : undefined;
  const read = dataDir ? readDataFile<unknown>(dataDir, SECRETS_FILE) : undefined;
  // Refused as it is, never written over: a file of another shape is one the operator should look at.
  if (dataDir && read !== undefined && !isSavedSecrets(read))
    throw notWhatItShouldBe(dataDir, SECRETS_FILE, 'an object of the local secrets');
  const saved = read as Partial<LocalSecrets> | undefined;
  // A folder from before a secret existed keeps what it has and gains the new one.
  if (
    saved?.serialNumberKey &&
    saved.testIspPrivateJwk &&
    saved.testIspPublicJwk &&
    saved.orderTokenPrivateJwk &&
    saved.demoPortalCookieKey
  )
    return saved as LocalSecrets;
  const testIsp = await es256KeyPair();
  const secrets: LocalSecrets = {
    serialNumberKey: randomBytes(32).toString('base64url'),
    testIspPrivateJwk: testIsp.privateJwk,
    testIspPublicJwk: testIsp.publicJwk,
    orderTokenPrivateJwk: (await es256KeyPair()).privateJwk,
    demoPortalCookieKey: randomBytes(32).toString('base64url'),
    ...saved,
  };
  if (file && dataDir) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  }
  return secrets;
}

/** Every partner that the local stack simulates with the Test-ISP adapter signs with its key. */
export function withTestIspKey(config: ServiceConfig, publicJwk: JWK): ServiceConfig {
  return {
    ...config,
    isps: config.isps.map((isp) =>
      isp.adapter === 'test-isp'
        ? { ...isp, keys: [...isp.keys, publicJwk as Record<string, unknown>] }
        : isp,
    ),
  };
}
