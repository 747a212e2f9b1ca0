/**
 * GET /openapi.json, GET /docs and GET /docs/{asset} — the API described (generated from the
 * schemas in use before the function runs, http/openapi-documents.ts) and the interactive reference
 * that renders it (http/api-reference.ts).
 */

import { optionalEnv, requiredPublicBaseUrl, requiredStage } from '../adapters/env.js';
import { problems } from '../core/problems.js';
import { referenceCsp, referenceFile, referencePage } from '../http/api-reference.js';
import { html, httpHandler, jsonText } from '../http/handler.js';
import { servedOpenApi } from '../http/openapi-documents.js';

requiredPublicBaseUrl(); // at cold start: a deployment without it fails here
requiredStage(); // and one that does not say its stage (which routes its document lists)

/**
 * The document as served, by the stage's routes and the addresses it names (its server, the token
 * endpoint): generated before the function runs (http/openapi-documents.ts), read and addressed by
 * the first request that asks for it, then served as is. In Lambda the addresses are fixed for the
 * container; they are compared per request because a local stack started later in the same process
 * (tests) brings others.
 */
let served: { key: string; document: string } | undefined;

function openApiDocument(base: string, tokenUrl: string): string {
  const stage = requiredStage();
  const key = `${stage} ${base} ${tokenUrl}`;
  if (served?.key !== key) served = { key, document: JSON.stringify(servedOpenApi(stage, base, tokenUrl)) };
  return served.document;
}

export const handler = httpHandler('api-docs', async (event) => {
  const base = requiredPublicBaseUrl();
  const tokenUrl = optionalEnv('TOKEN_URL', `${base}/oauth2/token`);
  if (event.resource === '/openapi.json') {
    return jsonText(200, openApiDocument(base, tokenUrl), { 'Cache-Control': 'public, max-age=300' });
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
  // API Gateway hands `/docs/` to this resource too (ADR 0027): the page's links are relative to
  // its own address (`docs/…`, `openapi.json`, under any stage or base path), so it sends the
  // browser there rather than render a page whose files and document are not found.
  if (event.path.endsWith('/')) return { statusCode: 301, headers: { Location: '../docs' }, body: '' };
  return html(200, referencePage('Smart Registration Service'), {
    'Content-Security-Policy': referenceCsp(tokenUrl),
  });
});
