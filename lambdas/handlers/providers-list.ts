/** GET /api/providers — the catalogue of identification methods for the calling SP, filtered. */

import { configTableStores } from '../adapters/aws-clients.js';
import { CONFIG_CACHE_MS, cached } from '../adapters/cache.js';
import { catalogueFor } from '../core/catalogue.js';
import { ProvidersQuery } from '../core/catalogue-schemas.js';
import { problems } from '../core/problems.js';
import { httpHandler, json } from '../http/handler.js';
import { callerClientId, negotiateJson, queryParams } from '../http/request.js';

export const PROVIDER_MEDIA_TYPE = 'application/vnd.sc.miss.provider.v1+json';

const repository = configTableStores();
const spSetup = cached((clientId: string) => repository.getSpSetup(clientId), CONFIG_CACHE_MS);
const catalogue = cached((_: 'all') => repository.listIsps(), CONFIG_CACHE_MS);

export const handler = httpHandler('providers-list', async (event) => {
  const clientId = callerClientId(event);
  const mediaType = negotiateJson(event, [PROVIDER_MEDIA_TYPE]);
  const filters = queryParams(event, ProvidersQuery);
  const [sp, isps] = await Promise.all([spSetup(clientId), catalogue('all')]);
  if (!sp) throw problems.forbidden('Your client has no service provider setup. Contact the operator.');
  return json(200, catalogueFor(isps, sp, filters), { 'Content-Type': mediaType, Vary: 'Accept' });
});
