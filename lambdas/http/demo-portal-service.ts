/**
 * The service, as the demo portal (an SP) calls it: through the public API, server side, with the
 * portal's own OAuth client credentials.
 */
import { optionalEnv, requiredEnv, requiredPublicBaseUrl } from '../adapters/env.js';
import { ServiceApiClient, ServiceUnavailable } from '../adapters/service-api-client.js';
import {
  type CatalogueEntry,
  groupMethods,
  SIGNATURE_NEEDS,
  type Signer,
  verifyRequestFor,
} from '../core/demo-portal.js';

/** No client credentials for the portal in this deployment (e.g. a configuration without its SP). */
export class PortalNotSetUp extends Error {}

const clients = new Map<string, ServiceApiClient>();
/**
 * The client for the configured credentials, made once per configuration (it caches its access
 * token). Read per request: a local stack started later in the same process (tests) changes them.
 */
export function service(): ServiceApiClient {
  const clientId = optionalEnv('DEMO_PORTAL_CLIENT_ID');
  const clientSecret = optionalEnv('DEMO_PORTAL_CLIENT_SECRET');
  if (!clientId || !clientSecret) throw new PortalNotSetUp();
  const settings = {
    apiBaseUrl: requiredPublicBaseUrl(),
    tokenUrl: requiredEnv('TOKEN_URL'),
    clientId,
    clientSecret,
  };
  const key = JSON.stringify(settings);
  let client = clients.get(key);
  if (!client) {
    client = new ServiceApiClient(settings);
    clients.set(key, client);
  }
  return client;
}

export async function verifyAnswer(signer: Signer) {
  const res = await service().verify(verifyRequestFor(signer));
  if (res.status === 200) return res.body as { evidenceId: string; serialNumber: string };
  if (res.status === 404) return undefined;
  throw new ServiceUnavailable('verify', `HTTP ${res.status}`);
}

export async function offeredGroups(signer: Signer) {
  const need = SIGNATURE_NEEDS[signer.need];
  const res = await service().providers({ loa: String(need.loa), jurisdiction: need.jurisdiction });
  if (res.status !== 200 || !Array.isArray(res.body))
    throw new ServiceUnavailable('catalogue', `HTTP ${res.status}`);
  return groupMethods(res.body as CatalogueEntry[]);
}
