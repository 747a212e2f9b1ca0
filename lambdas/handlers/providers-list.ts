/** GET /api/providers — the catalogue of identification methods for the calling SP, filtered. */

import { configTableStores } from '../adapters/aws-clients.js';
import { CONFIG_CACHE_MS, cached } from '../adapters/cache.js';
import { catalogueFor, wellFormedProvidersQuery } from '../core/catalogue.js';
import type { ProvidersQuery } from '../core/catalogue-schemas.js';
import type { TwoStepRule } from '../core/parse.js';
import { problems } from '../core/problems.js';
import { setupInEffect } from '../core/setup-in-effect.js';
import { httpHandler, json } from '../http/handler.js';
import { callerClientId, negotiateJson, queryParamsTwoStep } from '../http/request.js';

export const PROVIDER_MEDIA_TYPE = 'application/vnd.sc.miss.provider.v1+json';

const repository = configTableStores();
const spSetup = cached((clientId: string) => repository.getSpSetup(clientId), CONFIG_CACHE_MS);
const catalogue = cached((_: 'all') => repository.listIsps(), CONFIG_CACHE_MS);

/** A good query is read without zod; the schema is loaded to judge any other (docs/benchmarks.md §3). */
const providersQuery: TwoStepRule<ProvidersQuery> = {
  wellFormed: wellFormedProvidersQuery,
  schema: async () => (await import('../core/providers-query-schema.js')).ProvidersQuery,
};

export const handler = httpHandler('providers-list', async (event) => {
  const clientId = callerClientId(event);
  const mediaType = negotiateJson(event, [PROVIDER_MEDIA_TYPE]);
  const filters = await queryParamsTwoStep(event, providersQuery);
  const [sp, isps] = await Promise.all([spSetup(clientId), catalogue('all')]);
  if (!sp) throw problems.forbidden('Your client has no service provider setup. Contact the operator.');
  return json(200, catalogueFor(isps, setupInEffect(sp, new Date()), filters), {
    'Content-Type': mediaType,
    Vary: 'Accept',
  });
});
