/** GET /openapi.json and GET /docs — the API described, generated from the schemas in use. */

import { optionalEnv } from '../adapters/env.js';
import { html, httpHandler, json } from '../http/handler.js';
import { escapeHtml } from '../http/html.js';
import { buildOpenApi } from '../http/openapi.js';
import { publicBaseUrl } from '../http/request.js';

export const handler = httpHandler('api-docs', async (event) => {
  const base = publicBaseUrl(event);
  const doc = buildOpenApi(base, optionalEnv('TOKEN_URL', `${base}/oauth2/token`));
  if (event.resource === '/openapi.json') return json(200, doc, { 'Cache-Control': 'public, max-age=300' });
  return html(200, docsPage(doc));
});

type Doc = ReturnType<typeof buildOpenApi>;

function docsPage(doc: Doc): string {
  const sections = Object.entries(doc.paths)
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const o = op as {
          summary: string;
          security: Record<string, string[]>[];
          parameters: { name: string; in: string }[];
          requestBody?: { content: Record<string, { schema: unknown }> };
          responses: Record<string, { description: string }>;
        };
        const scopes = o.security.flatMap((s) => s.oauth2 ?? []);
        const params = o.parameters.map((p) => `<code>${escapeHtml(p.name)}</code> (${p.in})`).join(', ');
        const body = o.requestBody
          ? `<details><summary>Request body schema</summary><pre>${escapeHtml(JSON.stringify(Object.values(o.requestBody.content)[0]?.schema, null, 2))}</pre></details>`
          : '';
        const responses = Object.entries(o.responses)
          .map(([status, r]) => `<li><code>${status}</code> ${escapeHtml(r.description)}</li>`)
          .join('');
        return `<section><h2><code>${method.toUpperCase()} ${escapeHtml(path)}</code></h2>
<p>${escapeHtml(o.summary)}</p>
<p>Authentication: ${scopes.length ? `bearer token with scope <code>${scopes.map(escapeHtml).join('</code> or <code>')}</code>` : 'none'}</p>
${params ? `<p>Parameters: ${params}</p>` : ''}${body}<ul>${responses}</ul></section>`;
      }),
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.info.title)} — API</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}section{border-top:1px solid #ddd;padding:.5rem 0}pre{background:#f6f6f6;padding:.5rem;overflow:auto}</style>
</head><body><h1>${escapeHtml(doc.info.title)} API</h1><p>${escapeHtml(doc.info.description)}</p>
<p>Errors are <code>application/problem+json</code> (RFC 9457). Machine-readable: <a href="/openapi.json">OpenAPI 3.1</a>.
Schemas: <details><summary>components</summary><pre>${escapeHtml(JSON.stringify(doc.components.schemas, null, 2))}</pre></details></p>
${sections}</body></html>`;
}
