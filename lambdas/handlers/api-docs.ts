/**
 * GET /openapi.json, GET /docs and GET /docs/{asset} — the API described (generated from the
 * schemas in use) and the interactive reference that renders it (http/api-reference.ts).
 */

import { optionalEnv, requiredEnv } from '../adapters/env.js';
import { problems } from '../core/problems.js';
import { referenceCsp, referenceFile, referencePage } from '../http/api-reference.js';
import { html, httpHandler, json } from '../http/handler.js';
import { publicBaseUrl } from '../http/request.js';
import { routesOfStage } from '../routes.js';

/**
 * The document's builder — every route's schemas and zod's JSON Schema conversion — loaded by the
 * one route that serves the document: the reference page and its files need none of it, and a cold
 * start for them does not build it (docs/benchmarks.md §3).
 */
const openApiBuilder = () => import('../http/openapi.js');

export const handler = httpHandler('api-docs', async (event) => {
  const base = publicBaseUrl(event);
  const tokenUrl = optionalEnv('TOKEN_URL', `${base}/oauth2/token`);
  if (event.resource === '/openapi.json') {
    // The routes this stage deploys: production's document has no Test-ISP simulator, no demo portal.
    const routes = routesOfStage(requiredEnv('STAGE'));
    const { buildOpenApi } = await openApiBuilder();
    return json(200, buildOpenApi(base, tokenUrl, routes), { 'Cache-Control': 'public, max-age=300' });
  }
  if (event.resource === '/docs/{asset}') {
    const file = referenceFile(event.pathParameters?.asset ?? '');
    if (!file) throw problems.notFound('No such file of the API reference.');
    return {
      statusCode: 200,
      headers: {
        'Content-Type': file.contentType,
        'Cache-Control': 'public, max-age=3600',
        'X-Content-Type-Options': 'nosniff',
      },
      body: file.body,
    };
  }
  return html(200, referencePage('Smart Registration Service'), {
    'Content-Security-Policy': referenceCsp(tokenUrl),
  });
});
